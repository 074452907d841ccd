"""Every login door the URL conf serves leads to allauth's one sign-in, with its MFA stage,
email verification and rate limits; and a session that has not passed the second factor reaches
nothing a role user could do harm with."""

import re
import time

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.core import mail
from django.test import TestCase
from django.urls import reverse

from lms.models import AuditEvent, User
from tests.factories.enrollment import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

# Every login form Django, Wagtail and allauth would serve.
DOORS = ["/accounts/login/", "/admin/login/", "/django-admin/login/", "/_util/login/"]
ROLE_USERS = ["cert_staff", "trainer", "editor", "agency_user", "superuser"]
# What a role user could reach once signed in: both admins and the site's role pages.
GUARDED = ["/admin/", "/django-admin/", "/dashboard/", "/classroom/trainer/", "/admin/audit/"]


def _with_totp(user) -> str:
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def _code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def _try_door(client, door: str, email: str, password: str):
    """What a person (or a script) does at a login form: post the credentials, in the field
    names of Django's and Wagtail's forms and of allauth's, and follow where it leads."""
    data = {"username": email, "login": email, "password": password, "next": "/dashboard/"}
    return client.post(door, data, follow=True)


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.parametrize("door", DOORS)
def test_every_door_leads_to_allauths_login_keeping_next(client, door):
    response = client.get(f"{door}?next=/admin/pages/")
    if door == "/accounts/login/":
        assert response.status_code == 200 and b'name="login"' in response.content
        return
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/?")
    assert "next=/admin/pages/" in response.url.replace("%2F", "/")
    page = client.get(response.url)
    assert page.status_code == 200
    assert b'name="login"' in page.content  # allauth's form, not Django's


@pytest.mark.parametrize("door", DOORS)
def test_a_door_does_not_sign_anyone_in_by_itself(client, applicant, door):
    response = _try_door(client, door, applicant.email, PASSWORD)
    # Only allauth's own form takes the password; the other doors just redirect.
    assert _signed_in(client) == (door == "/accounts/login/")
    assert response.status_code == 200


@pytest.mark.parametrize("door", DOORS)
@pytest.mark.parametrize("who", ROLE_USERS)
def test_role_user_with_totp_and_password_only_reaches_no_guarded_page(
    client, settings, request, door, who
):
    settings.LMS_REQUIRE_STAFF_MFA = True
    user = request.getfixturevalue(who)
    _with_totp(user)
    _try_door(client, door, user.email, PASSWORD)
    assert not _signed_in(client)
    for path in GUARDED:
        response = client.get(path)
        assert response.status_code == 302, path
        assert not _signed_in(client)


def test_password_then_code_opens_the_admin(client, settings, cert_staff):
    settings.LMS_REQUIRE_STAFF_MFA = True
    secret = _with_totp(cert_staff)
    response = client.post(
        "/accounts/login/?next=/admin/", {"login": cert_staff.email, "password": PASSWORD}
    )
    assert response.url == reverse("mfa_authenticate")
    assert not _signed_in(client)
    response = client.post(response.url, {"code": _code(secret)})
    assert response.status_code == 302 and response.url == "/admin/"
    assert client.get("/admin/").status_code == 200


@pytest.mark.parametrize("who", ROLE_USERS)
def test_session_without_second_factor_is_sent_to_reauthenticate(client, settings, request, who):
    """A session that signed in some other way (here: force_login, no record of a second
    factor) is refused although the device exists, until it enters a code."""
    settings.LMS_REQUIRE_STAFF_MFA = True
    user = request.getfixturevalue(who)
    secret = _with_totp(user)
    client.force_login(user)
    for path in GUARDED + ["/accounts/email/", "/accounts/2fa/totp/deactivate/"]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.url.startswith(reverse("mfa_reauthenticate") + "?next="), path
    response = client.post(
        f"{reverse('mfa_reauthenticate')}?next=/dashboard/", {"code": _code(secret)}
    )
    assert response.status_code == 302 and response.url == "/dashboard/"
    assert client.get("/dashboard/").status_code == 200


def test_totp_set_up_in_this_session_counts_as_the_second_factor(
    client, settings, cert_staff, django_capture_on_commit_callbacks
):
    settings.LMS_REQUIRE_STAFF_MFA = True
    client.post("/accounts/login/", {"login": cert_staff.email, "password": PASSWORD})
    assert client.get("/dashboard/").url == reverse("mfa_activate_totp")
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    client.get(reverse("mfa_activate_totp"))
    secret = client.session["mfa.totp.secret"]
    with django_capture_on_commit_callbacks(execute=True):  # allauth signals after commit
        response = client.post(reverse("mfa_activate_totp"), {"code": _code(secret)})
    assert response.status_code == 302
    events = AuditEvent.objects.filter(verb="account.mfa_added", object_id=str(cert_staff.pk))
    assert {(e.actor, e.to_state) for e in events} == {
        (cert_staff, "totp"),
        (cert_staff, "recovery_codes"),  # allauth makes the recovery codes alongside
    }
    assert client.get("/dashboard/").status_code == 200
    # The next sign-in asks for the code.
    client.logout()
    response = client.post("/accounts/login/", {"login": cert_staff.email, "password": PASSWORD})
    assert response.url == reverse("mfa_authenticate")


def test_applicants_need_no_second_factor(client, settings, applicant):
    settings.LMS_REQUIRE_STAFF_MFA = True
    client.post("/accounts/login/", {"login": applicant.email, "password": PASSWORD})
    assert client.get("/dashboard/").status_code == 200


@pytest.mark.parametrize("door", DOORS)
def test_thirty_wrong_passwords_then_the_right_one_is_still_refused(client, applicant, door):
    for _ in range(30):
        _try_door(client, door, applicant.email, "not-the-password")
    response = _try_door(client, door, applicant.email, PASSWORD)
    assert not _signed_in(client)
    assert client.get("/dashboard/").status_code == 302
    if door == "/accounts/login/":
        assert response.status_code in (200, 429)
        assert b"Too many" in response.content


def test_the_lock_is_per_account_and_lifts_when_its_window_ends(client, applicant, settings):
    from django.core.cache import cache

    for _ in range(5):
        client.post("/accounts/login/", {"login": applicant.email, "password": "wrong"})
    client.post("/accounts/login/", {"login": applicant.email, "password": PASSWORD})
    assert not _signed_in(client)
    other = UserFactory()
    client.post("/accounts/login/", {"login": other.email, "password": PASSWORD})
    assert _signed_in(client)  # a stranger's guesses do not lock everyone out
    client.logout()
    cache.clear()  # the 15-minute window passing
    client.post("/accounts/login/", {"login": applicant.email, "password": PASSWORD})
    assert _signed_in(client)


@pytest.mark.parametrize("door", DOORS)
def test_an_unverified_email_gets_no_session(client, door):
    user = UserFactory()
    EmailAddress.objects.filter(user=user).update(verified=False)
    _try_door(client, door, user.email, PASSWORD)
    assert not _signed_in(client)
    assert client.get("/dashboard/").status_code == 302


def test_signed_in_non_staff_at_django_admin_login_is_refused(client, applicant):
    client.force_login(applicant)
    assert client.get("/django-admin/login/?next=/django-admin/").status_code == 403


def _reset_page(client, email: str) -> tuple[int, str, str]:
    with TestCase.captureOnCommitCallbacks(execute=True):  # emails leave the outbox on commit
        response = client.post("/accounts/password/reset/", {"email": email})
    done = client.get(response.url)
    return response.status_code, response.url, done.content.decode()


def test_password_reset_reads_the_same_for_unknown_and_known_emails(client, applicant):
    known = _reset_page(client, applicant.email)
    unknown = _reset_page(client, "nobody.here@example.org")
    assert known == unknown
    assert known[0] == 302
    # The account owner gets the link; the stranger's address learns nothing about accounts.
    key_mails = [m for m in mail.outbox if "/accounts/password/reset/key/" in m.body]
    assert [m.to for m in key_mails] == [[applicant.email]]


def test_wagtails_own_password_reset_leads_to_allauths(client):
    response = client.get("/admin/password_reset/")
    assert response.status_code == 302 and response.url == "/accounts/password/reset/"


def test_password_reset_is_rate_limited_per_address(client, applicant):
    for _ in range(5):
        client.post("/accounts/password/reset/", {"email": applicant.email})
    mail.outbox.clear()
    response = client.post("/accounts/password/reset/", {"email": applicant.email})
    assert response.status_code == 429 or b"Too many" in response.content
    assert not mail.outbox


def _signup(client, email: str):
    password = "a-long-and-unusual-passphrase-42"
    with TestCase.captureOnCommitCallbacks(execute=True):  # emails leave the outbox on commit
        response = client.post(
            "/accounts/signup/", {"email": email, "password1": password, "password2": password}
        )
    page = client.get(response.url).content.decode() if response.status_code == 302 else ""
    client.logout()
    page = re.sub(re.escape(email), "EMAIL", page, flags=re.IGNORECASE)
    return response.status_code, response.get("Location"), page


def test_signup_with_an_existing_email_reads_like_a_new_one(client, applicant):
    new = _signup(client, "fresh.person@example.org")
    mail.outbox.clear()
    existing = _signup(client, applicant.email.upper())
    assert existing == new
    assert new[0] == 302
    assert User.objects.filter(email__iexact=applicant.email).count() == 1
    (owner_mail,) = mail.outbox
    assert owner_mail.to == [applicant.email.upper()] or owner_mail.to == [applicant.email]
    assert "do not create another account" in owner_mail.body
    assert "/accounts/login/" in owner_mail.body
    assert "/accounts/password/reset/" in owner_mail.body
    html = owner_mail.alternatives[0][0]
    assert "do not create another account" in html


def test_signup_is_rate_limited(client):
    for n in range(20):
        _signup(client, f"person.{n}@example.org")
    response = client.post(
        "/accounts/signup/",
        {"email": "one.more@example.org", "password1": "x-y-z-long-1", "password2": "x-y-z-long-1"},
    )
    assert response.status_code == 429
    assert not User.objects.filter(email="one.more@example.org").exists()


def test_wagtails_page_password_form_is_rate_limited(client):
    from wagtail.models import Page, PageViewRestriction

    page = Page.objects.get(depth=2)
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.PASSWORD, password="shared-secret"
    )
    url = f"/_util/authenticate_with_password/{restriction.pk}/{page.pk}/"
    for _ in range(10):
        response = client.post(url, {"password": "guess", "return_url": "/"})
        assert response.status_code == 200  # the form again, with its error
    response = client.post(url, {"password": "shared-secret", "return_url": "/"})
    assert response.status_code == 429


def test_guessing_the_second_factor_is_rate_limited(client, settings, cert_staff):
    settings.LMS_REQUIRE_STAFF_MFA = True
    secret = _with_totp(cert_staff)
    client.post("/accounts/login/", {"login": cert_staff.email, "password": PASSWORD})
    wrong = "000000" if _code(secret) != "000000" else "111111"
    for _ in range(5):
        response = client.post(reverse("mfa_authenticate"), {"code": wrong})
        assert response.status_code == 200
    response = client.post(reverse("mfa_authenticate"), {"code": _code(secret)})
    assert not _signed_in(client)
    assert b"Too many" in response.content
