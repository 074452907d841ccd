"""A checkout paid on the local Stripe stand-in: the real SDK creates it through
`payment_start`, the hosted page is paid over HTTP, and the stand-in's own signed webhook
reaches the live server and marks the payment paid."""

import pytest
from django.core import mail

from payments.models import Payment, PaymentStatus
from payments.services import payment_start
from payments.stripe_api import stripe_client
from tests.servers import checkout_submit, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def payment(stripe_api, make_application, live_server):
    application = make_application(track="cm1")
    return payment_start(
        application=application,
        items=[("day_fee", 1), ("day_fee", 2)],
        user=application.user,
        base_url=live_server.url,
    )


def _status(payment, wanted: str, timeout: float = 10) -> str:
    def reached():
        return Payment.objects.values_list("status", flat=True).get(pk=payment.pk) == wanted

    wait_for(reached, timeout=timeout)
    return Payment.objects.values_list("status", flat=True).get(pk=payment.pk)


def test_paying_on_the_hosted_page_marks_the_payment_paid(payment, live_server):
    status, headers, _ = checkout_submit(payment.checkout_url, action="pay")

    assert status == 303
    assert headers["Location"] == f"{live_server.url}/payments/{payment.pk}/return/?checkout=done"
    assert _status(payment, "paid") == PaymentStatus.PAID
    payment.refresh_from_db()
    session = stripe_client().v1.checkout.sessions.retrieve(payment.checkout_session_id)
    assert payment.payment_intent_id == session.payment_intent
    assert payment.paid_at is not None
    assert len(mail.outbox) == 1


def test_a_decline_then_a_payment(payment):
    status, _, body = checkout_submit(payment.checkout_url, action="decline")

    assert status == 402
    assert "Your card was declined." in body
    assert _status(payment, "failed") == PaymentStatus.FAILED

    status, _, _ = checkout_submit(payment.checkout_url, action="pay")

    assert status == 303
    assert _status(payment, "paid") == PaymentStatus.PAID
    assert len(mail.outbox) == 1


def test_an_expired_checkout_expires_the_payment(payment):
    stripe_client().v1.checkout.sessions.expire(payment.checkout_session_id)

    assert _status(payment, "expired") == PaymentStatus.EXPIRED
    assert not mail.outbox
