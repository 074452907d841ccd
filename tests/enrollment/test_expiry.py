"""The six-month clock: expiry on the boundary day, run twice; reminders at 60, 30, 7 days."""

import threading
from datetime import date, timedelta

import pytest
from django.core import mail
from django.db import connections, transaction
from wagtail import hooks

from enrollment.models import Application, ApplicationStatus
from enrollment.services import expiry
from enrollment.tasks.applications import application_reminders_task, applications_expire_task
from lms.models import AuditEvent
from tests.factories.enrollment import ApplicationFactory

pytestmark = pytest.mark.django_db
S = ApplicationStatus


def _alive(expires_on: date, status=S.APPROVED, **kwargs) -> Application:
    return ApplicationFactory(
        status=status,
        submitted_on=expires_on - timedelta(days=181),
        expires_on=expires_on,
        **kwargs,
    )


def test_expiry_on_the_boundary_day_and_the_day_after_run_twice(django_capture_on_commit_callbacks):
    last_day = date(2027, 2, 28)
    application = _alive(last_day)
    draft = ApplicationFactory()  # never submitted: no clock
    with django_capture_on_commit_callbacks(execute=True):
        assert applications_expire_task(today=last_day.isoformat()) == 0
    application.refresh_from_db()
    assert application.status == S.APPROVED  # alive through the end of its last day

    with django_capture_on_commit_callbacks(execute=True):
        assert applications_expire_task(today="2027-03-01") == 1
        assert applications_expire_task(today="2027-03-01") == 0  # second run: nothing to do
    application.refresh_from_db()
    draft.refresh_from_db()
    assert application.status == S.EXPIRED
    assert draft.status == S.DRAFT
    events = AuditEvent.objects.filter(object_id=str(application.pk), verb="application.expired")
    assert events.count() == 1
    assert (events[0].from_state, events[0].to_state, events[0].actor) == (
        "approved",
        "expired",
        None,
    )
    assert [m.subject for m in mail.outbox] == ["Your application has expired"]


def test_expiry_is_set_based_and_skips_finished_applications():
    overdue = [
        _alive(date(2027, 1, 10), status=s) for s in (S.SUBMITTED, S.RETURNED, S.EXAM_PASSED)
    ]
    finished = [_alive(date(2027, 1, 10), status=s) for s in (S.DENIED, S.CERTIFIED)]
    ids = expiry.applications_expire(today=date(2027, 1, 11))
    assert sorted(ids) == sorted(a.pk for a in overdue)
    assert {a.status for a in Application.objects.filter(pk__in=[a.pk for a in finished])} == {
        S.DENIED,
        S.CERTIFIED,
    }


def test_expiry_calls_the_registered_hooks_with_the_expired_ids(monkeypatch):
    seen = []
    monkeypatch.setattr(expiry, "_EXPIRY_HOOKS", [])
    expiry.expiry_hook(lambda ids, today: seen.append((sorted(ids), today)))
    application = _alive(date(2027, 1, 10))
    expiry.applications_expire(today=date(2027, 1, 11))
    assert seen == [([application.pk], date(2027, 1, 11))]


@pytest.mark.django_db(transaction=True)
def test_expiry_leaves_an_application_a_request_holds_for_the_next_run():
    """PostgreSQL: the sweep does not wait for a row a request has locked (it would stall every
    other expiry behind it); that one expires at the next run."""
    held, free = _alive(date(2027, 1, 10)), _alive(date(2027, 1, 10))
    locked, release = threading.Event(), threading.Event()

    def hold():
        try:
            with transaction.atomic():
                Application.objects.select_for_update().get(pk=held.pk)
                locked.set()
                release.wait(timeout=5)  # a sweep that waited would be stuck until then
        finally:
            connections.close_all()

    thread = threading.Thread(target=hold)
    thread.start()
    try:
        assert locked.wait(timeout=30)
        first = expiry.applications_expire(today=date(2027, 1, 11))
    finally:
        release.set()
        thread.join(timeout=30)
    assert first == [free.pk]
    assert expiry.applications_expire(today=date(2027, 1, 11)) == [held.pk]


def test_expiry_closes_what_the_applications_had_open_once_per_registration(monkeypatch):
    seen = []
    monkeypatch.setattr(expiry, "_CLOSED_HOOKS", [])

    def close(ids, why):
        seen.append((sorted(ids), why))

    expiry.closed_hook(close)
    expiry.closed_hook(close)  # registered twice (a module imported again): called once
    application = _alive(date(2027, 1, 10))
    expiry.applications_expire(today=date(2027, 1, 11))
    assert seen == [([application.pk], "Application expired (checked on 2027-01-11).")]


def test_the_reminder_lists_what_the_application_still_lacks(django_capture_on_commit_callbacks):
    today = date(2027, 1, 1)
    _alive(today + timedelta(days=30))
    with (
        hooks.register_temporarily(
            "application_missing_items", lambda application: ["the competency exam"]
        ),
        django_capture_on_commit_callbacks(execute=True),
    ):
        application_reminders_task(today=today.isoformat())
    (message,) = mail.outbox
    assert "the competency exam" in message.body


@pytest.mark.parametrize(
    ("days_left", "sent"),
    [(61, False), (60, True), (45, True), (30, True), (8, True), (7, True), (0, True)],
)
def test_reminder_thresholds(days_left, sent, django_capture_on_commit_callbacks):
    today = date(2027, 1, 1)
    _alive(today + timedelta(days=days_left))
    with django_capture_on_commit_callbacks(execute=True):
        application_reminders_task(today=today.isoformat())
    assert len(mail.outbox) == int(sent)
    if sent:
        assert f"expires in {days_left} day" in mail.outbox[0].subject or days_left == 0


def test_reminders_are_sent_once_per_threshold(django_capture_on_commit_callbacks):
    expires_on = date(2027, 3, 1)
    _alive(expires_on)
    with django_capture_on_commit_callbacks(execute=True):
        sent = [
            application_reminders_task(today=(expires_on - timedelta(days=days_before)).isoformat())
            for days_before in (60, 59, 30, 30, 7, 3)
        ]
    assert sent == [1, 0, 1, 0, 1, 0]  # what the task reports, run by run
    assert [m.subject for m in mail.outbox] == [
        "Your application expires in 60 days",
        "Your application expires in 30 days",
        "Your application expires in 7 days",
    ]
