"""What people read back from a renewal: the profile prefilled from the application, sections
saved one at a time, the employer to re-verify, the history on the holder's and staff's pages (what
happened and who did it), the emails (the amount received, each correction by name), the receipt's
line, the documents staff reviewed, and money that arrives where it can no longer count."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from certification.models import AuditSeed, Certification, Renewal, RenewalStatus
from certification.services import renewals as services
from enrollment.rules import RuleViolation
from enrollment.selectors.applications import policy_get
from lms import clock
from lms.models import AuditEvent, OutboxMessage
from payments.models import Payment
from payments.providers import EventKind
from tests.factories.certification import YEAR, certified, pay_and_submit, ready_renewal
from tests.factories.enrollment import QualifyingAgencyFactory
from tests.factories.payments import fake_deliver
from tests.samples import pdf_bytes

pytestmark = pytest.mark.django_db

R = RenewalStatus
MARCH = date(YEAR, 3, 1)


@pytest.fixture(autouse=True)
def _fake(settings):
    settings.PAYMENT_PROVIDER = "fake"


def _seed(rate):
    AuditSeed.objects.update_or_create(year=YEAR, defaults={"seed": "all", "rate": rate})


def _submitted(cert, on=date(YEAR, 3, 2), rate="0"):
    _seed(rate)
    renewal, _ = pay_and_submit(ready_renewal(cert), on=on)
    return renewal


def _pdf(name="c.pdf"):
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


def _stray(payment, session_id):
    """A second checkout for what `payment` pays (opened in another tab, say)."""
    return Payment.objects.create(
        application=payment.application,
        provider="fake",
        amount_cents=payment.amount_cents,
        reference=payment.reference,
        checkout_session_id=session_id,
    )


# --- The holder's profile and employer -----------------------------------------------------------


def test_a_new_renewal_is_prefilled_from_the_application_and_names_its_employer(cert):
    application = cert.application
    with clock.frozen_at(MARCH):
        renewal = services.renewal_start(certification=cert, user=cert.holder)
        profile = renewal.profile
        assert profile["personal"]["legal_first_name"] == "Dana"
        assert profile["personal"]["date_of_birth"] == application.date_of_birth.isoformat()
        assert profile["residence"]["city"] == application.city
        assert profile["employment"]["agency"] == application.agency_id
        assert renewal.employer_id == application.agency_id
        # The employer can be asked at once, before any section is confirmed.
        renewal = services.renewal_employment_request(renewal=renewal, user=cert.holder)
    assert renewal.verification.agency_id == application.agency_id


def test_a_section_saved_keeps_the_others_and_only_a_new_employer_is_asked_again(cert):
    holder = cert.holder
    with clock.frozen_at(MARCH):
        renewal = services.renewal_start(certification=cert, user=holder)
        renewal = services.renewal_employment_request(renewal=renewal, user=holder)
        asked = renewal.verification_id
        residence = renewal.profile["residence"]

        personal = {**renewal.profile["personal"], "phone": "405-555-0199"}
        renewal = services.renewal_section_save(
            renewal=renewal, user=holder, section="personal", values=personal
        )
        assert renewal.profile["personal"]["phone"] == "405-555-0199"
        assert renewal.profile["residence"] == residence
        assert renewal.verification_id == asked

        same = dict(renewal.profile["employment"])
        renewal = services.renewal_section_save(
            renewal=renewal, user=holder, section="employment", values=same
        )
        assert renewal.verification_id == asked

        other = QualifyingAgencyFactory(name="Prairie Wraparound")
        renewal = services.renewal_section_save(
            renewal=renewal, user=holder, section="employment", values={**same, "agency": other.pk}
        )
    renewal = Renewal.objects.get(pk=renewal.pk)
    assert renewal.employer_id == other.pk and renewal.verification_id is None
    assert renewal.sections_reviewed == ["personal", "employment"]


@pytest.mark.parametrize("ended", ["revoked_on", "superseded_on"])
def test_a_certificate_revoked_or_superseded_cannot_be_renewed(cert, ended):
    Certification.objects.filter(pk=cert.pk).update(**{ended: date(YEAR, 2, 1)})
    with clock.frozen_at(MARCH), pytest.raises(RuleViolation, match="no longer in force"):
        services.renewal_start(certification=cert, user=cert.holder)
    assert not Renewal.objects.exists()


# --- The history and the emails ------------------------------------------------------------------


def test_the_history_says_what_happened_and_who_did_it(cert, cert_staff):
    holder = cert.holder
    renewal = _submitted(cert)
    with clock.frozen_at(date(YEAR, 3, 5)):
        services.renewal_return(
            renewal=renewal,
            actor=cert_staff,
            corrections=[services.Correction("field", "Your street address.", field_name="city")],
            note="Thank you.",
        )
    with clock.frozen_at(date(YEAR, 3, 6)):
        values = Renewal.objects.get(pk=renewal.pk).profile["residence"]
        services.renewal_section_save(
            renewal=renewal, user=holder, section="residence", values=values
        )
        assert services.renewal_checkout(renewal=renewal, user=holder) is None
    with clock.frozen_at(date(YEAR, 3, 7)):
        services.renewal_approve(renewal=renewal, actor=cert_staff)

    events = list(renewal.events.order_by("pk").values_list("verb", "actor_id", "reason"))
    assert [(verb, actor) for verb, actor, _ in events] == [
        ("started", holder.pk),
        ("employment_requested", holder.pk),
        ("signed", holder.pk),
        ("submitted", None),  # by the payment's confirmation
        ("drawn", None),
        ("returned", cert_staff.pk),
        ("resubmitted", holder.pk),
        ("approved", cert_staff.pk),
    ]
    assert events[5][2] == "Thank you."
    assert renewal.events.get(verb="drawn").to_state == "not_selected"
    # The first submission says the money was received; the resubmission took none.
    first, again = OutboxMessage.objects.filter(template="renewal_submitted").order_by("pk")
    assert "is submitted and your payment of $15.00 is received." in first.text
    assert "is submitted." in again.text and "payment" not in again.text


def test_the_returned_email_names_each_correction_and_the_section_to_confirm_again(
    cert, cert_staff
):
    renewal = _submitted(cert)
    ethics, _, general = renewal.ceus.order_by("pk")
    with clock.frozen_at(date(YEAR, 3, 5)):
        services.renewal_return(
            renewal=renewal,
            actor=cert_staff,
            corrections=[
                services.Correction("field", "Give your street address.", field_name="city"),
                services.Correction("ceu", "Give the full name of the provider.", ceu_id=ethics.pk),
                services.Correction("document", "The scan is cut off.", ceu_id=general.pk),
            ],
        )
    renewal = Renewal.objects.get(pk=renewal.pk)
    assert renewal.status == R.RETURNED
    assert renewal.corrections.count() == 3
    assert renewal.sections_reviewed == ["personal", "education", "employment"]
    text = OutboxMessage.objects.get(template="renewal_returned").text
    assert "- City: Give your street address." in text
    assert "- CEU “ethics course”: Give the full name of the provider." in text
    assert "- CEU “general course” (document): The scan is cut off." in text


@pytest.mark.parametrize(
    ("wrong", "message"),
    [
        ("blank", "each with what to fix"),
        ("another renewal's CEU", "not on this renewal"),
        ("no field named", "must name the field"),
    ],
)
def test_a_return_that_cannot_be_followed_is_refused_and_nothing_written(
    cert, cert_staff, wrong, message
):
    renewal = _submitted(cert)
    valid = services.Correction("ceu", "Give the date.", ceu_id=renewal.ceus.first().pk)
    if wrong == "blank":
        bad = services.Correction("field", "  ", field_name="city")
    elif wrong == "another renewal's CEU":
        elsewhere = ready_renewal(certified(cert_staff)).ceus.first()
        bad = services.Correction("ceu", "Give the date.", ceu_id=elsewhere.pk)
    else:
        bad = services.Correction("field", "Give your street address.")
    with clock.frozen_at(date(YEAR, 3, 5)), pytest.raises(RuleViolation, match=message):
        services.renewal_return(renewal=renewal, actor=cert_staff, corrections=[valid, bad])
    renewal = Renewal.objects.get(pk=renewal.pk)
    assert renewal.status == R.SUBMITTED and not renewal.corrections.exists()
    assert not OutboxMessage.objects.filter(template="renewal_returned").exists()


@pytest.mark.parametrize(
    ("on", "description", "cents"),
    [
        (date(YEAR, 3, 2), "Renewal 2027 of {number}", "$15.00"),
        (date(YEAR, 7, 2), "Renewal 2027 of {number} (late: renewal and late fee)", "$40.00"),
    ],
)
def test_the_receipt_says_whether_the_renewal_fee_was_late(cert, on, description, cents):
    _seed("0")
    renewal = ready_renewal(cert, on=on)
    pay_and_submit(renewal, on=on)
    receipt = OutboxMessage.objects.get(template="payment_received").text
    assert f"- {description.format(number=cert.number)}: {cents}" in receipt


# --- Audit documents and the draw ----------------------------------------------------------------


def test_staff_decisions_on_documents_are_in_the_history_with_the_file_kept_as_named(
    cert, cert_staff
):
    renewal = _submitted(cert, rate="1")
    assert renewal.audit_selected
    ceu = renewal.ceus.order_by("pk").first()
    long_name = "c" * 251 + ".pdf"  # the longest name an upload keeps
    with clock.frozen_at(date(YEAR, 3, 5)):
        services.ceu_document_upload(ceu=ceu, user=cert.holder, document=_pdf("transcript.pdf"))
        ceu.refresh_from_db()
        assert ceu.document_original_name == "transcript.pdf"
        services.ceu_document_review(ceu=ceu, actor=cert_staff, accepted=False, reason="Blurry")
        services.ceu_document_upload(ceu=ceu, user=cert.holder, document=_pdf(long_name))
        services.ceu_document_review(ceu=ceu, actor=cert_staff, accepted=True)
    ceu.refresh_from_db()
    assert ceu.document_original_name == long_name
    decided = renewal.events.filter(verb__startswith="document_").exclude(verb__endswith="uploaded")
    assert list(decided.order_by("pk").values_list("verb", "reason")) == [
        ("document_rejected", "CEU “ethics course”: Blurry"),
        ("document_accepted", "CEU “ethics course”"),
    ]


def test_a_draw_without_a_recorded_seed_makes_one_at_the_policy_rate(cert):
    assert not AuditSeed.objects.filter(year=YEAR).exists()
    renewal, _ = pay_and_submit(ready_renewal(cert))
    seed = AuditSeed.objects.get(year=YEAR)
    assert seed.rate == policy_get().audit_rate
    assert renewal.audit_seed_id == seed.pk and renewal.audit_rate == seed.rate
    made = AuditEvent.objects.filter(verb="audit_seed.created_at_draw", object_id=str(seed.pk))
    assert made.count() == 1


# --- The late fee and money that can no longer count ---------------------------------------------


def test_no_late_fee_checkout_when_none_is_owed(cert, cert_staff):
    renewal = _submitted(cert)
    with clock.frozen_at(date(YEAR, 3, 5)):
        with pytest.raises(RuleViolation, match="No late fee"):
            services.renewal_late_fee_checkout(renewal=renewal, user=cert.holder)
        services.renewal_approve(renewal=renewal, actor=cert_staff)
    with clock.frozen_at(date(YEAR, 7, 2)), pytest.raises(RuleViolation, match="No late fee"):
        services.renewal_late_fee_checkout(renewal=renewal, user=cert.holder)
    assert not Payment.objects.filter(reference__startswith="renewal-late:").exists()


def test_a_second_late_fee_payment_is_flagged_and_the_first_kept(cert):
    renewal = _submitted(cert, on=date(YEAR, 6, 30))
    with clock.frozen_at(date(YEAR, 7, 1)):
        late = services.renewal_late_fee_checkout(renewal=renewal, user=cert.holder)
        second = _stray(late, "cs_fake_second_late")
        fake_deliver(EventKind.PAID, late)
        fake_deliver(EventKind.PAID, second, event_id="evt_second_late")
    second.refresh_from_db()
    assert second.flagged and "late fee paid" in second.flag_reason
    assert Renewal.objects.get(pk=renewal.pk).late_fee_payment_id == late.pk


def test_money_for_a_returned_renewal_already_paid_is_flagged(cert, cert_staff):
    renewal = _submitted(cert)
    with clock.frozen_at(date(YEAR, 3, 5)):
        services.renewal_return(
            renewal=renewal,
            actor=cert_staff,
            corrections=[services.Correction("ceu", "Date?", ceu_id=renewal.ceus.first().pk)],
        )
    second = _stray(renewal.fee_payment, "cs_fake_second")
    with clock.frozen_at(date(YEAR, 3, 6)):
        fake_deliver(EventKind.PAID, second, event_id="evt_second")
    second.refresh_from_db()
    assert second.flagged and "already submitted" in second.flag_reason
    renewal = Renewal.objects.get(pk=renewal.pk)
    assert renewal.status == R.RETURNED and not renewal.events.filter(verb="resubmitted").exists()
