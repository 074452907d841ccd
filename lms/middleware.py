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


# --- "Busy, try again" (SQLite in dev) ------------------------------------------------------------

BUSY_MESSAGE = "The site is busy right now. Nothing was changed: please try again in a moment."
BUSY_RETRY_AFTER_SECONDS = 2


def is_database_busy(exc: BaseException) -> bool:
    """SQLite's lock not granted within the busy timeout ("database is locked")."""
    from django.db import OperationalError

    return isinstance(exc, OperationalError) and "is locked" in str(exc).lower()


class DatabaseBusyMiddleware:
    """A database lock not granted in time answers 503 with Retry-After and a polite page (or
    JSON for fetch/API callers), never a 500. The failed transaction was rolled back."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_database_busy(exception):
            return None
        from django.http import JsonResponse
        from django.shortcuts import render

        wants_json = "application/json" in request.headers.get("Accept", "") or (
            request.content_type == "application/json"
        )
        if wants_json:
            response = JsonResponse({"error": "busy", "message": BUSY_MESSAGE}, status=503)
        else:
            response = render(request, "busy.html", {"message": BUSY_MESSAGE}, status=503)
        response["Retry-After"] = str(BUSY_RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        return response
