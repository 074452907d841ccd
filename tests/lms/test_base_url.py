"""Email links use the address the platform is served on: `make run` (devtools/run.py) passes
WAGTAILADMIN_BASE_URL from LMS_RUN_ADDR to every process, and emails build links from it."""

import os
import subprocess
import sys

import pytest
from django.core import mail

from devtools import run
from enrollment.models import ApplicationStatus
from enrollment.services.applications import application_return
from tests.factories.enrollment import ApplicationFactory


@pytest.mark.parametrize(
    ("addr", "url"),
    [
        ("127.0.0.1:9251", "http://127.0.0.1:9251"),
        ("0.0.0.0:9252", "http://127.0.0.1:9252"),
        ("9253", "http://127.0.0.1:9253"),
        ("lms.local:9254", "http://lms.local:9254"),
    ],
)
def test_make_run_gives_every_process_the_address_it_serves_on(monkeypatch, addr, url):
    monkeypatch.delenv("WAGTAILADMIN_BASE_URL", raising=False)
    assert run.child_env(addr)["WAGTAILADMIN_BASE_URL"] == url


def test_the_dev_settings_read_it(monkeypatch):
    monkeypatch.delenv("WAGTAILADMIN_BASE_URL", raising=False)
    env = {**run.child_env("127.0.0.1:9255"), "DJANGO_SETTINGS_MODULE": "lms.settings.dev"}
    env.pop("DATABASE_URL", None)
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "from django.conf import settings; print(settings.WAGTAILADMIN_BASE_URL)",
        ],
        env=env,
        cwd=os.path.dirname(os.path.dirname(run.__file__)),
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "http://127.0.0.1:9255"


def test_an_explicit_base_url_wins(monkeypatch):
    monkeypatch.setenv("WAGTAILADMIN_BASE_URL", "https://bhcm.example.org")
    assert run.child_env("127.0.0.1:9256")["WAGTAILADMIN_BASE_URL"] == "https://bhcm.example.org"


@pytest.mark.django_db
def test_email_links_are_built_from_the_setting(
    settings, cert_staff, django_capture_on_commit_callbacks
):
    settings.WAGTAILADMIN_BASE_URL = "http://127.0.0.1:9257"
    application = ApplicationFactory(status=ApplicationStatus.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=True):
        application_return(
            application=application, actor=cert_staff, corrections={"phone": "Which?"}
        )
    (message,) = mail.outbox
    assert f"http://127.0.0.1:9257/application/{application.pk}/" in message.body
    assert "127.0.0.1:8000" not in message.body
    html = message.alternatives[0][0]
    assert "http://127.0.0.1:9257/" in html and "127.0.0.1:8000" not in html
