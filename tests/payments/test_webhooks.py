"""The Stripe webhook view, end to end with the real SDK: checkouts are created on the local
stand-in through `payment_start`, and events shaped from the stand-in's own session objects are
signed like Stripe's and posted to the view, which verifies them with `construct_event`."""

import json
from datetime import timedelta

import pytest
from django.core import mail

from lms import clock
from lms.models import AuditEvent
from payments.models import Payment, PaymentStatus, StripeEvent
from payments.services import payment_start
from payments.stripe_api import stripe_client
from tests.factories.payments import stripe_post, stripe_signature

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
DAYS_2_3_4 = [("day_fee", 2), ("day_fee", 3), ("day_fee", 4)]


@pytest.fixture
def payment(stripe_api, make_application, live_server):
    application = make_application(track="cm2")
    return payment_start(
        application=application, items=DAYS_2_3_4, user=application.user, base_url=live_server.url
    )


def _session(payment) -> dict:
    return stripe_client().v1.checkout.sessions.retrieve(payment.checkout_session_id).to_dict()


def _event(type_: str, obj: dict, event_id: str) -> dict:
    return {"id": event_id, "object": "event", "type": type_, "data": {"object": obj}}


def _completed(payment, event_id="evt_completed_1", **changes) -> dict:
    obj = _session(payment) | {"status": "complete", "payment_status": "paid"}
    obj |= {"payment_intent": "pi_test_paid"} | changes
    return _event("checkout.session.completed", obj, event_id)


def _audits(payment, verb) -> int:
    return AuditEvent.objects.filter(object_id=str(payment.pk), verb=verb).count()


def test_the_checkout_carries_our_ids(payment, live_server):
    session = _session(payment)

    assert session["id"] == payment.checkout_session_id
    assert session["url"] == payment.checkout_url
    assert (session["amount_total"], session["currency"]) == (7500, "usd")
    assert session["client_reference_id"] == str(payment.pk)
    assert session["metadata"]["payment_id"] == str(payment.pk)
    back = f"{live_server.url}/payments/{payment.pk}/return/?checkout=done"
    assert session["success_url"] == back
    assert int(payment.expires_at.timestamp()) == session["expires_at"]


@pytest.mark.parametrize(
    "forge",
    [
        pytest.param(lambda payload: stripe_signature(payload, "whsec_wrong"), id="wrong-secret"),
        pytest.param(lambda payload: "t=1,v1=" + "0" * 64, id="garbage"),
        pytest.param(lambda payload: "", id="missing"),
    ],
)
def test_a_forged_signature_is_refused_and_nothing_is_written(client, payment, forge):
    event = _completed(payment)
    payload = json.dumps(event).encode()

    response = stripe_post(client, event, signature=forge(payload))

    assert response.status_code == 400
    assert not StripeEvent.objects.exists()
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING
    assert _audits(payment, "payment.paid") == 0


def test_twenty_deliveries_one_paid_payment_one_audit_one_email(client, payment):
    event = _completed(payment)

    for _ in range(20):
        assert stripe_post(client, event).status_code == 200

    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    assert payment.payment_intent_id == "pi_test_paid"
    assert payment.paid_at is not None
    assert StripeEvent.objects.filter(stripe_id="evt_completed_1").count() == 1
    assert _audits(payment, "payment.paid") == 1
    assert [m.to for m in mail.outbox] == [[payment.application.user.email]]
    assert f"/payments/{payment.pk}/receipt/" in mail.outbox[0].body


def test_an_amount_mismatch_is_refused_and_flagged(client, payment):
    response = stripe_post(client, _completed(payment, amount_total=2500))

    assert response.status_code == 200
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING
    assert payment.flagged
    assert "25.00 USD paid but 75.00 USD was asked" in payment.flag_reason
    assert _audits(payment, "payment.flagged") == 1
    assert not mail.outbox


def test_a_currency_mismatch_is_refused_and_flagged(client, payment):
    stripe_post(client, _completed(payment, currency="eur"))

    payment.refresh_from_db()
    assert (payment.status, payment.flagged) == (PaymentStatus.PENDING, True)


def test_a_failure_after_completion_does_not_unpay(client, payment):
    failed = _event(
        "payment_intent.payment_failed",
        {
            "id": "pi_test_declined",
            "object": "payment_intent",
            "amount": 7500,
            "currency": "usd",
            "status": "requires_payment_method",
            "metadata": {"payment_id": str(payment.pk)},
        },
        "evt_failed_late",
    )

    assert stripe_post(client, _completed(payment)).status_code == 200
    assert stripe_post(client, failed).status_code == 200

    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    assert payment.payment_intent_id == "pi_test_paid"
    assert StripeEvent.objects.get(stripe_id="evt_failed_late").processed_at is not None


def test_a_completion_after_expiry_stays_expired_and_is_flagged(client, payment):
    expired = _event(
        "checkout.session.expired", _session(payment) | {"status": "expired"}, "evt_expired_1"
    )

    assert stripe_post(client, expired).status_code == 200
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.EXPIRED

    assert stripe_post(client, _completed(payment)).status_code == 200

    payment.refresh_from_db()
    assert payment.status == PaymentStatus.EXPIRED
    assert payment.flagged
    assert "after the checkout expired" in payment.flag_reason
    assert _audits(payment, "payment.flagged") == 1
    (told,) = mail.outbox  # no receipt: the applicant is told the payment could not be used
    assert "arrived after the checkout closed" in told.subject


def test_an_unknown_session_is_stored_and_ignored(client, payment):
    event = _completed(payment, id="cs_test_someone_elses", metadata={}, client_reference_id=None)

    response = stripe_post(client, event)

    assert response.status_code == 200
    stored = StripeEvent.objects.get(stripe_id="evt_completed_1")
    assert stored.processed_at is not None
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING
    assert Payment.objects.filter(status=PaymentStatus.PAID).count() == 0


def test_a_redelivered_mismatch_is_flagged_once(client, payment):
    """Stripe redelivers an event until it gets a 200, and sometimes after: the mismatch is
    flagged for staff once, not once per delivery."""
    event = _completed(payment, amount_total=2500)

    for _ in range(3):
        assert stripe_post(client, event).status_code == 200

    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING
    assert payment.flag_reason.count("25.00 USD paid but 75.00 USD was asked") == 1
    assert _audits(payment, "payment.flagged") == 1
    stored = StripeEvent.objects.get(stripe_id="evt_completed_1")
    assert stored.processed_at is not None


def test_a_second_payment_for_a_paid_day_is_flagged(
    client, stripe_api, make_application, live_server
):
    """Two checkouts for Day 2 (the first timed out on our side, then both were paid on Stripe):
    the second is taken as paid, since the money was taken, and flagged for staff."""
    application = make_application(track="cm2")
    start = {"application": application, "user": application.user, "base_url": live_server.url}
    first = payment_start(items=[("day_fee", 2)], **start)
    Payment.objects.filter(pk=first.pk).update(expires_at=clock.now() - timedelta(seconds=1))
    second = payment_start(items=[("day_fee", 2)], **start)
    assert second.checkout_session_id != first.checkout_session_id

    assert stripe_post(client, _completed(first, "evt_first")).status_code == 200
    assert (
        stripe_post(client, _completed(second, "evt_second", payment_intent="pi_2")).status_code
        == 200
    )

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.flagged) == (PaymentStatus.PAID, False)
    assert (second.status, second.flagged) == (PaymentStatus.PAID, True)
    assert "Day 2 had already been paid" in second.flag_reason
    assert _audits(second, "payment.flagged") == 1
