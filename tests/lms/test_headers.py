"""Security headers: Content-Security-Policy (django-csp), Referrer-Policy, Permissions-Policy."""

import json
import re

import pytest

from tests.factories.enrollment import EXAMPLE_ENV
from tests.factories.enrollment import manage_production as _manage

pytestmark = pytest.mark.django_db

_PROBE = """
import json
from django.test import Client
out = {}
for path in ("/healthz", "/admin/login/"):
    r = Client().get(path, secure=True, HTTP_HOST="bhcm.example.org")
    out[path] = {h: r.get(h) for h in ("Content-Security-Policy", "Permissions-Policy",
                                        "Referrer-Policy", "Content-Security-Policy-Report-Only")}
print("HEADERS=" + json.dumps(out))
"""


def _directives(header: str) -> dict[str, set[str]]:
    parts = (p.split() for p in header.split(";") if p.strip())
    return {name: set(values) for name, *values in parts}


def test_a_production_response_carries_csp_referrer_and_permissions_policies():
    # Nothing listens on these addresses: /healthz answers 503, headers and all.
    env = {
        **EXAMPLE_ENV,
        "DATABASE_URL": "postgres://lms:pw@127.0.0.1:9/lms",
        "CELERY_BROKER_URL": "redis://127.0.0.1:9/0",
    }
    result = _manage("shell", "-c", _PROBE, env=env)
    assert result.returncode == 0, result.stderr
    line = next(x for x in result.stdout.splitlines() if x.startswith("HEADERS="))
    headers = json.loads(line.removeprefix("HEADERS="))

    site = headers["/healthz"]
    csp = _directives(site["Content-Security-Policy"])
    assert csp["default-src"] == {"'self'"}
    assert csp["script-src"] == {"'self'"}  # no inline scripts without this response's nonce
    assert csp["object-src"] == {"'none'"}
    assert csp["frame-ancestors"] == {"'self'"}
    assert "'unsafe-inline'" not in csp["style-src"]
    assert site["Referrer-Policy"] == "same-origin"
    assert "camera=()" in site["Permissions-Policy"]

    admin = _directives(headers["/admin/login/"]["Content-Security-Policy"])
    assert admin["script-src"] == {"'self'", "'unsafe-inline'"}
    assert admin["object-src"] == {"'none'"}
    # No report-only policy is configured: the admin's own policy is not sent as one either.
    assert site["Content-Security-Policy-Report-Only"] is None
    assert headers["/admin/login/"]["Content-Security-Policy-Report-Only"] is None


def test_inline_styles_and_scripts_carry_the_responses_nonce(client, settings):
    settings.CONTENT_SECURITY_POLICY = settings.LMS_CONTENT_SECURITY_POLICY
    response = client.get("/classroom/calendar/")
    assert response.status_code == 200
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    assert f"'nonce-{nonce}'" in _directives(response["Content-Security-Policy"])["style-src"]
    assert f'<style nonce="{nonce}">' in response.content.decode()
    # A fresh nonce for every response.
    again = client.get("/classroom/calendar/")
    assert nonce not in again["Content-Security-Policy"]


@pytest.mark.parametrize("path", ["/classroom/calendar/", "/admin/login/"])
def test_no_policy_headers_where_they_are_not_switched_on(client, path):
    response = client.get(path)
    assert "Content-Security-Policy" not in response
    assert "Content-Security-Policy-Report-Only" not in response
    assert "Permissions-Policy" not in response
