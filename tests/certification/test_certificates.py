"""Issuing, revoking and endorsing certificates (services), and the status on a day."""

import json
from datetime import date, timedelta

import pytest
from django.core import mail

from certification.models import AgencyAlert, AlertChange, Certification, CertificationEvent, Level
from certification.selectors.certificates import (
    certification_status_on,
    may_bill_t1017,
    ready_to_certify_list,
)
from certification.services.certificates import (
    certification_issue,
    certification_renew,
    certification_revoke,
    endorsement_add,
)
from enrollment.models import ApplicationStatus
from enrollment.models.applications import CLOCK_RUNNING
from enrollment.rules import RuleViolation
from lms import clock
from lms.models import AuditEvent
from tests.factories.certification import employ, ready_application

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _site(settings):
    settings.WAGTAILADMIN_BASE_URL = "https://bhcm.example.org"


def test_issuing_when_exam_passed_and_employment_confirmed(
    cert_staff, django_capture_on_commit_callbacks
):
    application = ready_application(track="cm2")
    assert application in ready_to_certify_list()

    with clock.frozen_at(date(2026, 3, 10)), django_capture_on_commit_callbacks(execute=True):
        certification = certification_issue(application=application, actor=cert_staff)

    application.refresh_from_db()
    assert application.status == ApplicationStatus.CERTIFIED
    assert application.status not in CLOCK_RUNNING  # the six-month clock stops
    assert application not in ready_to_certify_list()
    assert certification.number == "BHCM-2026-000001"
    assert certification.level == Level.CM2
    assert certification.holder_name == "Dana Whitehorse"
    assert certification.issued_on == date(2026, 3, 10)
    assert certification.valid_through == date(2027, 6, 30)
    assert list(certification.events.values_list("verb", flat=True)) == ["issued"]
    assert AuditEvent.objects.filter(verb="certification.issued").count() == 1
    credential = json.loads(certification.credential_json)
    assert credential["credentialSubject"]["licenseNumber"] == certification.number
    (message,) = mail.outbox
    assert message.to == [application.user.email]
    assert "ready to print" in message.subject
    assert certification.number in message.body  # the plain-text part
    assert message.alternatives[0][1] == "text/html"


def test_issuing_twice_is_a_no_op(cert_staff):
    application = ready_application()
    first = certification_issue(application=application, actor=cert_staff)
    again = certification_issue(application=application, actor=cert_staff)
    assert again.pk == first.pk
    assert Certification.objects.count() == 1
    assert CertificationEvent.objects.count() == 1


@pytest.mark.parametrize(
    "status, employment, message",
    [
        ("exam_passed", "confirmed", "employment is confirmed"),  # exam passed, not verified
        ("classroom_complete", "confirmed", "exam is passed"),  # exam not passed
        ("employment_verified", "none", "no confirmed employment"),
        ("employment_verified", "unconfirmed", "no confirmed employment"),
        ("employment_verified", "ended", "no confirmed employment"),
    ],
)
def test_issuing_refused_unless_both_conditions_hold(cert_staff, status, employment, message):
    application = ready_application(status=status, employed=False)
    if employment == "confirmed":
        employ(application.user)
    elif employment == "unconfirmed":
        employ(application.user, confirmed=False)
    elif employment == "ended":
        employ(application.user, ended_on=clock.today() - timedelta(days=1))

    with pytest.raises(RuleViolation, match=message):
        certification_issue(application=application, actor=cert_staff)

    application.refresh_from_db()
    assert application.status == status
    assert not Certification.objects.exists()
    assert not mail.outbox


def test_cm1_track_gives_cm1_and_modifier_follows_the_level(cert_staff):
    certification = certification_issue(
        application=ready_application(track="cm1", highest_education="high_school"),
        actor=cert_staff,
    )
    assert certification.level == Level.CM1


def test_revoke_needs_a_reason_and_is_recorded(cert_staff, django_capture_on_commit_callbacks):
    with clock.frozen_at(clock.today() - timedelta(days=30)):
        certification = certification_issue(application=ready_application(), actor=cert_staff)
    with pytest.raises(RuleViolation, match="reason"):
        certification_revoke(certification=certification, actor=cert_staff, reason="  ")
    certification.refresh_from_db()
    assert certification.revoked_on is None

    with django_capture_on_commit_callbacks(execute=True):
        revoked = certification_revoke(
            certification=certification, actor=cert_staff, reason="Falsified transcript."
        )
    again = certification_revoke(certification=certification, actor=cert_staff, reason="x")
    assert revoked.revoked_on == clock.today() == again.revoked_on
    assert again.revocation_reason == "Falsified transcript."
    assert certification_status_on(revoked, clock.today()) == "revoked"
    assert certification_status_on(revoked, clock.today() - timedelta(days=1)) == "active"
    assert not may_bill_t1017(revoked, clock.today())
    assert list(revoked.events.values_list("verb", flat=True)) == ["issued", "revoked"]
    assert len(mail.outbox) == 1 and "revoked" in mail.outbox[0].subject


def test_endorsement_is_recorded_with_evidence_and_re_signs(cert_staff):
    certification = certification_issue(application=ready_application(), actor=cert_staff)
    before = certification.credential_json
    endorsement = endorsement_add(
        certification=certification,
        kind="intensive_case_manager",
        earned_on=clock.today(),
        evidence="2 years of BHCM experience; 6-hour intensive training on file.",
        actor=cert_staff,
    )
    certification.refresh_from_db()
    assert endorsement.get_kind_display() == "Intensive Case Manager"
    assert certification.credential_json != before
    results = json.loads(certification.credential_json)["credentialSubject"]["result"]
    assert [r["value"] for r in results] == ["Intensive Case Manager"]
    assert list(certification.events.values_list("verb", flat=True)) == ["issued", "endorsed"]


def test_endorsement_refusals_change_nothing(cert_staff):
    cm1 = certification_issue(
        application=ready_application(track="cm1", highest_education="high_school"),
        actor=cert_staff,
    )
    cm2 = certification_issue(application=ready_application(), actor=cert_staff)
    cases = [
        (cm1, clock.today(), "evidence", "CM II certificates only"),
        (cm2, clock.today(), "", "evidence"),
        (cm2, clock.today() + timedelta(days=1), "evidence", "future"),
    ]
    for certification, earned_on, evidence, message in cases:
        with pytest.raises(RuleViolation, match=message):
            endorsement_add(
                certification=certification,
                kind="wraparound_facilitator",
                earned_on=earned_on,
                evidence=evidence,
                actor=cert_staff,
            )
    assert not cm2.endorsements.exists() and not cm1.endorsements.exists()


def test_events_are_append_only(cert_staff):
    certification = certification_issue(application=ready_application(), actor=cert_staff)
    event = certification.events.get()
    event.reason = "rewritten"
    with pytest.raises(ValueError, match="append-only"):
        event.save()


def test_the_history_names_the_staff_member_or_the_system(cert_staff):
    by_staff = certification_issue(application=ready_application(), actor=cert_staff)
    by_system = certification_issue(application=ready_application(), actor=None)
    assert by_staff.events.get().actor == cert_staff
    assert (
        AuditEvent.objects.get(verb="certification.issued", object_id=str(by_staff.pk)).actor
        == cert_staff
    )
    assert by_system.events.get().actor is None
    assert (
        AuditEvent.objects.get(verb="certification.issued", object_id=str(by_system.pk)).actor
        is None
    )


def test_the_name_on_the_certificate_skips_a_blank_middle_name(cert_staff):
    certification = certification_issue(
        application=ready_application(legal_middle_name="  "), actor=cert_staff
    )
    assert certification.holder_name == "Dana Whitehorse"


def _issued_in_2026(cert_staff) -> Certification:
    with clock.frozen_at(date(2026, 3, 10)):  # valid through Jun 30, 2027
        return certification_issue(application=ready_application(), actor=cert_staff)


def test_renewing_moves_valid_through_lifts_a_suspension_and_tells_holder_and_agency(
    cert_staff, django_capture_on_commit_callbacks
):
    certification = _issued_in_2026(cert_staff)
    signed = certification.credential_json
    mail.outbox.clear()
    with clock.frozen_at(date(2027, 7, 15)), django_capture_on_commit_callbacks(execute=True):
        assert certification_status_on(certification, clock.today()) == "suspended"
        renewed = certification_renew(
            certification=certification, renewal_year=2027, actor=cert_staff
        )
        assert certification_status_on(renewed, clock.today()) == "active"

    renewed.refresh_from_db()
    assert renewed.valid_through == date(2028, 6, 30)
    event = renewed.events.get(verb="renewed")
    assert (event.from_state, event.to_state, event.actor) == ("suspended", "active", cert_staff)
    assert event.reason == "Renewal 2027 approved: valid through Jun 30, 2027 → Jun 30, 2028."
    assert json.loads(renewed.credential_json)["validUntil"] == "2028-07-01T04:59:59Z"
    assert renewed.credential_json != signed
    (alert,) = AgencyAlert.objects.filter(person=renewed.holder)
    assert (alert.change, alert.change_key) == (
        AlertChange.RENEWED,
        f"{renewed.number}:renewed:2027",
    )
    (message,) = mail.outbox
    assert message.to == [renewed.holder.email] and "ready to print" in message.subject
    assert "Valid through: June 30, 2028" in message.body


def test_renewing_the_same_year_again_changes_nothing(
    cert_staff, django_capture_on_commit_callbacks
):
    certification = _issued_in_2026(cert_staff)
    with clock.frozen_at(date(2027, 5, 1)):
        certification_renew(certification=certification, renewal_year=2027, actor=cert_staff)
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            again = certification_renew(
                certification=certification, renewal_year=2027, actor=cert_staff
            )
    assert again.valid_through == date(2028, 6, 30)
    assert again.events.filter(verb="renewed").count() == 1
    assert not mail.outbox


def test_a_revoked_or_superseded_certificate_is_not_renewed(cert_staff):
    revoked = _issued_in_2026(cert_staff)
    certification_revoke(certification=revoked, actor=cert_staff, reason="Falsified transcript.")
    superseded = _issued_in_2026(cert_staff)
    Certification.objects.filter(pk=superseded.pk).update(
        superseded_on=clock.today(), superseded_by=revoked
    )
    for certification in (revoked, superseded):
        with pytest.raises(RuleViolation, match="no longer in force"):
            certification_renew(certification=certification, renewal_year=2027, actor=cert_staff)
        certification.refresh_from_db()
        assert certification.valid_through == date(2027, 6, 30)
        assert not certification.events.filter(verb="renewed").exists()


def test_a_revoked_certificate_takes_no_endorsement(cert_staff):
    certification = certification_issue(application=ready_application(), actor=cert_staff)
    certification_revoke(certification=certification, actor=cert_staff, reason="Falsified.")
    with pytest.raises(RuleViolation, match="no longer in force"):
        endorsement_add(
            certification=certification,
            kind="wraparound_facilitator",
            earned_on=clock.today(),
            evidence="Training on file.",
            actor=cert_staff,
        )
    assert not certification.endorsements.exists()


def test_a_new_certificate_never_takes_another_holders_status_entry(cert_staff, monkeypatch):
    """The entry in the revocation and suspension lists is drawn at random: when the draw lands
    on an entry a certificate already holds, it draws again (else revoking one would flag both)."""
    from certification.credentials import status_list

    first = certification_issue(application=ready_application(), actor=cert_staff)
    free = (first.status_index + 1) % status_list.MIN_ENTRIES
    draws = iter([first.status_index, free])
    monkeypatch.setattr(status_list.secrets, "randbelow", lambda size: next(draws))
    second = certification_issue(application=ready_application(), actor=cert_staff)
    assert second.status_index == free
