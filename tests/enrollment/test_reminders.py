"""Classroom reminders already sent are rows of their own (one per booking and session), read
by the daily task instead of the audit log; the `registration.reminded` events are still
written. (Expiry reminders: `ApplicationReminder`, tests in test_expiry.py.)"""

import importlib
from datetime import date

import pytest
from django.apps import apps
from django.core import mail

from enrollment.models import RegistrationReminder
from enrollment.services import sessions
from enrollment.services.booking import registration_book, registration_move
from enrollment.services.sessions import registration_reminders_send
from lms.models import AuditEvent
from lms.services import audit_record
from tests.factories.enrollment import make_session, ready

pytestmark = pytest.mark.django_db
DAY_BEFORE = date(2031, 3, 9)


def _booked(on=date(2031, 3, 10)):
    registration = registration_book(application=ready(), session=make_session(on=on), user=None)
    mail.outbox.clear()
    return registration


def test_a_reminder_sent_is_a_row_and_an_audit_event(django_capture_on_commit_callbacks):
    registration = _booked()

    with django_capture_on_commit_callbacks(execute=True):
        assert registration_reminders_send(today=DAY_BEFORE) == 1

    reminder = RegistrationReminder.objects.get()
    assert (reminder.registration, reminder.session_id, reminder.sent_on) == (
        registration,
        registration.session_id,
        DAY_BEFORE,
    )
    assert AuditEvent.objects.filter(verb=sessions.REMINDED).count() == 1
    assert len(mail.outbox) == 1


def test_the_task_reads_the_rows_not_the_audit_log(django_capture_on_commit_callbacks):
    logged_only = _booked()
    audit_record(
        actor=None,
        verb=sessions.REMINDED,
        obj=logged_only,
        reason=f"Reminder for session #{logged_only.session_id}.",
    )
    row_only = _booked()
    RegistrationReminder.objects.create(
        registration=row_only, session=row_only.session, sent_on=date(2031, 3, 8)
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert registration_reminders_send(today=DAY_BEFORE) == 1

    assert [m.to for m in mail.outbox] == [[logged_only.application.user.email]]


def test_a_booking_moved_to_another_date_is_reminded_of_the_new_one(
    django_capture_on_commit_callbacks,
):
    registration = _booked(on=date(2031, 3, 10))
    with django_capture_on_commit_callbacks(execute=True):
        assert registration_reminders_send(today=DAY_BEFORE) == 1
    later = make_session(on=date(2031, 3, 12))
    registration_move(
        registration=registration, to_session=later, user=registration.application.user
    )
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert registration_reminders_send(today=date(2031, 3, 11)) == 1
        assert registration_reminders_send(today=date(2031, 3, 11)) == 0

    assert set(RegistrationReminder.objects.values_list("session_id", flat=True)) == {
        registration.session_id,
        later.pk,
    }
    assert len(mail.outbox) == 1


def test_the_migration_carries_reminder_events_into_rows():
    migration = importlib.import_module("enrollment.migrations.0008_registration_reminder")
    registration = _booked()
    reason = f"Reminder for session #{registration.session_id}."
    for _ in range(2):
        audit_record(actor=None, verb=sessions.REMINDED, obj=registration, reason=reason)

    migration.carry_reminders(apps, None)
    migration.carry_reminders(apps, None)

    reminder = RegistrationReminder.objects.get()
    assert (reminder.registration_id, reminder.session_id) == (
        registration.pk,
        registration.session_id,
    )
