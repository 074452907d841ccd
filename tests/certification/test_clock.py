"""The six-month clock counts the verification: an application whose employment is never
confirmed expires (its open request closes with it), and the reminders say what is missing."""

from datetime import timedelta

import pytest
from django.core import mail

from certification.models import VerificationStatus
from enrollment.models import Application, ApplicationStatus
from enrollment.tasks.applications import application_reminders_task, applications_expire_task
from tests.factories.enrollment import set_status

pytestmark = pytest.mark.django_db
S = ApplicationStatus


def test_exam_passed_but_employment_unverified_expires(
    agency, attester, approve, django_capture_on_commit_callbacks
):
    application = set_status(approve(agency), S.EXAM_PASSED)
    request = application.verification_requests.get()
    last_day = application.expires_on
    with django_capture_on_commit_callbacks(execute=True):
        assert applications_expire_task(today=last_day.isoformat()) == 0
        assert applications_expire_task(today=(last_day + timedelta(days=1)).isoformat()) == 1
    application.refresh_from_db()
    request.refresh_from_db()
    assert application.status == S.EXPIRED
    assert request.status == VerificationStatus.CLOSED
    assert [m.subject for m in mail.outbox] == ["Your application has expired"]


def test_reminders_name_what_is_still_missing(agency, approve, django_capture_on_commit_callbacks):
    waiting = set_status(approve(agency), S.EXAM_PASSED)
    training = approve(agency)
    mail.outbox.clear()
    today = waiting.expires_on - timedelta(days=30)
    Application.objects.filter(pk=training.pk).update(expires_on=waiting.expires_on)
    with django_capture_on_commit_callbacks(execute=True):
        assert application_reminders_task(today=today.isoformat()) == 2
    by_person = {m.to[0]: m for m in mail.outbox}
    first = by_person[waiting.user.email]
    assert "verification of employment by your employer" in first.body
    assert "competency exam" not in first.body
    assert "verification of employment by your employer" in first.alternatives[0][0]
    second = by_person[training.user.email]
    assert "competency exam" in second.body and "verification of employment" in second.body
