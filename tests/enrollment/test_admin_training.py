"""Staff actions on an application that follow approval: approve the training, confirm ODMHSAS
employment (training progress is never carried over); and the dashboard's training step."""

from datetime import date

import pytest
from django.core import mail

from courses.models import LessonProgress
from enrollment.models import ApplicationStatus
from lms import clock
from lms.models import AuditEvent
from payments.selectors import day_fee_status, is_employee_confirmed
from tests.factories.courses import build_training_tree
from tests.factories.enrollment import application_at

pytestmark = pytest.mark.django_db
S = ApplicationStatus


SUBMITTED_ON = date(2026, 11, 1)  # alive through 2027-05-01


def test_staff_approve_completed_training(client, cert_staff, django_capture_on_commit_callbacks):
    application = application_at(S.TRAINING_COMPLETE, submitted_on=SUBMITTED_ON)
    client.force_login(cert_staff)
    page = client.get(f"/admin/applications/inspect/{application.pk}/")
    assert b"Approve training of application" in page.content
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/applications/training-approve/{application.pk}/")
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == S.TRAINING_APPROVED
    event = AuditEvent.objects.get(
        object_id=str(application.pk), verb="application.training_approved"
    )
    assert (event.actor, event.from_state) == (cert_staff, "training_complete")
    assert [m.subject for m in mail.outbox] == ["Your web-based training was approved"]


def test_training_approval_is_refused_before_the_training_is_complete(client, cert_staff):
    application = application_at(S.APPROVED, submitted_on=SUBMITTED_ON)
    client.force_login(cert_staff)
    page = client.get(f"/admin/applications/inspect/{application.pk}/")
    assert b"Approve training of application" not in page.content
    client.post(f"/admin/applications/training-approve/{application.pk}/")
    application.refresh_from_db()
    assert application.status == S.APPROVED


def test_editor_cannot_approve_training(client, editor):
    application = application_at(S.TRAINING_COMPLETE, submitted_on=SUBMITTED_ON)
    client.force_login(editor)
    response = client.post(f"/admin/applications/training-approve/{application.pk}/")
    assert response.status_code in (302, 403)
    application.refresh_from_db()
    assert application.status == S.TRAINING_COMPLETE


def test_staff_confirm_odmhsas_employment_waives_day_fees(client, cert_staff):
    application = application_at(
        S.TRAINING_APPROVED, submitted_on=SUBMITTED_ON, odmhsas_employee=True
    )
    assert set(day_fee_status(application).values()) == {"unpaid"}
    client.force_login(cert_staff)
    page = client.get(f"/admin/applications/inspect/{application.pk}/")
    assert b"Claimed by the applicant; not yet confirmed" in page.content
    client.post(f"/admin/applications/employee-confirm/{application.pk}/")
    assert is_employee_confirmed(application)
    assert set(day_fee_status(application).values()) == {"exempt"}
    page = client.get(f"/admin/applications/inspect/{application.pk}/")
    assert b"Confirmed by staff" in page.content
    assert b"Confirm ODMHSAS employment for application" not in page.content


def test_there_is_no_carry_training_progress_action(client, cert_staff, applicant):
    """Dropped (seed 000: a new application starts over); the old address is gone."""
    tree = build_training_tree()
    old = application_at(S.EXPIRED, submitted_on=SUBMITTED_ON, user=applicant)
    LessonProgress.objects.create(
        application=old, lesson=tree.a2, reached_end_at=clock.now(), completed_at=clock.now()
    )
    new = application_at(S.APPROVED, submitted_on=SUBMITTED_ON, user=applicant)
    client.force_login(cert_staff)
    page = client.get(f"/admin/applications/inspect/{new.pk}/").content.decode()
    assert "Carry" not in page
    response = client.post(
        f"/admin/applications/carry-progress/{new.pk}/", {"from_application": old.pk}
    )
    assert response.status_code == 404
    assert not new.lesson_progress.exists()


def test_dashboard_shows_training_percent_and_resume_link(client, applicant):
    tree = build_training_tree()
    application = application_at(S.APPROVED, submitted_on=SUBMITTED_ON, user=applicant)
    LessonProgress.objects.create(
        application=application,
        lesson=tree.a2,
        completed_at=clock.now(),
        reached_end_at=clock.now(),
    )
    client.force_login(applicant)
    html = client.get("/dashboard/").content.decode()
    assert "Web-based training: 25% complete." in html
    assert "Resume where you left off" in html
