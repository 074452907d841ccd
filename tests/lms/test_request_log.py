"""Every request gets an id and one log line; in production each line is JSON and carries no
personal data (no email, no name, no path with a key in it)."""

import io
import json
import logging

import pytest

from lms.request_log import JsonFormatter, RequestIdFilter
from tests.factories.enrollment import ApplicationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def json_log():
    """The `lms.request` logger through production's formatter and filter, into a buffer."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("lms.request")
    logger.addHandler(handler)
    previous = logger.level
    logger.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    logger.removeHandler(handler)
    logger.setLevel(previous)


def test_a_signed_in_request_logs_one_json_line_without_personal_data(client, json_log):
    application = ApplicationFactory(
        user__email="ada.lovelace@example.org",
        user__first_name="Augusta",
        user__last_name="Lovelace",
        legal_first_name="Augusta",
        legal_last_name="Lovelace",
    )
    client.force_login(application.user)
    response = client.get(f"/application/{application.pk}/?email=ada.lovelace@example.org")
    assert response.status_code == 200
    (line,) = json_log()
    assert line["request_id"] == response["X-Request-ID"] and len(line["request_id"]) == 32
    assert line["message"] == "request" and line["level"] == "INFO"
    assert line["logger"] == "lms.request" and "time" in line
    assert line["method"] == "GET" and line["status"] == 200
    assert line["route"] == "application/<int:pk>/"
    assert line["user_id"] == application.user.pk
    text = json.dumps(line).lower()
    for personal in ("ada.lovelace", "example.org", "augusta", "lovelace"):
        assert personal not in text


def test_a_password_reset_key_in_the_path_never_reaches_the_log(client, json_log):
    response = client.get("/accounts/password/reset/key/3-secret-reset-token-abc/")
    (line,) = json_log()
    assert line["status"] == response.status_code
    assert "secret-reset-token" not in json.dumps(line)


def test_the_load_balancers_request_id_is_kept_and_a_malformed_one_replaced(client, json_log):
    kept = client.get("/healthz", headers={"X-Request-ID": "lb-7f3a9c2e-0001"})
    replaced = client.get("/healthz", headers={"X-Request-ID": "<script>alert(1)</script>"})
    assert kept["X-Request-ID"] == "lb-7f3a9c2e-0001"
    assert replaced["X-Request-ID"] != "<script>alert(1)</script>"
    assert [line["request_id"] for line in json_log()] == [
        "lb-7f3a9c2e-0001",
        replaced["X-Request-ID"],
    ]


def test_records_logged_while_serving_carry_the_request_id(client, json_log):
    seen = []

    class Grab(logging.Handler):
        def emit(self, record):
            seen.append(getattr(record, "request_id", None))

    grab = Grab()
    grab.addFilter(RequestIdFilter())
    logging.getLogger("lms.request").addHandler(grab)
    try:
        response = client.get("/healthz")
    finally:
        logging.getLogger("lms.request").removeHandler(grab)
    assert seen == [response["X-Request-ID"]]
