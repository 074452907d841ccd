"""The applicant's verification of employment page: where the request stands, a reminder to
the employer (once a day), and a change of employer (or one that is not listed)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from certification.forms import EmployerChangeForm
from certification.selectors.verification import (
    can_change_employer,
    verification_dashboard_step,
    verification_request_current,
    verification_request_get_for_user,
    verification_request_list_for_user,
)
from certification.services.verification import verification_employer_change, verification_remind
from enrollment.models import Application
from enrollment.models.applications import FINAL
from enrollment.rules import RuleViolation


def _application(user) -> Application | None:
    return user.applications.exclude(status__in=FINAL).first() or user.applications.first()


@login_required
def status(request):
    application = _application(request.user)
    form = EmployerChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and application is not None:
        try:
            verification_employer_change(
                application=application,
                actor=request.user,
                agency=form.cleaned_data["agency"],
                unlisted_name=""
                if form.cleaned_data["agency"]
                else form.cleaned_data["unlisted_name"],
            )
        except RuleViolation as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Your new employer has been asked to verify your employment.")
            return redirect("certification:verification-status")
    context = {
        "application": application,
        "step": verification_dashboard_step(application),
        "current": verification_request_current(application) if application else None,
        "history": verification_request_list_for_user(request.user),
        "form": form,
        "can_change": can_change_employer(application),
    }
    return render(request, "certification/verification_status.html", context)


@login_required
@require_POST
def remind(request, pk):
    voe = verification_request_get_for_user(user=request.user, pk=pk)
    try:
        verification_remind(request=voe, actor=request.user)
    except RuleViolation as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"{voe.employer_name} has been reminded.")
    return redirect("certification:verification-status")
