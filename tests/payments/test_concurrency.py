"""Races on PostgreSQL: the same webhook delivered at the same moment, and a double click on
"Pay". Each thread has its own database connection, as concurrent requests would."""

import json
import threading
import urllib.error
import urllib.request

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse

from lms.models import AuditEvent
from payments.models import Payment, PaymentStatus, StripeEvent
from payments.providers import EventKind
from payments.providers.fake import FakeProvider
from payments.services import payment_start, webhook_receive
from tests.factories.payments import stripe_signature

pytestmark = [pytest.mark.django_db(transaction=True)]
THREADS = 8


def _together(target, n=THREADS) -> list:
    """Run `target()` in `n` threads released at once; returns results or exceptions."""
    barrier, results = threading.Barrier(n), []

    def run():
        try:
            barrier.wait()
            results.append(target())
        except Exception as exc:  # collected and asserted on by the test
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_simultaneous_deliveries_pay_once(fake_provider, make_application):
    application = make_application(track="cm2")
    payment = payment_start(application=application, items=[("day_fee", 2)], user=application.user)
    payload, signature = FakeProvider.event(EventKind.PAID, payment)

    results = _together(
        lambda: webhook_receive(provider=FakeProvider(), payload=payload, signature=signature)
    )

    assert not [r for r in results if isinstance(r, Exception)]
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    # Counted by this event's id: a stand-in webhook still in flight from an earlier test (an
    # expired checkout that names no payment of ours) may be stored beside it.
    assert StripeEvent.objects.filter(stripe_id=json.loads(payload)["id"]).count() == 1
    assert AuditEvent.objects.filter(verb="payment.paid").count() == 1
    assert len(mail.outbox) == 1


@pytest.mark.integration
def test_simultaneous_stripe_webhooks_over_http(live_server, fake_provider, make_application):
    application = make_application(track="cm1")
    payment = payment_start(application=application, items=[("day_fee", 1)], user=application.user)
    Payment.objects.filter(pk=payment.pk).update(provider="stripe")  # as if Stripe had made it
    event = {
        "id": "evt_race_1",
        "object": "event",
        "type": "checkout.session.completed",
        "data": {
            "object": {
                "id": payment.checkout_session_id,
                "object": "checkout.session",
                "amount_total": payment.amount_cents,
                "currency": "usd",
                "payment_status": "paid",
                "status": "complete",
                "payment_intent": "pi_race",
                "metadata": {"payment_id": str(payment.pk)},
            }
        },
    }
    payload = json.dumps(event).encode()
    headers = {"Content-Type": "application/json", "Stripe-Signature": stripe_signature(payload)}
    url = live_server.url + reverse("payments:stripe-webhook")

    def post():
        request = urllib.request.Request(url, data=payload, headers=headers, method="POST")
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status

    results = _together(post)

    assert results == [200] * THREADS
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    assert AuditEvent.objects.filter(verb="payment.paid", object_id=str(payment.pk)).count() == 1
    assert len(mail.outbox) == 1


def test_a_double_click_opens_one_checkout(fake_provider, make_application):
    application = make_application(track="cm2")
    items = [("day_fee", 2), ("day_fee", 3), ("day_fee", 4)]

    results = _together(
        lambda: payment_start(application=application, items=items, user=application.user).pk
    )

    assert not [r for r in results if isinstance(r, Exception)]
    assert len(set(results)) == 1
    assert Payment.objects.count() == 1
