"""Renewal services at the edges: fees with and without the exemption, Jun 30 / Jul 1, the late
fee after an on-time submission approved in July and its waiver, pay twice → one submission,
money for a closed renewal flagged, refusals that change nothing, the audit draw, approval."""

from datetime import date

import pytest

from certification.models import AuditSeed, Renewal, RenewalEvent, RenewalStatus
from certification.renewal_rules import is_audit_selected
from certification.selectors.renewals import approval_problems, renewal_invariant_problems
from certification.services import renewals as services
from enrollment.rules import RuleViolation
from lms import clock
from lms.models import OutboxMessage
from payments.models import Payment, PaymentStatus
from payments.providers import EventKind
from tests.factories.certification import YEAR, certified, ceu, pay_and_submit, ready_renewal
from tests.factories.enrollment import confirm_employee
from tests.factories.payments import fake_deliver

pytestmark = pytest.mark.django_db

R = RenewalStatus


@pytest.fixture(autouse=True)
def _fake(settings):
    settings.PAYMENT_PROVIDER = "fake"


def _no_draw(seed_text="not-drawn"):
    """A seed under which BHCM numbers are not drawn at rate 0."""
    AuditSeed.objects.update_or_create(year=YEAR, defaults={"seed": seed_text, "rate": "0"})


def _always_drawn():
    AuditSeed.objects.update_or_create(year=YEAR, defaults={"seed": "all", "rate": "1"})


@pytest.mark.parametrize(
    ("on", "employee", "cents"),
    [
        (date(2027, 1, 1), False, 1500),
        (date(2027, 6, 30), False, 1500),
        (date(2027, 7, 1), False, 4000),
        (date(2027, 12, 30), False, 4000),
        (date(2027, 6, 30), True, None),  # exempt: submitted at once, no payment
        (date(2027, 7, 1), True, 2500),
    ],
)
def test_fee_at_submission(cert, on, employee, cents):
    _no_draw()
    if employee:
        app = cert.application
        app.odmhsas_employee = True
        app.save(update_fields=["odmhsas_employee"])
        confirm_employee(app)
    renewal = ready_renewal(cert, on=on)
    with clock.frozen_at(on):
        payment = services.renewal_checkout(renewal=renewal, user=cert.holder)
    renewal.refresh_from_db()
    if cents is None:
        assert payment is None
        assert renewal.status == R.SUBMITTED and renewal.fee_cents == 0
    else:
        assert payment.amount_cents == cents
        assert renewal.status == R.DRAFT  # not submitted until the money is confirmed
        with clock.frozen_at(on):
            fake_deliver(EventKind.PAID, payment)
        renewal.refresh_from_db()
        assert renewal.status == R.SUBMITTED
        assert renewal.fee_cents == cents and renewal.fee_payment_id == payment.pk
        assert renewal.first_submitted_on == on


def test_checkout_before_jan_1_and_after_dec_30_is_refused(cert):
    with clock.frozen_at(date(2026, 12, 31)), pytest.raises(RuleViolation, match="opens"):
        services.renewal_start(certification=cert, user=cert.holder)
    renewal = ready_renewal(cert, on=date(2027, 12, 30))
    with clock.frozen_at(date(2027, 12, 31)), pytest.raises(RuleViolation, match="not accepted"):
        services.renewal_checkout(renewal=renewal, user=cert.holder)
    assert Payment.objects.filter(reference__startswith="renewal").count() == 0


def test_not_ready_is_refused_and_nothing_written(cert):
    with clock.frozen_at(date(2027, 3, 1)):
        renewal = services.renewal_start(certification=cert, user=cert.holder)
        ceu(renewal, "ethics", "1")
        with pytest.raises(RuleViolation) as refused:
            services.renewal_checkout(renewal=renewal, user=cert.holder)
    text = str(refused.value)
    assert "Review and confirm" in text and "CEU hours still missing" in text and "Sign" in text
    assert not Payment.objects.exists()
    renewal.refresh_from_db()
    assert renewal.status == R.DRAFT


def test_another_holder_cannot_touch_the_renewal(cert, cert_staff):
    other = certified(cert_staff)
    with clock.frozen_at(date(2027, 3, 1)):
        renewal = services.renewal_start(certification=cert, user=cert.holder)
        with pytest.raises(RuleViolation):
            services.renewal_start(certification=cert, user=other.holder)
        with pytest.raises(RuleViolation):
            services.renewal_sign(
                renewal=renewal, user=other.holder, signed_name="X", attested=True
            )
    renewal.refresh_from_db()
    assert renewal.signed_at is None


def test_paying_twice_submits_once_and_flags_the_second(cert):
    _no_draw()
    renewal = ready_renewal(cert)
    with clock.frozen_at(date(2027, 3, 2)):
        first = services.renewal_checkout(renewal=renewal, user=cert.holder)
        again = services.renewal_checkout(renewal=renewal, user=cert.holder)
        assert first.pk == again.pk  # the same open checkout
        fake_deliver(EventKind.PAID, first)
        fake_deliver(EventKind.PAID, first, event_id="evt_redelivered")
    renewal.refresh_from_db()
    assert renewal.status == R.SUBMITTED
    assert RenewalEvent.objects.filter(renewal=renewal, verb="submitted").count() == 1
    # A second checkout cannot even start: the renewal is submitted
    with clock.frozen_at(date(2027, 3, 3)), pytest.raises(RuleViolation):
        services.renewal_checkout(renewal=renewal, user=cert.holder)


def test_money_for_an_already_submitted_renewal_is_flagged(cert):
    _no_draw()
    renewal = ready_renewal(cert)
    with clock.frozen_at(date(2027, 3, 2)):
        first = services.renewal_checkout(renewal=renewal, user=cert.holder)
    # A stray second checkout for the same renewal (e.g. opened in another tab before a fix)
    second = Payment.objects.create(
        application=first.application,
        provider="fake",
        amount_cents=first.amount_cents,
        reference=first.reference,
        checkout_session_id="cs_fake_second",
    )
    with clock.frozen_at(date(2027, 3, 2)):
        fake_deliver(EventKind.PAID, first)
        fake_deliver(EventKind.PAID, second, event_id="evt_second")
    second.refresh_from_db()
    assert second.status == PaymentStatus.PENDING and second.flagged
    assert "already submitted" in second.flag_reason
    assert OutboxMessage.objects.filter(template="payment_after_close").exists()


def test_money_after_the_renewal_closed_is_flagged_and_submits_nothing(cert):
    renewal = ready_renewal(cert, on=date(2027, 12, 30))
    with clock.frozen_at(date(2027, 12, 30)):
        payment = services.renewal_checkout(renewal=renewal, user=cert.holder)
    # (Confirmed on Dec 31 it still counts: its checkout closed on Dec 30, so it was paid then.)
    with clock.frozen_at(date(2028, 1, 1)):
        fake_deliver(EventKind.PAID, payment)
    payment.refresh_from_db()
    renewal.refresh_from_db()
    assert payment.flagged and payment.status != PaymentStatus.PAID
    assert renewal.status == R.DRAFT


def _approvable(cert, on=date(2027, 3, 2)):
    _no_draw()
    renewal = ready_renewal(cert)
    renewal, _ = pay_and_submit(renewal, on=on)
    return renewal


def test_approve_renews_through_next_june_30(cert, cert_staff):
    renewal = _approvable(cert)
    with clock.frozen_at(date(2027, 3, 5)):
        services.renewal_approve(renewal=renewal, actor=cert_staff)
    cert.refresh_from_db()
    renewal.refresh_from_db()
    assert renewal.status == R.APPROVED
    assert cert.valid_through == date(2028, 6, 30)
    assert cert.events.filter(verb="renewed").exists()
    assert OutboxMessage.objects.filter(
        template="certificate_renewed", subject__contains="ready to print"
    ).exists()
    assert renewal_invariant_problems() == []


def test_late_fee_after_on_time_submission_approved_in_july(cert, cert_staff):
    renewal = _approvable(cert, on=date(2027, 6, 30))
    with clock.frozen_at(date(2027, 7, 1)):
        assert "The late fee is owed" in " ".join(approval_problems(renewal, clock.today()))
        with pytest.raises(RuleViolation, match="late fee"):
            services.renewal_approve(renewal=renewal, actor=cert_staff)
    renewal.refresh_from_db()
    cert.refresh_from_db()
    assert renewal.status == R.SUBMITTED and cert.valid_through == date(2027, 6, 30)
    with clock.frozen_at(date(2027, 7, 1)):
        late = services.renewal_late_fee_checkout(renewal=renewal, user=cert.holder)
        assert late.amount_cents == 2500
        fake_deliver(EventKind.PAID, late)
        services.renewal_approve(renewal=renewal, actor=cert_staff)
    renewal.refresh_from_db()
    assert renewal.status == R.APPROVED and renewal.late_fee_payment_id == late.pk


def test_on_time_and_approved_by_june_30_owes_no_late_fee(cert, cert_staff):
    renewal = _approvable(cert, on=date(2027, 6, 29))
    with clock.frozen_at(date(2027, 6, 30)):
        services.renewal_approve(renewal=renewal, actor=cert_staff)
    assert Renewal.objects.get(pk=renewal.pk).status == R.APPROVED


def test_staff_waive_the_late_fee_with_a_reason(cert, cert_staff):
    renewal = _approvable(cert, on=date(2027, 6, 20))
    with clock.frozen_at(date(2027, 7, 2)):
        with pytest.raises(RuleViolation, match="reason"):
            services.renewal_late_fee_waive(renewal=renewal, actor=cert_staff, reason=" ")
        services.renewal_late_fee_waive(
            renewal=renewal, actor=cert_staff, reason="Waited for our review."
        )
        services.renewal_approve(renewal=renewal, actor=cert_staff)
    renewal.refresh_from_db()
    assert renewal.status == R.APPROVED and renewal.late_fee_waived_by == cert_staff
    assert RenewalEvent.objects.filter(renewal=renewal, verb="late_fee_waived").exists()


def test_a_late_submission_pays_40_and_owes_nothing_more(cert, cert_staff):
    renewal = _approvable(cert, on=date(2027, 7, 1))
    assert renewal.fee_cents == 4000
    with clock.frozen_at(date(2027, 7, 3)):
        services.renewal_approve(renewal=renewal, actor=cert_staff)
    cert.refresh_from_db()
    assert cert.valid_through == date(2028, 6, 30)


def test_approval_refused_without_employment_confirmed(cert, cert_staff):
    _no_draw()
    renewal = ready_renewal(cert, confirm=False)
    renewal, _ = pay_and_submit(renewal)
    with clock.frozen_at(date(2027, 3, 5)), pytest.raises(RuleViolation, match="Employment"):
        services.renewal_approve(renewal=renewal, actor=cert_staff)
    cert.refresh_from_db()
    assert cert.valid_through == date(2027, 6, 30)
    assert Renewal.objects.get(pk=renewal.pk).status == R.SUBMITTED


def test_drawn_renewal_needs_every_document_accepted(cert, cert_staff, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.samples import pdf_bytes

    _always_drawn()
    renewal = ready_renewal(cert)
    renewal, _ = pay_and_submit(renewal)
    assert renewal.audit_selected is True and len(renewal.audit_hash) == 64
    assert is_audit_selected("all", cert.number, YEAR, renewal.audit_rate)
    with clock.frozen_at(date(2027, 3, 5)), pytest.raises(RuleViolation, match="missing"):
        services.renewal_approve(renewal=renewal, actor=cert_staff)
    ceus = list(renewal.ceus.all())
    with clock.frozen_at(date(2027, 3, 6)):
        for row in ceus:
            services.ceu_document_upload(
                ceu=row,
                user=cert.holder,
                document=SimpleUploadedFile("c.pdf", pdf_bytes(), content_type="application/pdf"),
            )
        services.ceu_document_review(ceu=ceus[0], actor=cert_staff, accepted=False, reason="Blurry")
        with pytest.raises(RuleViolation, match="rejected"):
            services.renewal_approve(renewal=renewal, actor=cert_staff)
        services.ceu_document_upload(
            ceu=ceus[0],
            user=cert.holder,
            document=SimpleUploadedFile("c.pdf", pdf_bytes(), content_type="application/pdf"),
        )
        for row in ceus:
            services.ceu_document_review(ceu=row, actor=cert_staff, accepted=True)
        services.renewal_approve(renewal=renewal, actor=cert_staff)
    assert Renewal.objects.get(pk=renewal.pk).status == R.APPROVED
    assert renewal_invariant_problems() == []


def test_return_with_a_correction_then_resubmit_without_paying_again(cert, cert_staff):
    renewal = _approvable(cert)
    first_ceu = renewal.ceus.first()
    with clock.frozen_at(date(2027, 3, 5)):
        with pytest.raises(RuleViolation):
            services.renewal_return(renewal=renewal, actor=cert_staff, corrections=[])
        services.renewal_return(
            renewal=renewal,
            actor=cert_staff,
            corrections=[
                services.Correction("ceu", "Give the provider's full name.", ceu_id=first_ceu.pk)
            ],
        )
    renewal.refresh_from_db()
    assert renewal.status == R.RETURNED
    assert OutboxMessage.objects.filter(template="renewal_returned").exists()
    with clock.frozen_at(date(2027, 3, 6)):
        assert services.renewal_checkout(renewal=renewal, user=cert.holder) is None
    renewal.refresh_from_db()
    assert renewal.status == R.SUBMITTED
    assert renewal.corrections.filter(resolved_at__isnull=True).count() == 0
    assert Payment.objects.filter(reference=f"renewal:{renewal.pk}").count() == 1


def test_deny_needs_a_reason(cert, cert_staff):
    renewal = _approvable(cert)
    with pytest.raises(RuleViolation):
        services.renewal_deny(renewal=renewal, actor=cert_staff, reason="")
    services.renewal_deny(
        renewal=renewal, actor=cert_staff, reason="Not employed by a qualifying agency."
    )
    assert Renewal.objects.get(pk=renewal.pk).status == R.DENIED


def test_only_staff_decide(cert):
    renewal = _approvable(cert)
    with pytest.raises(RuleViolation):
        services.renewal_approve(renewal=renewal, actor=cert.holder)
    assert Renewal.objects.get(pk=renewal.pk).status == R.SUBMITTED


def test_events_are_append_only(cert):
    renewal = _approvable(cert)
    event = renewal.events.first()
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()


def test_invariants_find_a_renewal_approved_without_fee(cert):
    renewal = _approvable(cert)
    Renewal.objects.filter(pk=renewal.pk).update(
        status=R.APPROVED, fee_payment=None, fee_cents=1500
    )
    problems = renewal_invariant_problems()
    assert any("without its fee" in p for p in problems)
