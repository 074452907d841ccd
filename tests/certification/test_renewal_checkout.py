"""The renewal's checkout at its edges (spec section 4: pay and submit are one step, never "paid
but not submitted"): a checkout that crosses Jun 30 / Jul 1 keeps its price, one that could be
paid after Dec 30 is never opened, money after termination is flagged and mailed; while a checkout
is open the renewal cannot change, at every entrance, until the holder cancels it; a confirmation
delivered twice submits once and sends each notice once."""

from datetime import date, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from certification.models import AuditSeed, Renewal, RenewalEvent, RenewalStatus
from certification.selectors.renewals import late_fee_owed_cents
from certification.services import renewals as services
from enrollment.rules import RuleViolation
from lms import clock
from lms.models import OutboxMessage
from payments.models import Payment, PaymentStatus
from payments.providers import EventKind
from payments.providers.fake import FakeProvider
from tests.factories.certification import YEAR, certified, ready_renewal
from tests.factories.payments import fake_deliver
from tests.samples import pdf_bytes

pytestmark = pytest.mark.django_db

R = RenewalStatus
P = PaymentStatus


def at(month, day, hour=12, minute=0, year=YEAR):
    return datetime(year, month, day, hour, minute, tzinfo=clock.LOCAL_TZ)


@pytest.fixture(autouse=True)
def _fake(settings):
    settings.PAYMENT_PROVIDER = "fake"
    AuditSeed.objects.create(year=YEAR, seed="not-drawn", rate="0")
    FakeProvider.expired_sessions.clear()
    yield
    FakeProvider.expired_sessions.clear()


def _start(renewal, moment):
    with clock.frozen_at(moment):
        return services.renewal_checkout(renewal=renewal, user=renewal.certification.holder)


def _deliver(payment, moment, **fields):
    with clock.frozen_at(moment):
        fake_deliver(EventKind.PAID, payment, **fields)
    payment.refresh_from_db()
    return Renewal.objects.get(pk=payment.reference.split(":")[1])


# --- Jun 30 / Jul 1: the price fixed when the checkout started stays the price ------------------


@pytest.mark.parametrize(
    ("started", "paid", "cents", "late_fee_owed_jul_2"),
    [
        (at(6, 30, 23, 59), at(6, 30, 23, 59), 1500, 2500),  # on time; unapproved Jun 30 → $25
        (at(6, 30, 23, 59), at(7, 1, 0, 0), 1500, 2500),  # crosses midnight: still $15, then $25
        (at(6, 30, 23, 59), at(7, 1, 0, 20), 1500, 2500),
        (at(7, 1, 0, 0), at(7, 1, 0, 0), 4000, 0),  # late: $40 at once, nothing more
    ],
)
def test_a_checkout_across_june_30_submits_at_its_price(
    cert, started, paid, cents, late_fee_owed_jul_2
):
    renewal = ready_renewal(cert, on=date(YEAR, 6, 29))
    payment = _start(renewal, started)
    assert payment.amount_cents == cents
    renewal = _deliver(payment, paid)
    assert payment.status == P.PAID and not payment.flagged
    assert renewal.status == R.SUBMITTED
    assert renewal.fee_cents == cents and renewal.fee_payment_id == payment.pk
    # Dated the day the holder pressed "pay and submit", which fixed the price.
    assert renewal.first_submitted_on == started.date()
    assert late_fee_owed_cents(renewal, date(YEAR, 7, 2)) == late_fee_owed_jul_2
    assert not OutboxMessage.objects.filter(template="payment_after_close").exists()


# --- Dec 30 / Dec 31: no checkout that could take money after late renewals close -------------


@pytest.mark.parametrize(
    ("started", "opened"),
    [
        (at(12, 30, 12, 0), True),
        (at(12, 30, 23, 29), True),  # closes 23:59, inside the window
        (at(12, 30, 23, 30), True),  # closes at midnight exactly
        (at(12, 30, 23, 31), False),  # would be payable on Dec 31
        (at(12, 30, 23, 59), False),
    ],
)
def test_a_checkout_that_would_outlive_december_30_is_never_opened(cert, started, opened):
    renewal = ready_renewal(cert, on=date(YEAR, 12, 29))
    if opened:
        payment = _start(renewal, started)
        assert payment.status == P.PENDING and payment.amount_cents == 4000
        assert payment.expires_at <= clock.local_midnight(date(YEAR, 12, 31))
        return
    with pytest.raises(RuleViolation, match="close at midnight tonight"):
        _start(renewal, started)
    payment = Payment.objects.get(reference=f"renewal:{renewal.pk}")
    # Closed at the provider and here; the row stays so money that still arrives is recorded.
    assert payment.status == P.EXPIRED
    assert FakeProvider.expired_sessions == [payment.checkout_session_id]
    assert Renewal.objects.get(pk=renewal.pk).status == R.DRAFT


@pytest.mark.parametrize(
    ("started", "confirmed", "submitted"),
    [
        (at(12, 30, 12, 0), at(12, 30, 12, 10), True),
        # Paid by the end of Dec 30 (its checkout closed at 12:30), confirmed late on Dec 31.
        (at(12, 30, 12, 0), at(12, 31, 0, 0), True),
        # Its checkout closed at midnight exactly: still paid by the end of Dec 30.
        (at(12, 30, 23, 30), at(12, 31, 0, 5), True),
        # Confirmed after the Jan 1 termination: the renewal can no longer be submitted.
        (at(12, 30, 12, 0), at(1, 1, 0, 5, year=YEAR + 1), False),
        (at(12, 30, 12, 0), at(1, 3, 9, 0, year=YEAR + 1), False),
    ],
)
def test_a_december_30_checkout_confirmed_later(cert, started, confirmed, submitted):
    renewal = ready_renewal(cert, on=date(YEAR, 12, 29))
    payment = _start(renewal, started)
    renewal = _deliver(payment, confirmed)
    mailed = OutboxMessage.objects.filter(
        template="payment_after_close", recipients=[cert.holder.email]
    ).count()
    if submitted:
        assert renewal.status == R.SUBMITTED and payment.status == P.PAID
        assert renewal.first_submitted_on == date(YEAR, 12, 30)
        assert not payment.flagged and mailed == 0
    else:
        assert renewal.status == R.DRAFT and renewal.first_submitted_on is None
        assert payment.status == P.PENDING and payment.flagged
        assert f"renewals of {YEAR} have closed" in payment.flag_reason
        assert mailed == 1


def test_money_on_a_checkout_the_provider_could_not_close_is_flagged_and_mailed(cert):
    """A payment that still arrives for a checkout refused at 23:45 (say the provider had not
    closed it) is recorded, flagged and the holder told; nothing is submitted."""
    renewal = ready_renewal(cert, on=date(YEAR, 12, 29))
    with pytest.raises(RuleViolation):
        _start(renewal, at(12, 30, 23, 45))
    payment = Payment.objects.get(reference=f"renewal:{renewal.pk}")
    Payment.objects.filter(pk=payment.pk).update(status=P.PENDING)  # as if never closed
    renewal = _deliver(payment, at(12, 31, 0, 5), payment_intent_id="pi_late")
    assert renewal.status == R.DRAFT
    assert payment.status == P.PENDING and payment.flagged
    assert payment.payment_intent_id == "pi_late"
    assert OutboxMessage.objects.filter(template="payment_after_close").count() == 1


def test_money_on_a_checkout_the_provider_could_not_close_still_submits_before_midnight(cert):
    """The same checkout paid at 23:50 on Dec 30, while late renewals are still accepted: the
    money counts and the renewal is submitted, though its checkout would have outlived Dec 30."""
    renewal = ready_renewal(cert, on=date(YEAR, 12, 29))
    with pytest.raises(RuleViolation):
        _start(renewal, at(12, 30, 23, 45))
    payment = Payment.objects.get(reference=f"renewal:{renewal.pk}")
    Payment.objects.filter(pk=payment.pk).update(status=P.PENDING)  # as if never closed
    renewal = _deliver(payment, at(12, 30, 23, 50))
    assert payment.status == P.PAID and not payment.flagged
    assert renewal.status == R.SUBMITTED and renewal.first_submitted_on == date(YEAR, 12, 30)


# --- While a checkout is open the renewal cannot change ----------------------------------------

NOW = at(3, 2, 12, 0)


@pytest.fixture
def paying(cert):
    """A ready renewal whose fee checkout the holder opened at NOW."""
    renewal = ready_renewal(cert, on=date(YEAR, 3, 1))
    payment = _start(renewal, NOW)
    return Renewal.objects.get(pk=renewal.pk), payment


def _ceu_post(**extra):
    return {
        "category": "general",
        "title": "A new course",
        "provider": "ODMHSAS",
        "provider_type": "other",
        "unit": "ceu_hours",
        "hours": "2",
        "completed_on": "2026-10-01",
        **extra,
    }


def _section_post(renewal, section):
    """What the section form holds, as posted (booleans unticked are left out)."""
    data = {k: v for k, v in renewal.profile[section].items() if v not in (None, False)}
    if section == "education" and not data.get("degree"):
        data["degree_other"] = data.get("degree_other") or "Social work"
        data["institution"] = data.get("institution") or "East Central University"
    return data


def _entrances(renewal):
    """Every way the holder changes a renewal: (what, url, data)."""
    pk, first = renewal.pk, renewal.ceus.order_by("pk").first()
    pdf = SimpleUploadedFile("c.pdf", pdf_bytes(), content_type="application/pdf")
    sections = [
        (f"section {s}", reverse("certification:renewal-section", args=[pk, s]), None)
        for s in ("personal", "residence", "education", "employment")
    ]
    return [
        *sections,
        ("CEU add", reverse("certification:renewal-ceus", args=[pk]), _ceu_post()),
        (
            "CEU edit",
            reverse("certification:renewal-ceu-edit", args=[pk, first.pk]),
            _ceu_post(title="Renamed"),
        ),
        ("CEU delete", reverse("certification:renewal-ceu-delete", args=[pk, first.pk]), {}),
        (
            "document upload",
            reverse("certification:renewal-document", args=[pk, first.pk]),
            {"document": pdf},
        ),
        (
            "signature",
            reverse("certification:renewal-sign", args=[pk]),
            {"signed_name": "Someone Else", "attested": "on"},
        ),
        ("employment request", reverse("certification:renewal-employment", args=[pk]), {}),
    ]


def _snapshot(renewal):
    renewal = Renewal.objects.get(pk=renewal.pk)
    ceus = list(
        renewal.ceus.order_by("pk").values_list("pk", "title", "hours", "document_storage_name")
    )
    return (
        renewal.profile,
        renewal.sections_reviewed,
        renewal.signed_name,
        renewal.signed_at,
        renewal.verification_id,
        ceus,
    )


def test_every_edit_is_refused_while_the_checkout_is_open(client, paying):
    renewal, payment = paying
    client.force_login(renewal.certification.holder)
    before = _snapshot(renewal)
    with clock.frozen_at(NOW + timedelta(minutes=5)):
        for what, url, data in _entrances(renewal):
            if data is None:  # a section form: post what it holds
                data = _section_post(renewal, url.rstrip("/").rsplit("/", 1)[1])
            response = client.post(url, data, follow=True)
            assert "Your payment for this renewal is open" in response.text, what
            assert _snapshot(renewal) == before, what
        page = client.get(reverse("certification:renewal-detail", args=[renewal.pk]))
    assert 'id="checkout-open"' in page.text and payment.checkout_url in page.text
    assert 'id="checkout-cancel"' in page.text


def test_cancelling_the_checkout_closes_it_at_the_provider_and_unlocks_the_renewal(client, paying):
    renewal, payment = paying
    client.force_login(renewal.certification.holder)
    url = reverse("certification:renewal-ceus", args=[renewal.pk])
    with clock.frozen_at(NOW + timedelta(minutes=5)):
        response = client.post(
            reverse("certification:renewal-checkout-cancel", args=[renewal.pk]), follow=True
        )
        assert "Payment cancelled" in response.text
        assert 'id="checkout-open"' not in response.text
        client.post(url, _ceu_post(title="Added after cancelling"))
    payment.refresh_from_db()
    assert payment.status == P.EXPIRED
    assert FakeProvider.expired_sessions == [payment.checkout_session_id]
    assert renewal.ceus.filter(title="Added after cancelling").exists()
    assert RenewalEvent.objects.filter(renewal=renewal, verb="checkout_cancelled").count() == 1
    # The money of the cancelled checkout, should it still arrive, submits nothing.
    renewal = _deliver(payment, NOW + timedelta(minutes=6))
    assert renewal.status == R.DRAFT and payment.flagged


def test_cancelling_a_checkout_paid_in_another_tab_submits_the_renewal(client, paying):
    """Paid in one tab, its webhook not yet here, Cancel pressed in another: the money is not
    written off; the provider says it was paid, so the renewal is submitted and the holder told."""
    renewal, payment = paying
    client.force_login(renewal.certification.holder)
    FakeProvider.pay_without_event(payment)
    with clock.frozen_at(NOW + timedelta(minutes=5)):
        response = client.post(
            reverse("certification:renewal-checkout-cancel", args=[renewal.pk]), follow=True
        )
    assert "Your payment had already gone through" in response.text
    assert "Payment cancelled" not in response.text
    payment.refresh_from_db()
    assert payment.status == P.PAID and not payment.flagged
    assert Renewal.objects.get(pk=renewal.pk).status == R.SUBMITTED
    assert FakeProvider.expired_sessions == []
    assert not RenewalEvent.objects.filter(renewal=renewal, verb="checkout_cancelled").exists()
    # Its webhook, when it arrives, submits nothing more and sends no second receipt.
    _deliver(payment, NOW + timedelta(minutes=6))
    assert OutboxMessage.objects.filter(template="payment_received").count() == 1


def test_another_holder_cannot_cancel_the_checkout(client, paying, cert_staff):
    renewal, payment = paying
    client.force_login(certified(cert_staff).holder)
    with clock.frozen_at(NOW + timedelta(minutes=5)):
        response = client.post(reverse("certification:renewal-checkout-cancel", args=[renewal.pk]))
    assert response.status_code == 404
    payment.refresh_from_db()
    assert payment.status == P.PENDING and FakeProvider.expired_sessions == []


def test_edits_open_again_once_the_checkout_has_expired(paying):
    renewal, _ = paying
    with clock.frozen_at(NOW + timedelta(minutes=31)):
        services.renewal_sign(
            renewal=renewal, user=renewal.certification.holder, signed_name="D W", attested=True
        )
    assert Renewal.objects.get(pk=renewal.pk).signed_name == "D W"


# --- A confirmation delivered twice: one submission, each notice once --------------------------


@pytest.mark.parametrize("drawn", [False, True])
def test_a_confirmation_delivered_twice_submits_once_and_mails_once(cert, drawn):
    AuditSeed.objects.filter(year=YEAR).update(seed="all", rate="1" if drawn else "0")
    renewal = ready_renewal(cert, on=date(YEAR, 3, 1))
    payment = _start(renewal, NOW)
    OutboxMessage.objects.all().delete()
    with clock.frozen_at(NOW + timedelta(minutes=2)):
        fake_deliver(EventKind.PAID, payment, event_id="evt_paid")
        fake_deliver(EventKind.PAID, payment, event_id="evt_paid")  # the same event again
        fake_deliver(EventKind.PAID, payment, event_id="evt_paid_other")  # another event for it
    renewal = Renewal.objects.get(pk=renewal.pk)
    assert renewal.status == R.SUBMITTED and renewal.audit_selected is drawn
    assert RenewalEvent.objects.filter(renewal=renewal, verb="submitted").count() == 1
    assert RenewalEvent.objects.filter(renewal=renewal, verb="drawn").count() == 1
    sent = list(OutboxMessage.objects.values_list("template", flat=True))
    assert sorted(sent) == ["payment_received", "renewal_submitted"]
    submitted = OutboxMessage.objects.get(template="renewal_submitted")
    assert ("randomly selected" in submitted.text) is drawn
    payment.refresh_from_db()
    assert payment.status == P.PAID and not payment.flagged
