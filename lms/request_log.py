"""A request id on every request and log line, one log line per request, JSON in production.

`RequestLogMiddleware` gives each request an id (the load balancer's `X-Request-ID` when it is a
plain token, else a new one), answers it in the `X-Request-ID` header, and logs one line on the
`lms.request` logger: method, the URL *pattern* (never the path itself: paths carry reset keys,
certificate numbers and the like), status, duration and the user's numeric id. `RequestIdFilter`
puts the id on every record logged while the request runs, whichever logger wrote it. No email,
name, query string, form field or file name is ever part of it.

Production formats every record with `JsonFormatter` (python-json-logger), one object a line.
"""

from __future__ import annotations

import contextvars
import logging
import re
import time
import uuid

from django.utils.functional import empty
from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
_ACCEPTED_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
logger = logging.getLogger("lms.request")


def current_request_id() -> str:
    """The id of the request being served in this thread, "-" outside one."""
    return _request_id.get()


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record (for handlers: it never drops a record)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _request_id.get()
        return True


class JsonFormatter(_JsonFormatter):
    """One JSON object per line: time, level, logger, message, request_id and any `extra`."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("fmt", "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s")
        kwargs.setdefault(
            "rename_fields", {"asctime": "time", "levelname": "level", "name": "logger"}
        )
        kwargs.setdefault("defaults", {"request_id": "-"})
        super().__init__(*args, **kwargs)


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = incoming if _ACCEPTED_ID.fullmatch(incoming) else uuid.uuid4().hex
        token = _request_id.set(request_id)
        request.request_id = request_id
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            logger.info("request", extra=_fields(request, response, started))
            return response
        finally:
            _request_id.reset(token)


def _fields(request, response, started: float) -> dict:
    match = getattr(request, "resolver_match", None)
    return {
        "method": request.method,
        "route": match.route if match is not None else None,
        "view": match.view_name if match is not None else None,
        "status": response.status_code,
        "duration_ms": round((time.perf_counter() - started) * 1000, 1),
        "user_id": _user_id(request),
    }


def _user_id(request) -> int | None:
    """The signed-in user's id if the request already loaded the user (never a query here)."""
    user = getattr(getattr(request, "user", None), "_wrapped", getattr(request, "user", None))
    if user is None or user is empty:
        return None
    return user.pk if user.is_authenticated else None
