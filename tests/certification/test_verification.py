"""Verification of employment: the request at approval, the attester's answer, the applicant's
reminders and changes of employer, staff's paper forms and rejections, and the application
moving on to employment_verified."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from certification.models import Employment, VerificationRequest, VerificationStatus
from certification.selectors.employment import is_employed_on
from certification.selectors.verification import verification_dashboard_step
from certification.services.verification import (
    Answer,
    verification_confirm,
    verification_employer_change,
    verification_paper_accept,
    verification_refuse,
    verification_reject,
    verification_remind,
    verification_request_for_agency,
    verification_unlisted_accept,
    verification_unlisted_refuse,
)
from enrollment.models import Application, ApplicationStatus, QualifyingAgency
from enrollment.rules import RuleViolation
from enrollment.services.applications import application_exam_passed
from lms import clock
from lms.models import AuditEvent
from tests.factories.enrollment import set_status
from tests.samples import pdf_bytes

pytestmark = pytest.mark.django_db
S = ApplicationStatus
V = VerificationStatus
ANSWER = Answer(employed_since=date(2024, 3, 1), position="Case manager", is_case_management=True)
PDF = pdf_bytes()  # a real PDF: uploads must parse as one


def _audited(obj, verb):
    return AuditEvent.objects.filter(object_id=str(obj.pk), verb=verb).exists()


def test_approval_asks_only_the_attesters_of_the_named_employer(
    agency, other_agency, attester, viewer, make_member, approve
):
    make_member(other_agency, email="attester@prairie.example")
    application = approve(agency)
    request = VerificationRequest.objects.get(application=application)
    assert (request.status, request.agency, request.person) == (V.PENDING, agency, application.user)
    asked = [m for m in mail.outbox if m.subject.startswith("Please verify employment")]
    assert [m.to for m in asked] == [["attester@redrock.example"]]
    assert f"/agency/verifications/{request.pk}/" in asked[0].body
    assert asked[0].alternatives  # an HTML part beside the plain text
    assert _audited(request, "verification.requested")


def test_attester_confirms_records_employment_audits_and_mails(
    agency, attester, approve, django_capture_on_commit_callbacks
):
    application = approve(agency)
    request = application.verification_requests.get()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        done = verification_confirm(
            request=request,
            actor=attester,
            answer=ANSWER,
            attester_name="Dana Reyes",
            attested=True,
            document=SimpleUploadedFile("voe.pdf", PDF),
        )
    assert done.status == V.CONFIRMED
    assert (done.attester_name, done.decided_by, done.document_kind) == (
        "Dana Reyes",
        attester,
        "pdf",
    )
    assert done.decided_at is not None
    employment = Employment.objects.get(person=application.user, agency=agency)
    assert employment == done.employment
    assert (employment.started_on, employment.position, employment.confirmed_by) == (
        date(2024, 3, 1),
        "Case manager",
        attester,
    )
    assert is_employed_on(person=application.user, on=clock.today())
    assert _audited(done, "verification.confirmed") and _audited(employment, "employment.confirmed")
    assert [m.to for m in mail.outbox] == [[application.user.email]]
    assert "confirmed" in mail.outbox[0].subject
    # approved, not yet passed the exam: the application waits for the exam
    application.refresh_from_db()
    assert application.status == S.APPROVED
    assert verification_dashboard_step(application).state == "done"


def test_confirmation_needs_the_attestation_and_writes_nothing_without_it(
    agency, attester, approve
):
    request = approve(agency).verification_requests.get()
    for name, attested in (("Dana Reyes", False), ("  ", True)):
        with pytest.raises(RuleViolation):
            verification_confirm(
                request=request,
                actor=attester,
                answer=ANSWER,
                attester_name=name,
                attested=attested,
            )
    future = Answer(date.today() + timedelta(days=30), "Case manager", True)
    with pytest.raises(RuleViolation, match="future"):
        verification_confirm(
            request=request, actor=attester, answer=future, attester_name="D", attested=True
        )
    request.refresh_from_db()
    assert request.status == V.PENDING and not Employment.objects.exists()


def test_a_bad_signed_form_refuses_the_whole_confirmation(agency, attester, approve):
    request = approve(agency).verification_requests.get()
    with pytest.raises(ValidationError):
        verification_confirm(
            request=request,
            actor=attester,
            answer=ANSWER,
            attester_name="Dana Reyes",
            attested=True,
            document=SimpleUploadedFile("voe.pdf", b"MZ\x90\x00not a pdf"),
        )
    request.refresh_from_db()
    assert request.status == V.PENDING and not Employment.objects.exists()


def test_a_viewer_and_another_agencys_attester_cannot_attest(
    agency, other_agency, viewer, make_member, approve
):
    request = approve(agency).verification_requests.get()
    stranger = make_member(other_agency)
    for actor in (viewer, stranger, request.person):
        with pytest.raises(RuleViolation, match="attester"):
            verification_confirm(
                request=request, actor=actor, answer=ANSWER, attester_name="X", attested=True
            )
        with pytest.raises(RuleViolation, match="attester"):
            verification_refuse(request=request, actor=actor, reason="Not ours")
    request.refresh_from_db()
    assert request.status == V.PENDING


def test_attester_refuses_with_a_reason_the_applicant_reads(
    agency, attester, approve, django_capture_on_commit_callbacks
):
    request = approve(agency).verification_requests.get()
    mail.outbox.clear()
    with pytest.raises(RuleViolation):
        verification_refuse(request=request, actor=attester, reason=" ")
    with django_capture_on_commit_callbacks(execute=True):
        done = verification_refuse(request=request, actor=attester, reason="Left us in 2023.")
    assert (done.status, done.reason, done.decided_by) == (V.REFUSED, "Left us in 2023.", attester)
    assert _audited(done, "verification.refused")
    assert mail.outbox[0].to == [request.person.email]
    assert "Left us in 2023." in mail.outbox[0].body
    assert not Employment.objects.exists()
    step = verification_dashboard_step(request.application)
    assert step.state == "current" and "Left us in 2023." in step.detail


def test_confirmation_after_the_exam_makes_the_application_ready_to_certify(
    agency, attester, approve, django_capture_on_commit_callbacks
):
    application = set_status(approve(agency), S.EXAM_PASSED)
    request = application.verification_requests.get()
    with django_capture_on_commit_callbacks(execute=True):
        verification_confirm(
            request=request, actor=attester, answer=ANSWER, attester_name="D R", attested=True
        )
    application.refresh_from_db()
    assert application.status == S.EMPLOYMENT_VERIFIED
    assert _audited(application, "application.employment_verified")


def test_exam_pass_after_confirmation_makes_it_ready_to_certify(
    agency, attester, approve, django_capture_on_commit_callbacks
):
    application = approve(agency)
    with django_capture_on_commit_callbacks(execute=True):
        verification_confirm(
            request=application.verification_requests.get(),
            actor=attester,
            answer=ANSWER,
            attester_name="D R",
            attested=True,
        )
    application = set_status(application, S.CLASSROOM_COMPLETE)
    application_exam_passed(application=application)
    application.refresh_from_db()
    assert application.status == S.EMPLOYMENT_VERIFIED


def test_exam_pass_without_confirmation_waits_for_the_employer(agency, attester, approve):
    application = set_status(approve(agency), S.CLASSROOM_COMPLETE)
    application_exam_passed(application=application)
    application.refresh_from_db()
    assert application.status == S.EXAM_PASSED
    step = verification_dashboard_step(application)
    assert step.state == "current" and step.detail.startswith("Waiting for your employer")


def test_reminder_once_a_day(
    agency, attester, approve, settings, django_capture_on_commit_callbacks
):
    request = approve(agency).verification_requests.get()
    mail.outbox.clear()
    with pytest.raises(RuleViolation, match="once a day"):
        verification_remind(request=request, actor=request.person)  # just asked
    VerificationRequest.objects.filter(pk=request.pk).update(
        created_at=clock.now() - timedelta(days=1, minutes=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        verification_remind(request=request, actor=request.person)
    with pytest.raises(RuleViolation, match="once a day"):
        verification_remind(request=request, actor=request.person)
    assert [m.to for m in mail.outbox] == [["attester@redrock.example"]]
    assert mail.outbox[0].subject.startswith("Reminder")
    assert _audited(request, "verification.reminded")


def test_change_employer_closes_the_old_request_and_asks_the_new_one(
    agency, other_agency, attester, make_member, approve, django_capture_on_commit_callbacks
):
    make_member(other_agency, email="hr@prairie.example")
    application = approve(agency)
    old = application.verification_requests.get()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        new = verification_employer_change(
            application=application, actor=application.user, agency=other_agency
        )
    old.refresh_from_db()
    assert (old.status, new.status, new.agency) == (V.CLOSED, V.PENDING, other_agency)
    assert [m.to for m in mail.outbox] == [["hr@prairie.example"]]
    with pytest.raises(RuleViolation):
        verification_employer_change(application=application, actor=attester, agency=agency)


def test_unlisted_employer_goes_to_staff_who_add_it_or_refuse(
    agency, approve, cert_staff, django_capture_on_commit_callbacks
):
    application = approve(agency)
    with django_capture_on_commit_callbacks(execute=True):
        request = verification_employer_change(
            application=application, actor=application.user, unlisted_name="Cimarron Family Care"
        )
    assert request.status == V.UNLISTED and request.agency is None
    assert any(m.to == [cert_staff.email] and "not listed" in m.subject for m in mail.outbox)
    assert "Waiting for staff" in verification_dashboard_step(application).detail
    with pytest.raises(RuleViolation):
        verification_unlisted_accept(request=request, actor=application.user, contract_type="111")
    added = verification_unlisted_accept(request=request, actor=cert_staff, contract_type="111")
    assert added.status == V.PENDING
    assert QualifyingAgency.objects.filter(name="Cimarron Family Care").exists()
    other = verification_employer_change(
        application=application, actor=application.user, unlisted_name="Not A Clinic LLC"
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        refused = verification_unlisted_refuse(
            request=other, actor=cert_staff, reason="Not a behavioral-health provider."
        )
    assert refused.status == V.CLOSED
    assert "Not a behavioral-health provider." in mail.outbox[0].body


def test_staff_accept_a_paper_form_with_the_document(
    agency, approve, cert_staff, django_capture_on_commit_callbacks
):
    application = set_status(approve(agency), S.EXAM_PASSED)
    request = application.verification_requests.get()
    with pytest.raises(RuleViolation, match="Attach"):
        verification_paper_accept(request=request, actor=cert_staff, answer=ANSWER, document=None)
    with pytest.raises(RuleViolation, match="staff"):
        verification_paper_accept(
            request=request,
            actor=application.user,
            answer=ANSWER,
            document=SimpleUploadedFile("v.pdf", PDF),
        )
    with django_capture_on_commit_callbacks(execute=True):
        done = verification_paper_accept(
            request=request,
            actor=cert_staff,
            answer=ANSWER,
            document=SimpleUploadedFile("v.pdf", PDF),
        )
    assert done.on_paper and done.document_storage_name and done.decided_by == cert_staff
    assert _audited(done, "verification.confirmed")
    application.refresh_from_db()
    assert application.status == S.EMPLOYMENT_VERIFIED


def test_staff_reject_an_attestation_and_the_agency_is_asked_again(
    agency, attester, approve, cert_staff, django_capture_on_commit_callbacks
):
    application = approve(agency)
    request = verification_confirm(
        request=application.verification_requests.get(),
        actor=attester,
        answer=ANSWER,
        attester_name="D R",
        attested=True,
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        rejected = verification_reject(
            request=request, actor=cert_staff, reason="Signed by the applicant's relative."
        )
    assert rejected.status == V.REJECTED
    assert not is_employed_on(person=application.user, on=clock.today())
    assert application.verification_requests.filter(status=V.PENDING).count() == 1
    assert {tuple(m.to) for m in mail.outbox} == {(application.user.email,), (attester.email,)}
    assert _audited(rejected, "verification.rejected")


def test_an_agency_without_attesters_sends_the_request_to_staff(agency, approve, cert_staff):
    application = approve(agency)
    request = application.verification_requests.get()
    (message,) = [m for m in mail.outbox if "No attester" in m.subject]
    assert message.to == [cert_staff.email]
    assert f"/admin/employment-verifications/inspect/{request.pk}/" in message.body


@pytest.mark.parametrize(
    "status, voe, state, detail",
    [
        (S.SUBMITTED, None, "locked", "Your employer is asked once you are approved."),
        (S.APPROVED, None, "current", "No employer has been asked yet."),
        (S.TRAINING_APPROVED, V.PENDING, "current", "Waiting for your employer"),
        (S.EXAM_PASSED, V.UNLISTED, "current", "Waiting for staff to add"),
        (S.EXAM_PASSED, V.REFUSED, "current", "did not confirm"),
        (S.EMPLOYMENT_VERIFIED, V.CONFIRMED, "done", "confirmed your employment"),
    ],
)
def test_dashboard_step_for_each_state(agency, status, voe, state, detail):
    from tests.factories.enrollment import ApplicationFactory

    application = ApplicationFactory(agency=agency, status=status)
    if voe is not None:
        VerificationRequest.objects.create(
            application=application,
            person=application.user,
            agency=None if voe == V.UNLISTED else agency,
            unlisted_agency_name="Cimarron" if voe == V.UNLISTED else "",
            status=voe,
            reason="Not ours." if voe == V.REFUSED else "",
        )
    step = verification_dashboard_step(application)
    assert step.title == "Verification of employment"
    assert step.state == state and detail in step.detail
    assert (step.action_url == "/employment-verification/") == (state == "current")


def test_backfill_asks_the_employers_of_applications_approved_before(
    agency, attester, django_capture_on_commit_callbacks
):
    from io import StringIO

    from django.core.management import call_command

    from tests.factories.enrollment import ApplicationFactory

    waiting = ApplicationFactory(agency=agency, status=S.CLASSROOM_COMPLETE)
    ApplicationFactory(agency=agency, status=S.SUBMITTED)  # not approved yet: not asked
    first, second = StringIO(), StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("voe_backfill", stdout=first)
        call_command("voe_backfill", stdout=second)
    assert first.getvalue().strip() == "1 verification request(s) sent."
    assert second.getvalue().strip() == "0 verification request(s) sent."
    assert VerificationRequest.objects.get().application == waiting
    assert [m.to for m in mail.outbox] == [[attester.email]]


def _confirm(request, attester, *, answer=ANSWER, document=None):
    """The attester confirms with their typed name and the attestation ticked."""
    return verification_confirm(
        request=request,
        actor=attester,
        answer=answer,
        attester_name="Dana Reyes",
        attested=True,
        document=document,
    )


def test_the_signed_forms_file_name_is_kept_for_staff(agency, attester, approve):
    request = approve(agency).verification_requests.get()
    long_name = "voe-" + "x" * 300 + ".pdf"  # the upload cuts it to 255, keeping the extension
    done = _confirm(request, attester, document=SimpleUploadedFile(long_name, PDF))
    done.refresh_from_db()
    kept = done.document_original_name
    assert len(kept) == 255 and kept.startswith("voe-xxx") and kept.endswith("x.pdf")
    other = approve(agency).verification_requests.get()
    done = _confirm(other, attester, document=SimpleUploadedFile("signed-voe.pdf", PDF))
    assert done.document_original_name == "signed-voe.pdf"


def test_employment_that_starts_today_can_be_confirmed(agency, attester, approve):
    request = approve(agency).verification_requests.get()
    today = Answer(clock.today(), "Case manager", True)
    done = _confirm(request, attester, answer=today)
    assert done.status == V.CONFIRMED and done.employment.started_on == clock.today()


def test_a_second_confirmation_at_the_same_agency_updates_the_employment(
    agency, attester, approve, cert_staff
):
    application = approve(agency)
    first = _confirm(application.verification_requests.get(), attester)
    verification_reject(request=first, actor=cert_staff, reason="Signed by a relative.")
    again = application.verification_requests.get(status=V.PENDING)
    promoted = Answer(date(2024, 3, 1), "Senior case manager", True)
    _confirm(again, attester, answer=promoted)
    employment = Employment.objects.get(person=application.user, agency=agency)
    assert employment.position == "Senior case manager" and employment.confirmed_at is not None


def test_a_reminder_goes_once_a_full_day_has_passed(
    agency, attester, approve, django_capture_on_commit_callbacks
):
    request = approve(agency).verification_requests.get()
    mail.outbox.clear()
    with clock.frozen_at(request.created_at + timedelta(days=1)):
        with django_capture_on_commit_callbacks(execute=True):
            verification_remind(request=request, actor=request.person)
    assert [m.to for m in mail.outbox] == [["attester@redrock.example"]]


def test_changing_employer_needs_exactly_one_of_a_listed_agency_or_a_name(
    agency, other_agency, approve
):
    application = approve(agency)
    for chosen, name in ((None, ""), (None, "  "), (other_agency, "Cimarron Family Care")):
        with pytest.raises(RuleViolation, match="Choose your employer"):
            verification_employer_change(
                application=application, actor=application.user, agency=chosen, unlisted_name=name
            )
    other_agency.active = False
    other_agency.save()
    with pytest.raises(RuleViolation, match="no longer qualifies"):
        verification_employer_change(
            application=application, actor=application.user, agency=other_agency
        )
    assert application.verification_requests.get().status == V.PENDING


def test_adding_an_unlisted_employer_is_audited_finding_one_is_not(agency, approve, cert_staff):
    application = approve(agency)
    named = verification_employer_change(
        application=application, actor=application.user, unlisted_name="Cimarron Family Care"
    )
    verification_unlisted_accept(request=named, actor=cert_staff, contract_type="111")
    added = QualifyingAgency.objects.get(name="Cimarron Family Care")
    assert _audited(added, "agency.added")
    again = verification_employer_change(
        application=application, actor=application.user, unlisted_name=agency.name
    )
    found = verification_unlisted_accept(request=again, actor=cert_staff, contract_type="111")
    assert found.agency == agency
    assert not _audited(agency, "agency.added")


def test_the_renewal_asks_the_agency_again_once(agency, other_agency, attester, approve):
    application = set_status(approve(agency), S.EXAM_PASSED)
    pending = application.verification_requests.get()
    assert verification_request_for_agency(application=application, agency=agency) == pending
    with pytest.raises(RuleViolation, match="Red Rock Behavioral Health is still open"):
        verification_request_for_agency(application=application, agency=other_agency)
    assert application.verification_requests.count() == 1
    verification_refuse(request=pending, actor=attester, reason="Left us in 2023.")
    asked = verification_request_for_agency(application=application, agency=other_agency)
    assert (asked.status, asked.agency) == (V.PENDING, other_agency)


def test_an_expired_application_closes_its_open_requests(agency, approve):
    from enrollment.services.expiry import applications_expire

    expiring, running = approve(agency), approve(agency)
    day = expiring.expires_on + timedelta(days=1)
    Application.objects.filter(pk=running.pk).update(expires_on=day + timedelta(days=30))
    request = expiring.verification_requests.get()
    applications_expire(today=day)
    request.refresh_from_db()
    assert request.status == V.CLOSED
    closed = AuditEvent.objects.get(verb="verification.closed", object_id=str(request.pk))
    assert closed.reason == f"The application expired (checked on {day.isoformat()})."
    assert running.verification_requests.get().status == V.PENDING


def test_refusing_or_rejecting_again_changes_nothing_more(
    agency, attester, approve, cert_staff, django_capture_on_commit_callbacks
):
    refused = approve(agency).verification_requests.get()
    verification_refuse(request=refused, actor=attester, reason="Left us in 2023.")
    application = approve(agency)
    rejected = _confirm(application.verification_requests.get(), attester)
    verification_reject(request=rejected, actor=cert_staff, reason="Signed by a relative.")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        again = verification_refuse(request=refused, actor=attester, reason="Never worked here.")
        verification_reject(request=rejected, actor=cert_staff, reason="Another reason.")
    rejected.refresh_from_db()
    assert (again.status, again.reason) == (V.REFUSED, "Left us in 2023.")
    assert (rejected.status, rejected.reason) == (V.REJECTED, "Signed by a relative.")
    assert application.verification_requests.filter(status=V.PENDING).count() == 1
    assert not mail.outbox
