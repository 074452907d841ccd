"""Agencies are told when the calendar suspends (Jul 1) or terminates (Jan 1) one of their
people's certificates, and when staff revoke one: once per change."""

from datetime import date

import pytest
from django.core import mail

from certification.models import AgencyAlert, AgencyMembership, AgencyRole
from certification.services.alerts import certification_calendar_alerts_send
from certification.services.certificates import certification_issue, certification_revoke
from lms import clock
from tests.factories.certification import ready_application
from tests.factories.enrollment import UserFactory

pytestmark = pytest.mark.django_db
ISSUED = date(2026, 3, 10)  # valid through 2027-06-30


@pytest.fixture
def watched(cert_staff, django_capture_on_commit_callbacks):
    """A CM II certificate whose holder works at an agency with one user who wants alerts."""
    with clock.frozen_at(ISSUED):
        application = ready_application()
        certification = certification_issue(application=application, actor=cert_staff)
    member = AgencyMembership.objects.create(
        user=UserFactory(), agency=application.agency, role=AgencyRole.VIEWER
    )
    mail.outbox.clear()
    return certification, member


def _alerts(today, callbacks):
    with callbacks(execute=True):
        return certification_calendar_alerts_send(today=today)


@pytest.mark.parametrize(
    ("today", "sent"),
    [
        (date(2027, 6, 30), 0),  # still active
        (date(2027, 7, 1), 1),  # suspended today
        (date(2027, 7, 7), 1),  # a missed week catches up
        (date(2027, 7, 8), 0),  # too long ago: not told late
        (date(2028, 1, 1), 1),  # terminated today
    ],
)
def test_the_calendar_change_is_told_within_a_week(
    watched, today, sent, django_capture_on_commit_callbacks
):
    assert _alerts(today, django_capture_on_commit_callbacks) == sent
    assert len(mail.outbox) == sent


def test_each_change_is_told_once_however_often_the_job_runs(
    watched, django_capture_on_commit_callbacks
):
    certification, member = watched
    for day in (date(2027, 7, 1), date(2027, 7, 1), date(2027, 7, 3)):
        _alerts(day, django_capture_on_commit_callbacks)
    _alerts(date(2028, 1, 1), django_capture_on_commit_callbacks)
    _alerts(date(2028, 1, 2), django_capture_on_commit_callbacks)
    changes = list(AgencyAlert.objects.order_by("sent_at", "pk").values_list("change", flat=True))
    assert changes == ["suspended", "terminated"]
    assert [m.to for m in mail.outbox] == [[member.user.email], [member.user.email]]


def test_revoking_tells_the_agency(watched, cert_staff, django_capture_on_commit_callbacks):
    certification, member = watched
    with django_capture_on_commit_callbacks(execute=True):
        certification_revoke(certification=certification, actor=cert_staff, reason="Fraud.")
        certification_revoke(certification=certification, actor=cert_staff, reason="Again.")
    assert list(AgencyAlert.objects.values_list("change", flat=True)) == ["revoked"]
    assert [member.user.email] in [m.to for m in mail.outbox]
