"""A database lock not granted in time is a polite "busy, try again" (503), never a 500; and the
dev SQLite database is configured for concurrent use (WAL, busy timeout, IMMEDIATE)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import OperationalError
from django.test import RequestFactory

from lms.middleware import DatabaseBusyMiddleware

ROOT = Path(__file__).resolve().parents[2]


def _middleware():
    return DatabaseBusyMiddleware(lambda request: None)


def test_a_locked_database_answers_a_polite_page_with_503_and_retry_after():
    request = RequestFactory().post("/classroom/sessions/1/book/")
    response = _middleware().process_exception(request, OperationalError("database is locked"))
    assert response.status_code == 503
    assert response["Retry-After"] == "2"
    assert b"Busy, try again" in response.content and b"Nothing was changed" in response.content


def test_fetch_and_api_callers_get_json():
    request = RequestFactory().post(
        "/exam/save/", data="{}", content_type="application/json", HTTP_ACCEPT="application/json"
    )
    response = _middleware().process_exception(
        request, OperationalError("database table is locked")
    )
    assert response.status_code == 503 and response["Retry-After"] == "2"
    assert json.loads(response.content)["error"] == "busy"


@pytest.mark.parametrize(
    "request_kwargs",
    [
        pytest.param({"HTTP_ACCEPT": "application/json"}, id="a-fetch-asking-for-json"),
        pytest.param({"data": "{}", "content_type": "application/json"}, id="a-json-body"),
    ],
)
def test_either_sign_of_a_json_caller_gets_json(request_kwargs):
    request = RequestFactory().post("/exam/save/", **request_kwargs)
    response = _middleware().process_exception(request, OperationalError("database is locked"))
    assert response.status_code == 503
    assert json.loads(response.content)["message"].startswith("The site is busy right now.")


@pytest.mark.parametrize(
    "error", [OperationalError("no such table: x"), ValueError("database is locked")]
)
def test_other_errors_are_not_hidden(error):
    request = RequestFactory().get("/")
    assert _middleware().process_exception(request, error) is None


def test_the_middleware_is_installed():
    assert "lms.middleware.DatabaseBusyMiddleware" in settings.MIDDLEWARE


def test_dev_sqlite_uses_wal_a_busy_timeout_and_immediate_transactions(tmp_path):
    script = (
        "import json, django; django.setup(); from django.db import connection;"
        "c = connection.cursor();"
        "print(json.dumps({'options': connection.settings_dict['OPTIONS'],"
        "'journal': c.execute('PRAGMA journal_mode').fetchone()[0],"
        "'busy_ms': c.execute('PRAGMA busy_timeout').fetchone()[0]}))"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lms.settings.dev",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'dev.sqlite3'}",
    }
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    found = json.loads(out.stdout.strip().splitlines()[-1])
    assert found["options"]["transaction_mode"] == "IMMEDIATE"
    assert found["journal"] == "wal"
    assert found["busy_ms"] >= 5000
