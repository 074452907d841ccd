from allauth.mfa.models import Authenticator
from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from lms.roles import is_staff_role

# Paths a staff member without MFA may still reach: the account pages (to set MFA up), assets.
_OPEN_PREFIXES = ("/accounts/", "/static/", "/media/", "/healthz")


class StaffMfaRequiredMiddleware:
    """Send staff who have not set up TOTP to the setup page, when LMS_REQUIRE_STAFF_MFA is on."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            settings.LMS_REQUIRE_STAFF_MFA
            and not request.path.startswith(_OPEN_PREFIXES)
            and is_staff_role(request.user)
            and not Authenticator.objects.filter(
                user=request.user, type=Authenticator.Type.TOTP
            ).exists()
        ):
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)
