from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from lms.roles import requires_mfa

# Always reachable: assets and the health check.
_ASSET_PREFIXES = ("/static/", "/media/", "/healthz")
# A role user without a device may use the account pages, to set one up (allauth asks for the
# password again before that, and may need to resend a confirmation email).
_SETUP_PREFIXES = ("/accounts/",)


def session_passed_mfa(request) -> bool:
    """Whether this session completed a second factor, by allauth's own record of how it
    authenticated (at login, or re-authenticating later)."""
    return any(r.get("method") == "mfa" for r in get_authentication_records(request, request.user))


class StaffMfaRequiredMiddleware:
    """When LMS_REQUIRE_STAFF_MFA is on, a user whose role requires MFA (`lms.roles.requires_mfa`)
    gets nothing but the way to it: without a TOTP device they are sent to set one up; with one,
    a session that has not passed the second factor is sent to allauth's MFA re-authentication
    (and comes back to where it was going). A device existing is not enough."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            not settings.LMS_REQUIRE_STAFF_MFA
            or request.path.startswith(_ASSET_PREFIXES)
            or not requires_mfa(request.user)
        ):
            return self.get_response(request)
        has_totp = Authenticator.objects.filter(
            user=request.user, type=Authenticator.Type.TOTP
        ).exists()
        if not has_totp:
            if request.path.startswith(_SETUP_PREFIXES):
                return self.get_response(request)
            return redirect(reverse("mfa_activate_totp"))
        if session_passed_mfa(request) or _activated_in_this_session(request):
            return self.get_response(request)
        if request.path in (reverse("mfa_reauthenticate"), reverse("account_logout")):
            return self.get_response(request)
        query = urlencode({REDIRECT_FIELD_NAME: request.get_full_path()})
        return redirect(f"{reverse('mfa_reauthenticate')}?{query}")


# Set by `mark_activated_here` in the session that activated a TOTP device.
_ACTIVATED_HERE = "lms.mfa.totp_activated_here"


def mark_activated_here(sender, request, user, authenticator, **kwargs) -> None:
    """allauth's `authenticator_added`: remember, in the session that did it, which TOTP device
    it activated (activating took a valid code from the device). allauth sends the signal on
    commit, which may come after the response has saved the session, so it is saved here too."""
    if request is not None and authenticator.type == Authenticator.Type.TOTP:
        request.session[_ACTIVATED_HERE] = authenticator.pk
        request.session.save()


def _activated_in_this_session(request) -> bool:
    """TOTP set up in this very session: activating it took a valid code from the device, after
    allauth re-authenticated the user, so the session has shown the second factor. Another
    session of the same person (a password alone) has not: a device added elsewhere gives it
    nothing."""
    pk = request.session.get(_ACTIVATED_HERE)
    return pk is not None and (
        Authenticator.objects.filter(
            pk=pk, user=request.user, type=Authenticator.Type.TOTP
        ).exists()
    )


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with LMS_ADMIN_CSP_DIRECTIVES on the admin paths: the admins'
    own inline scripts are allowed there and nowhere else (a nonce would turn that off, so the
    admin policy carries none)."""

    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        active = bool(settings.CONTENT_SECURITY_POLICY)
        if active and not report_only and parts.config is None and _is_admin(request):
            parts.config = settings.LMS_ADMIN_CSP_DIRECTIVES
            parts.nonce = None
        return parts


def _is_admin(request) -> bool:
    return request.path_info.startswith(tuple(settings.LMS_ADMIN_PATH_PREFIXES))


class PermissionsPolicyMiddleware:
    """Adds `Permissions-Policy: settings.PERMISSIONS_POLICY` to every response, where set."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.PERMISSIONS_POLICY:
            response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


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
