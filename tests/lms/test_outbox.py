"""The email outbox: written with the change, sent once, resent by the sweep, visible to staff."""

import socket
from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction

from lms import clock
from lms.models import AuditEvent, OutboxMessage, OutboxStatus
from lms.services import Attachment, email_send, outbox_deliver
from lms.tasks import email_outbox_send, email_outbox_sweep

pytestmark = pytest.mark.django_db

CONTEXT = {
    "application": {"pk": 7, "legal_first_name": "Ada", "user": {"email": "ada@example.org"}},
    "site_url": "http://x",
}


def _send(**kwargs):
    return email_send(
        template="application_expired", to=["ada@example.org"], context=CONTEXT, **kwargs
    )


def _relay_down(settings):
    """Point mail at a loopback port where nothing listens: the relay is down, for real."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2


def _relay_up(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def test_the_email_is_a_row_written_with_the_change_and_sent_on_commit(
    django_capture_on_commit_callbacks,
):
    ics = Attachment("day.ics", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        row = _send(attachments=[ics])
        stored = OutboxMessage.objects.get(pk=row.pk)
        assert stored.status == OutboxStatus.PENDING and mail.outbox == []
    for callback in callbacks:
        callback()
    (message,) = mail.outbox
    assert message.subject == "Your application has expired"
    assert message.to == ["ada@example.org"] and "Hello Ada" in message.body
    assert message.alternatives[0].mimetype == "text/html"
    assert message.attachments[0][0] == "day.ics"
    assert message.extra_headers["Message-ID"] == stored.message_id
    assert message.message()["Message-ID"] == stored.message_id
    stored.refresh_from_db()
    assert stored.status == OutboxStatus.SENT and stored.sent_at is not None
    assert stored.attempts == 1


def test_a_rolled_back_change_leaves_no_email(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        with transaction.atomic():
            _send()
            raise RuntimeError("the change failed")
    assert not OutboxMessage.objects.exists() and mail.outbox == []


def test_a_row_already_sent_is_never_sent_again(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        row = _send()
    assert len(mail.outbox) == 1
    assert email_outbox_send.delay(row.pk).get() == "skipped"
    assert outbox_deliver(message_pk=row.pk) == "skipped"
    assert email_outbox_sweep.delay().get() == 0
    assert len(mail.outbox) == 1


def test_a_live_claim_is_not_taken_but_an_expired_one_is(settings):
    row = _send()
    now = clock.now()
    OutboxMessage.objects.filter(pk=row.pk).update(
        status=OutboxStatus.SENDING, claimed_until=now + timedelta(seconds=60), attempts=1
    )
    assert outbox_deliver(message_pk=row.pk) == "skipped" and mail.outbox == []
    with clock.frozen_at(now + timedelta(seconds=61)):
        assert email_outbox_sweep.delay().get() == 1
    (message,) = mail.outbox
    assert message.extra_headers["Message-ID"] == row.message_id
    row.refresh_from_db()
    assert (row.status, row.attempts) == (OutboxStatus.SENT, 2)


def test_an_smtp_failure_keeps_the_row_and_the_sweep_sends_it_later(settings):
    row = _send()
    _relay_down(settings)
    assert outbox_deliver(message_pk=row.pk) == "error"
    row.refresh_from_db()
    assert row.status == OutboxStatus.PENDING and "ConnectionRefusedError" in row.last_error
    assert row.next_attempt_at > clock.now()
    _relay_up(settings)
    assert email_outbox_sweep.delay().get() == 0, "not yet due"
    with clock.frozen_at(row.next_attempt_at + timedelta(seconds=1)):
        assert email_outbox_sweep.delay().get() == 1
    assert len(mail.outbox) == 1
    row.refresh_from_db()
    assert row.status == OutboxStatus.SENT and row.last_error == ""


def test_after_the_last_attempt_the_email_is_failed_and_audited(settings):
    settings.EMAIL_OUTBOX_MAX_ATTEMPTS = 2
    row = _send()
    _relay_down(settings)
    outbox_deliver(message_pk=row.pk)
    with clock.frozen_at(clock.now() + timedelta(days=1)):
        email_outbox_sweep.delay().get()
    row.refresh_from_db()
    assert (row.status, row.attempts) == (OutboxStatus.FAILED, 2)
    event = AuditEvent.objects.get(verb="email.failed", object_id=str(row.pk))
    assert (event.from_state, event.to_state, event.actor) == ("sending", "failed", None)
    with clock.frozen_at(clock.now() + timedelta(days=30)):
        assert email_outbox_sweep.delay().get() == 0, "a failed email waits for staff"
    assert mail.outbox == []


def _failed_row():
    row = _send()
    OutboxMessage.objects.filter(pk=row.pk).update(
        status=OutboxStatus.FAILED, attempts=8, last_error="SMTPConnectError: (421, 'down')"
    )
    return row


def test_the_sweep_stops_early_while_the_relay_is_down(settings):
    rows = [_send() for _ in range(5)]
    _relay_down(settings)
    later = clock.now() + timedelta(hours=1)
    with clock.frozen_at(later):
        assert email_outbox_sweep.delay().get() == 0
    attempts = sorted(OutboxMessage.objects.values_list("attempts", flat=True))
    assert attempts == [0, 0, 1, 1, 1], "three errors in a row end the run"
    _relay_up(settings)
    with clock.frozen_at(later + timedelta(hours=1)):
        assert email_outbox_sweep.delay().get() == 5
    assert sorted(m.extra_headers["Message-ID"] for m in mail.outbox) == sorted(
        r.message_id for r in rows
    )


def test_staff_see_failed_emails_filter_them_and_send_one_again(
    client, cert_staff, django_capture_on_commit_callbacks
):
    failed = _failed_row()
    sent = _send()
    OutboxMessage.objects.filter(pk=sent.pk).update(status=OutboxStatus.SENT)
    client.force_login(cert_staff)
    listing = client.get("/admin/outbox/?status=failed")
    assert listing.status_code == 200
    assert [row.pk for row in listing.context["object_list"]] == [failed.pk]
    page = client.get(f"/admin/outbox/inspect/{failed.pk}/")
    assert b"SMTPConnectError" in page.content and b"Send this email again" in page.content
    export = client.get("/admin/outbox/?export=csv&status=failed")
    assert b"SMTPConnectError" in b"".join(export.streaming_content)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/outbox/retry/{failed.pk}/")
    assert response.status_code == 302
    failed.refresh_from_db()
    assert failed.status == OutboxStatus.SENT
    assert [m.extra_headers["Message-ID"] for m in mail.outbox] == [failed.message_id]
    event = AuditEvent.objects.get(verb="email.retried", object_id=str(failed.pk))
    assert (event.actor, event.from_state, event.to_state) == (cert_staff, "failed", "pending")


def test_retry_of_an_email_that_did_not_fail_changes_nothing(client, cert_staff):
    sent = _send()
    OutboxMessage.objects.filter(pk=sent.pk).update(status=OutboxStatus.SENT)
    client.force_login(cert_staff)
    response = client.post(f"/admin/outbox/retry/{sent.pk}/", follow=True)
    assert b"Only a failed email can be sent again" in response.content
    assert not AuditEvent.objects.filter(verb="email.retried").exists()
    assert OutboxMessage.objects.get(pk=sent.pk).status == OutboxStatus.SENT


@pytest.mark.parametrize("role", ["applicant", "trainer", "editor", "agency_user"])
def test_other_roles_see_no_outbox_and_cannot_retry(client, request, role):
    failed = _failed_row()
    client.force_login(request.getfixturevalue(role))
    assert client.get("/admin/outbox/").status_code in (302, 403)
    assert client.post(f"/admin/outbox/retry/{failed.pk}/").status_code in (302, 403)
    assert OutboxMessage.objects.get(pk=failed.pk).status == OutboxStatus.FAILED


def test_nobody_edits_or_deletes_an_email(client, superuser):
    row = _failed_row()
    client.force_login(superuser)
    assert client.get(f"/admin/outbox/edit/{row.pk}/").status_code in (302, 403)
    assert client.post(f"/admin/outbox/delete/{row.pk}/").status_code in (302, 403)
    assert OutboxMessage.objects.filter(pk=row.pk).exists()


def test_the_sweep_is_a_periodic_job():
    from lms.celery import app

    schedule = {entry["task"]: entry["schedule"] for entry in app.conf.beat_schedule.values()}
    assert schedule["lms.tasks.email_outbox_sweep"] <= 300


@pytest.mark.django_db(transaction=True)
def test_allauths_account_emails_go_through_the_outbox(client):
    # Sign-up sends the verification email from allauth's own templates: it too must be a row
    # that is sent (and could be swept), not a direct send that a dead worker would lose.
    response = client.post(
        "/accounts/signup/",
        {
            "email": "new.person@example.org",
            "password1": "a-long-pass-9731",
            "password2": "a-long-pass-9731",
        },
    )
    assert response.status_code == 302
    row = OutboxMessage.objects.get(recipients=["new.person@example.org"])
    assert row.template.startswith("account/email/email_confirmation")
    assert row.status == OutboxStatus.SENT
    assert "/accounts/confirm-email/" in row.text
    assert [m.extra_headers["Message-ID"] for m in mail.outbox] == [row.message_id]
