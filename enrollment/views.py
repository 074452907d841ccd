from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from lms import clock


@login_required
def dashboard(request):
    """Where an applicant lands after signing in. The steps of the application come later."""
    return render(request, "enrollment/dashboard.html", {"today": clock.today()})
