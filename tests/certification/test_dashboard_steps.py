"""The applicant dashboard (enrollment) shows certification's steps 8 and 9, which certification
registers through the hook `dashboard_steps`: enrollment never imports certification."""

from datetime import date

import pytest

from certification.models import VerificationRequest, VerificationStatus
from enrollment.models import ApplicationStatus
from enrollment.selectors.dashboard import dashboard_get
from tests.factories.enrollment import ApplicationFactory

pytestmark = pytest.mark.django_db
S = ApplicationStatus


def _step(user, number):
    return next(
        s for s in dashboard_get(user=user, today=date(2026, 12, 1)).steps if s.number == number
    )


def test_exam_passed_waits_for_the_employer_with_a_way_to_remind_it(agency):
    application = ApplicationFactory(
        agency=agency, status=S.EXAM_PASSED, expires_on=date(2027, 3, 1)
    )
    VerificationRequest.objects.create(
        application=application, person=application.user, agency=agency
    )
    step = _step(application.user, 8)
    assert step.state == "current"
    assert step.detail.startswith("Waiting for your employer")
    assert agency.name in step.detail
    assert step.action_url == "/employment-verification/"


def test_a_refusal_says_why_and_asks_for_the_employer_again(agency):
    application = ApplicationFactory(
        agency=agency, status=S.EXAM_PASSED, expires_on=date(2027, 3, 1)
    )
    VerificationRequest.objects.create(
        application=application,
        person=application.user,
        agency=agency,
        status=VerificationStatus.REFUSED,
        reason="Not employed here.",
    )
    step = _step(application.user, 8)
    assert "Not employed here." in step.detail
    assert step.action_label == "Name your employer again"


def test_ready_to_certify_says_staff_will_issue(agency):
    application = ApplicationFactory(
        agency=agency, status=S.EMPLOYMENT_VERIFIED, expires_on=date(2027, 3, 1)
    )
    step = _step(application.user, 9)
    assert step.state == "current"
    assert "certification staff will issue your certificate" in step.detail


def test_steps_before_the_exam_keep_the_dashboards_own_state(agency):
    application = ApplicationFactory(agency=agency, status=S.APPROVED, expires_on=date(2027, 3, 1))
    assert _step(application.user, 8).state == "locked"
    assert _step(application.user, 9).state == "locked"
