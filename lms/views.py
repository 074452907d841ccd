import logging
import uuid
from functools import wraps

from django.core.cache import cache
from django.core.files.storage import storages
from django.db import connection
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from lms.celery import app as celery_app

logger = logging.getLogger(__name__)


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        return False


def _broker_ok() -> bool:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True
    except Exception:
        return False


def _cache_ok() -> bool:
    """The shared cache (rate limits, lockouts) stores and returns a value."""
    token = uuid.uuid4().hex
    key = f"healthz:{token}"  # one per check: nodes checking at once never read each other's
    try:
        cache.set(key, token, timeout=10)
        found = cache.get(key)
        cache.delete(key)
        return found == token
    except Exception:
        return False


def _object_store_ok() -> bool:
    """The private file storage (the object store in production) answers a lookup."""
    try:
        storages["private"].exists("healthz")
        return True
    except Exception:
        return False


@never_cache
@require_GET
def healthz(request):
    """Whether the database, the Celery broker, the shared cache and the object store can be
    reached (200 when all of them, else 503)."""
    checks = {
        "database": _database_ok(),
        "broker": _broker_ok(),
        "cache": _cache_ok(),
        "object_store": _object_store_ok(),
    }
    ok = all(checks.values())
    return JsonResponse({"status": "ok" if ok else "error", **checks}, status=200 if ok else 503)


# --- Error pages, in the site's layout ---------------------------------------------------------

NO_ADMIN = (
    "Your account has no access to the staff admin. It is for certification staff and content "
    "editors. Your own work is one link away."
)


def _forbidden(request, *, title: str, explanation: str):
    context = {"title": title, "explanation": explanation}
    return render(request, "403.html", context, status=403)


def permission_denied(request, exception=None):
    """handler403: what was refused and, with a link, where the person's own work is."""
    message = str(exception or "").strip()
    return _forbidden(
        request,
        title="You may not open this page",
        explanation=message or "Your account does not give access to this page.",
    )


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: a form older than the session (or sent from elsewhere) was refused."""
    return _forbidden(
        request,
        title="This form has expired",
        explanation=(
            "The form was sent from an old page or after signing in or out elsewhere, so it was "
            "not accepted and nothing was changed. Go back, reload the page and send it again."
        ),
    )


def server_error(request):
    """handler500: the site's layout when it can be drawn, else a plain page (never a loop)."""
    try:
        return render(request, "500.html", status=500)
    except Exception:
        logger.exception("The 500 page itself failed; serving the plain one.")
        return HttpResponseServerError(
            "<!DOCTYPE html><title>Server error</title><h1>Something went wrong</h1>"
            "<p>Please try again in a moment.</p>",
            content_type="text/html",
        )


def admin_door(view):
    """Wraps every Wagtail admin URL: a signed-in person without admin access gets the 403 page
    with the way to their own work. (Wagtail would send them to the login page, which allauth
    sends straight back to `next`, /admin/: an endless redirect loop.)"""

    @wraps(view)
    def door(request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and not user.has_perm("wagtailadmin.access_admin"):
            return _forbidden(request, title="The admin is for staff", explanation=NO_ADMIN)
        return view(request, *args, **kwargs)

    return door
