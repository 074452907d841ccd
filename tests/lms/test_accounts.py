"""Accounts through django-allauth: sign up, verify the email, log in; MFA for staff roles."""

import re
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.core import mail
from django.test import Client
from django.urls import reverse

from lms.models import AuditEvent, User
from lms.roles import Role, roles_of
from tests.factories.enrollment import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-long-and-unusual-passphrase-42"


def _confirmation_link(message) -> str:
    return re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+)", message.body).group(1)


def _passwords() -> dict[str, str]:
    return {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}


def test_signup_verify_login(client, django_capture_on_commit_callbacks):
    # Emails leave through the outbox on commit: run the commit hooks of each request.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/accounts/signup/",
            {
                "email": "new.person@example.org",
                "password1": NEW_PASSWORD,
                "password2": NEW_PASSWORD,
            },
        )
    assert response.status_code == 302
    user = User.objects.get(email="new.person@example.org")
    assert roles_of(user) == {Role.APPLICANT}

    # Verification is mandatory: logging in before confirming only re-sends the email.
    client.logout()
    response = client.post(
        "/accounts/login/", {"login": "new.person@example.org", "password": NEW_PASSWORD}
    )
    assert response.url == "/accounts/confirm-email/"
    assert client.get("/dashboard/").status_code == 302

    assert len(mail.outbox) >= 1
    link = _confirmation_link(mail.outbox[-1])
    # Opening the link shows a "Confirm" button; only the POST confirms.
    assert client.get(link).status_code == 200
    response = client.post(link)
    assert response.status_code == 302

    client.logout()
    response = client.post(
        "/accounts/login/", {"login": "new.person@example.org", "password": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert response.url == "/dashboard/"
    dashboard = client.get("/dashboard/")
    assert dashboard.status_code == 200
    assert b"new.person@example.org" in dashboard.content
    events = AuditEvent.objects.filter(object_id=str(user.pk), verb__startswith="account.")
    assert set(events.values_list("verb", flat=True)) == {
        "account.signed_up",
        "account.email_confirmed",
    }


def test_second_account_with_the_same_email_is_not_created_and_the_owner_is_told(
    client, applicant, django_capture_on_commit_callbacks
):
    """No enumeration: the page reads as for a new address (tests/lms/test_doors.py compares
    them); the owner is emailed to sign in or recover instead."""
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/accounts/signup/",
            {
                "email": applicant.email.upper(),
                "password1": NEW_PASSWORD,
                "password2": NEW_PASSWORD,
            },
        )
    assert response.status_code == 302 and response.url == "/accounts/confirm-email/"
    assert User.objects.filter(email__iexact=applicant.email).count() == 1
    (message,) = mail.outbox
    assert message.subject == "[BHCM] You already have an account"
    assert "Please do not create another account" in message.body
    assert "/accounts/password/reset/" in message.body


def test_password_reset_mails_a_link(client, applicant, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/password/reset/", {"email": applicant.email})
    assert response.status_code == 302
    assert mail.outbox and "/accounts/password/reset/key/" in mail.outbox[-1].body


def test_one_login_page_for_site_and_admin(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


@pytest.mark.parametrize("who", ["cert_staff", "trainer", "editor", "agency_user", "superuser"])
def test_staff_roles_must_set_up_totp_when_required(client, settings, request, who):
    settings.LMS_REQUIRE_STAFF_MFA = True
    user = request.getfixturevalue(who)
    client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    for path in ("/dashboard/", "/admin/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response.url == "/accounts/2fa/totp/activate/"
    # allauth asks for the password again before MFA changes; the middleware lets that through.
    response = client.get("/accounts/2fa/totp/activate/")
    assert response.url.startswith("/accounts/reauthenticate/")
    client.post(response.url, {"password": PASSWORD})
    setup = client.get("/accounts/2fa/totp/activate/")
    assert setup.status_code == 200
    assert b"Authenticator" in setup.content


def test_staff_with_totp_pass_after_the_code_and_applicants_pass_through(
    client, settings, cert_staff, applicant
):
    settings.LMS_REQUIRE_STAFF_MFA = True
    secret = generate_totp_secret()
    TOTP.activate(cert_staff, secret)
    response = client.post("/accounts/login/", {"login": cert_staff.email, "password": PASSWORD})
    assert response.url == "/accounts/2fa/authenticate/"
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    client.post(response.url, {"code": code})
    assert client.get("/dashboard/").status_code == 200
    client.logout()
    client.post("/accounts/login/", {"login": applicant.email, "password": PASSWORD})
    assert client.get("/dashboard/").status_code == 200


def _code(secret: str, *, off_by: int = 0) -> str:
    """The authenticator app's current code for `secret` (or a wrong one, `off_by` from it)."""
    return format_hotp_value((hotp_value(secret, int(time.time()) // 30) + off_by) % 1_000_000)


def test_enrolled_staff_are_asked_for_the_code_and_refused_without_it(client, settings, cert_staff):
    settings.LMS_REQUIRE_STAFF_MFA = True
    secret = generate_totp_secret()
    TOTP.activate(cert_staff, secret)

    response = client.post("/accounts/login/", {"login": cert_staff.email, "password": PASSWORD})
    assert response.url == "/accounts/2fa/authenticate/"
    refused = client.post(response.url, {"code": _code(secret, off_by=1)})
    assert refused.status_code == 200 and "Incorrect code." in refused.content.decode()
    for path in ("/dashboard/", "/admin/"):
        assert client.get(path).url.startswith(
            "/accounts/login/"
        )  # the password alone is not enough

    # A session that never passed the second factor (signed in some other way) is sent to it.
    other = Client()
    other.force_login(cert_staff)
    for path in ("/dashboard/", "/admin/"):
        response = other.get(path)
        assert response.status_code == 302
        assert response.url.startswith("/accounts/2fa/reauthenticate/")
    wrong = other.post(response.url, {"code": _code(secret, off_by=1)})
    assert "Incorrect code." in wrong.content.decode()
    assert other.get("/dashboard/").url.startswith("/accounts/2fa/reauthenticate/")
    other.post(response.url, {"code": _code(secret)})
    assert other.get("/dashboard/").status_code == 200


def _set_up_totp(client, django_capture_on_commit_callbacks) -> Authenticator:
    """A signed-in staff member sets up TOTP on the account pages: the password again, then a
    code from the authenticator app that scanned the secret."""
    client.post(client.get("/accounts/2fa/totp/activate/").url, {"password": PASSWORD})
    client.get("/accounts/2fa/totp/activate/")
    secret = client.session["mfa.totp.secret"]  # what the authenticator app scans
    with django_capture_on_commit_callbacks(execute=True):  # allauth's signal runs on commit
        activated = client.post("/accounts/2fa/totp/activate/", {"code": _code(secret)})
    assert activated.status_code == 302
    return Authenticator.objects.get(type=Authenticator.Type.TOTP)


def test_staff_who_set_up_totp_in_this_session_carry_on_without_a_second_prompt(
    client, settings, cert_staff, django_capture_on_commit_callbacks
):
    """Activating the device took a valid code from it, so the session has shown the second
    factor; the health check answers throughout."""
    settings.LMS_REQUIRE_STAFF_MFA = True
    client.post("/accounts/login/", {"login": cert_staff.email, "password": PASSWORD})
    assert client.get("/healthz").status_code == 200
    assert client.get("/dashboard/").url == "/accounts/2fa/totp/activate/"
    _set_up_totp(client, django_capture_on_commit_callbacks)
    assert client.get("/dashboard/").status_code == 200
    assert client.get("/healthz").status_code == 200


def test_a_device_set_up_in_another_session_does_not_let_a_password_only_session_in(
    settings, cert_staff, django_capture_on_commit_callbacks
):
    """Someone holding only the password signs in and waits at the set-up page; the owner then
    sets up TOTP in their own browser. The waiting session must still be asked for a code."""
    settings.LMS_REQUIRE_STAFF_MFA = True
    intruder, owner = Client(), Client()
    intruder.post("/accounts/login/", {"login": cert_staff.email, "password": PASSWORD})
    assert intruder.get("/dashboard/").url == "/accounts/2fa/totp/activate/"
    owner.post("/accounts/login/", {"login": cert_staff.email, "password": PASSWORD})
    _set_up_totp(owner, django_capture_on_commit_callbacks)

    assert owner.get("/dashboard/").status_code == 200
    refused = intruder.get("/dashboard/")
    assert refused.status_code == 302
    assert refused.url.startswith(reverse("mfa_reauthenticate"))


def test_a_session_whose_device_was_replaced_elsewhere_is_asked_for_the_new_code(
    client, settings, cert_staff, django_capture_on_commit_callbacks
):
    """The device set up in this browser is removed (a lost phone) and a new one is set up in
    another browser: this browser showed a code of the old device only, so it is asked again."""
    settings.LMS_REQUIRE_STAFF_MFA = True
    client.post("/accounts/login/", {"login": cert_staff.email, "password": PASSWORD})
    old = _set_up_totp(client, django_capture_on_commit_callbacks)
    assert client.get("/dashboard/").status_code == 200

    old.delete()
    TOTP.activate(cert_staff, generate_totp_secret())
    asked = client.get("/dashboard/")
    assert asked.status_code == 302
    assert asked.url.startswith(reverse("mfa_reauthenticate"))


def test_mfa_is_optional_for_staff_when_the_setting_is_off(client, settings, cert_staff):
    settings.LMS_REQUIRE_STAFF_MFA = False
    client.force_login(cert_staff)
    assert client.get("/dashboard/").status_code == 200


def test_existing_user_logs_in_with_email(client, applicant):
    response = client.post("/accounts/login/", {"login": applicant.email, "password": PASSWORD})
    assert response.status_code == 302 and response.url == "/dashboard/"
