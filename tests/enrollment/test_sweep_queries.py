"""The daily sweeps ask the same number of queries for 10 due rows as for 1,000: expiry
reminders, expiry itself and classroom reminders (set-based inserts, one outbox insert), and
running them again sends nothing twice."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from enrollment.models import (
    Application,
    ApplicationReminder,
    ApplicationStatus,
    Registration,
    RegistrationReminder,
)
from enrollment.services.expiry import application_reminders_send, applications_expire
from enrollment.services.sessions import REMINDED, registration_reminders_send
from lms.models import AuditEvent, OutboxMessage
from tests.factories.enrollment import bulk_applications, make_session

pytestmark = pytest.mark.django_db
TODAY = date(2027, 1, 1)


def _counted(fn, **kwargs):
    with CaptureQueriesContext(connection) as captured:
        result = fn(**kwargs)
    return result, len(captured)


def _alive(n, days_left):
    expires_on = TODAY + timedelta(days=days_left)
    return bulk_applications(
        n,
        status=ApplicationStatus.APPROVED,
        submitted_on=expires_on - timedelta(days=181),
        expires_on=expires_on,
    )


def test_expiry_reminders_are_set_based():
    _alive(1, 60)
    application_reminders_send(today=TODAY)  # per-process caches (the policy) warmed
    _alive(10, 30)
    sent, few = _counted(application_reminders_send, today=TODAY)
    assert sent == 10
    _alive(1000, 7)
    sent, many = _counted(application_reminders_send, today=TODAY)
    assert sent == 1000
    assert many == few
    assert ApplicationReminder.objects.count() == 1011
    assert OutboxMessage.objects.filter(template="application_expiry_reminder").count() == 1011
    assert application_reminders_send(today=TODAY) == 0  # run again: nothing twice


def test_expiry_is_set_based():
    _alive(1, -3)
    applications_expire(today=TODAY)  # per-process caches warmed
    _alive(10, -1)
    expired, few = _counted(applications_expire, today=TODAY)
    assert len(expired) == 10
    _alive(1000, -2)
    expired, many = _counted(applications_expire, today=TODAY)
    assert len(expired) == 1000
    assert many == few
    assert Application.objects.filter(status=ApplicationStatus.EXPIRED).count() == 1011
    assert AuditEvent.objects.filter(verb="application.expired").count() == 1011
    assert OutboxMessage.objects.filter(template="application_expired").count() == 1011
    assert applications_expire(today=TODAY) == []


def _booked(n, session):
    applications = bulk_applications(
        n,
        status=ApplicationStatus.TRAINING_APPROVED,
        submitted_on=TODAY - timedelta(days=30),
        expires_on=TODAY + timedelta(days=150),
    )
    Registration.objects.bulk_create(
        Registration(application=a, session=session, day=session.day, fee_exempt=True)
        for a in applications
    )


def test_classroom_reminders_are_set_based():
    _booked(1, make_session(day=3, on=TODAY + timedelta(days=1)))
    registration_reminders_send(today=TODAY)  # per-process caches warmed
    _booked(10, make_session(day=1, on=TODAY + timedelta(days=2), capacity=2000))
    sent, few = _counted(registration_reminders_send, today=TODAY)
    assert sent == 10
    _booked(1000, make_session(day=2, on=TODAY + timedelta(days=3), capacity=2000))
    sent, many = _counted(registration_reminders_send, today=TODAY)
    assert sent == 1000
    assert many == few
    assert RegistrationReminder.objects.count() == 1011
    assert AuditEvent.objects.filter(verb=REMINDED).count() == 1011
    assert OutboxMessage.objects.filter(template="registration_reminder").count() == 1011
    assert registration_reminders_send(today=TODAY) == 0
