"""Application services: submit, the staff decisions, one account per person."""

from datetime import date

import pytest
from django.core import mail

from enrollment.models import Application, ApplicationStatus, ApplicationUpload
from enrollment.rules import RuleViolation
from enrollment.services.applications import (
    ApplicationIncomplete,
    DuplicatePerson,
    application_approve,
    application_deny,
    application_return,
    application_save,
    application_start,
    application_submit,
)
from lms.models import AuditEvent
from tests.factories.enrollment import ApplicationFactory

pytestmark = pytest.mark.django_db
S = ApplicationStatus


@pytest.fixture
def submitted(django_capture_on_commit_callbacks):
    application = ApplicationFactory()
    with django_capture_on_commit_callbacks(execute=True):
        application_submit(application=application, user=application.user, today=date(2026, 8, 31))
    mail.outbox.clear()
    return Application.objects.get(pk=application.pk)


def _audit(application, verb):
    return AuditEvent.objects.filter(object_id=str(application.pk), verb=verb)


def test_submit_starts_the_six_month_clock_audits_and_mails(django_capture_on_commit_callbacks):
    application = ApplicationFactory()
    with django_capture_on_commit_callbacks(execute=True):
        application_submit(application=application, user=application.user, today=date(2026, 8, 31))
    application.refresh_from_db()
    assert application.status == S.SUBMITTED
    assert (application.submitted_on, application.expires_on) == (
        date(2026, 8, 31),
        date(2027, 2, 28),
    )
    event = _audit(application, "application.submitted").get()
    assert (event.actor, event.from_state, event.to_state) == (
        application.user,
        "draft",
        "submitted",
    )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [application.user.email]
    assert "February 28, 2027" in message.body
    assert message.alternatives and message.alternatives[0][1] == "text/html"


def test_submit_refused_with_every_missing_field_and_nothing_written():
    application = ApplicationFactory(phone="", city="", highest_education="bachelor")
    with pytest.raises(ApplicationIncomplete) as refused:
        application_submit(application=application, user=application.user, today=date(2026, 1, 5))
    assert refused.value.missing == {
        "personal": ["phone"],
        "residence": ["city"],
        "education": ["degree", "institution", "transcript"],
    }
    application.refresh_from_db()
    assert application.status == S.DRAFT and application.submitted_on is None
    assert not _audit(application, "application.submitted").exists()


def test_upgrade_track_needs_the_cm1_certificate_number():
    application = ApplicationFactory(track="cm1_upgrade")
    with pytest.raises(ApplicationIncomplete) as refused:
        application_submit(application=application, user=application.user, today=date(2026, 1, 5))
    assert refused.value.missing == {"education": ["cm1_certificate_number"]}


def test_off_list_degree_goes_to_transcript_review():
    application = ApplicationFactory(
        track="cm2", highest_education="bachelor", degree_other="Music therapy", institution="OU"
    )
    ApplicationUpload.objects.create(
        application=application,
        purpose="transcript",
        storage_name="uploads/x/1.pdf",
        original_name="t.pdf",
        kind="pdf",
        size=10,
    )
    application_submit(application=application, user=application.user, today=date(2026, 1, 5))
    application.refresh_from_db()
    assert application.status == S.SUBMITTED
    assert application.needs_transcript_review is True


def test_same_legal_name_and_birth_date_on_another_account_is_refused():
    first = ApplicationFactory(legal_first_name="Dana", legal_last_name="Reyes")
    second = ApplicationFactory(
        legal_first_name="dana ", legal_last_name="REYES", date_of_birth=first.date_of_birth
    )
    second.legal_first_name = "dana"
    with pytest.raises(DuplicatePerson, match="only one account"):
        application_save(application=second, user=second.user)
    with pytest.raises(DuplicatePerson):
        application_submit(application=second, user=second.user, today=date(2026, 1, 5))
    assert Application.objects.get(pk=second.pk).status == S.DRAFT


def test_one_open_application_per_person(applicant):
    application_start(user=applicant, track="cm1")
    with pytest.raises(RuleViolation, match="already have an application"):
        application_start(user=applicant, track="cm2")
    assert applicant.applications.count() == 1


def test_approve_audits_and_mails(submitted, cert_staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        application_approve(application=submitted, actor=cert_staff)
    submitted.refresh_from_db()
    assert submitted.status == S.APPROVED
    event = _audit(submitted, "application.approved").get()
    assert (event.actor, event.from_state, event.to_state) == (cert_staff, "submitted", "approved")
    # (approval also asks the employer to verify employment: that email goes elsewhere)
    to_applicant = [m.subject for m in mail.outbox if m.to == [submitted.user.email]]
    assert to_applicant == ["Your application was approved"]
    sent = len(mail.outbox)
    # Approving again is a no-op: no second audit row, no second email.
    with django_capture_on_commit_callbacks(execute=True):
        application_approve(application=submitted, actor=cert_staff)
    assert _audit(submitted, "application.approved").count() == 1
    assert len(mail.outbox) == sent


def test_deny_needs_a_reason(submitted, cert_staff, django_capture_on_commit_callbacks):
    with pytest.raises(RuleViolation, match="reason"):
        application_deny(application=submitted, actor=cert_staff, reason="  ")
    assert Application.objects.get(pk=submitted.pk).status == S.SUBMITTED
    with django_capture_on_commit_callbacks(execute=True):
        application_deny(application=submitted, actor=cert_staff, reason="Degree is incomplete.")
    submitted.refresh_from_db()
    assert submitted.status == S.DENIED
    assert _audit(submitted, "application.denied").get().reason == "Degree is incomplete."
    assert "Degree is incomplete." in mail.outbox[0].body


def test_the_plain_text_email_says_what_staff_wrote_and_the_html_escapes_it(
    submitted, cert_staff, django_capture_on_commit_callbacks
):
    """The text part and the subject are plain text: an apostrophe or an ampersand reaches the
    reader as written; the HTML alternative still escapes markup."""
    Application.objects.filter(pk=submitted.pk).update(legal_first_name="Siobhán O'Brien")
    submitted.refresh_from_db()
    reason = "Your transcript's date & seal are missing <b>both</b>."
    with django_capture_on_commit_callbacks(execute=True):
        application_deny(application=submitted, actor=cert_staff, reason=reason)
    (message,) = [m for m in mail.outbox if m.to == [submitted.user.email]]
    assert "Hello Siobhán O'Brien," in message.body
    assert f"Reason: {reason}" in message.body
    assert "&#x27;" not in message.body and "&amp;" not in message.body
    html = message.alternatives[0][0]
    assert "&lt;b&gt;both&lt;/b&gt;" in html and "<b>both</b>" not in html


def test_return_then_resubmit_keeps_the_clock(
    submitted, cert_staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        application_return(
            application=submitted,
            actor=cert_staff,
            corrections={"phone": "The number is not reachable.", "county": "", "city": "Typo?"},
        )
    submitted.refresh_from_db()
    assert submitted.status == S.RETURNED
    assert submitted.corrections == {"phone": "The number is not reachable.", "city": "Typo?"}
    assert "Phone number: The number is not reachable." in mail.outbox[0].body
    assert _audit(submitted, "application.returned").exists()

    submitted.phone = "405-555-0199"  # the city stays: the applicant replies instead
    application_save(
        application=submitted, user=submitted.user, replies={"city": "Norman is right."}
    )
    application_submit(application=submitted, user=submitted.user, today=date(2026, 10, 1))
    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED
    assert submitted.submitted_on == date(2026, 8, 31)
    assert submitted.expires_on == date(2027, 2, 28)
    assert submitted.corrections == {}


def test_return_needs_at_least_one_known_field(submitted, cert_staff):
    with pytest.raises(RuleViolation, match="at least one"):
        application_return(application=submitted, actor=cert_staff, corrections={"phone": " "})
    with pytest.raises(RuleViolation, match="Unknown field"):
        application_return(application=submitted, actor=cert_staff, corrections={"ssn": "x"})
    assert Application.objects.get(pk=submitted.pk).status == S.SUBMITTED


def test_disallowed_moves_are_refused(cert_staff):
    draft = ApplicationFactory()
    with pytest.raises(RuleViolation, match="cannot become approved"):
        application_approve(application=draft, actor=cert_staff)
    assert Application.objects.get(pk=draft.pk).status == S.DRAFT


def test_submitted_application_cannot_be_edited(submitted):
    submitted.phone = "000"
    with pytest.raises(RuleViolation, match="no longer be changed"):
        application_save(application=submitted, user=submitted.user)
