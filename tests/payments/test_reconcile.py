"""Money taken whose webhook has not arrived (lost, or still on its way) is never written off:
every path that closes a checkout (the stale sweep, the owner app's cancel, the end of an
application) asks the provider first, and a checkout found paid is confirmed as its webhook would
have confirmed it, once, with one receipt; a webhook arriving after that changes nothing."""

import time
from datetime import timedelta

import pytest

from enrollment.services.expiry import applications_expire
from lms import clock
from lms.models import AuditEvent, OutboxMessage
from payments.models import Payment, PaymentStatus
from payments.providers import EventKind
from payments.providers.fake import FakeProvider
from payments.services import payment_checkout_close, payment_start, payments_expire_stale
from tests.factories.payments import fake_deliver
from tests.servers import checkout_submit, free_port, standin_running

pytestmark = pytest.mark.django_db

P = PaymentStatus
WEBHOOK_DELAY = 2.0  # seconds; the stand-in posts a webhook about a second after the event


@pytest.fixture
def started(fake_provider, make_application):
    application = make_application(track="cm1")
    return payment_start(application=application, items=[("day_fee", 1)], user=application.user)


def _receipts() -> int:
    return OutboxMessage.objects.filter(template="payment_received").count()


def _after_expiry(payment: Payment):
    return payment.expires_at + timedelta(minutes=16)


def test_the_sweep_confirms_a_checkout_paid_whose_webhook_never_came(started, make_application):
    left = payment_start(
        application=(other := make_application(track="cm1")),
        items=[("day_fee", 2)],
        user=other.user,
    )
    FakeProvider.pay_without_event(started)

    expired = payments_expire_stale(now=_after_expiry(started))

    started.refresh_from_db()
    left.refresh_from_db()
    assert (started.status, left.status) == (P.PAID, P.EXPIRED)
    assert expired == [left.pk]
    assert started.paid_at is not None and started.payment_intent_id == f"fake_pi_{started.pk}"
    assert _receipts() == 1
    paid = AuditEvent.objects.get(verb="payment.paid", object_id=str(started.pk))
    assert paid.reason == f"fake.read_back {started.checkout_session_id}:read-back"
    # The webhook, should it come after all, changes nothing and mails nothing.
    fake_deliver(EventKind.PAID, started)
    started.refresh_from_db()
    assert started.status == P.PAID and not started.flagged and _receipts() == 1


def test_a_checkout_paid_with_the_wrong_amount_is_flagged_not_confirmed(started):
    FakeProvider.pay_without_event(started, amount_cents=started.amount_cents - 1)

    payments_expire_stale(now=_after_expiry(started))

    started.refresh_from_db()
    assert started.status == P.EXPIRED and started.flagged
    assert "24.99 USD paid but 25.00 USD was asked" in started.flag_reason
    assert _receipts() == 0


def test_cancelling_a_checkout_already_paid_confirms_it(started):
    FakeProvider.pay_without_event(started)

    closed = payment_checkout_close(payment_id=started.pk, why="Given up.")

    assert closed.status == P.PAID
    started.refresh_from_db()
    assert started.status == P.PAID and _receipts() == 1
    assert FakeProvider.expired_sessions == []  # not closed: it had been paid
    assert not AuditEvent.objects.filter(verb="payment.expired", object_id=str(started.pk)).exists()


def test_money_found_when_an_application_ends_is_flagged_and_told_once(make_application, settings):
    settings.PAYMENT_PROVIDER = "fake"
    today = clock.today()
    application = make_application(
        track="cm1",
        submitted_on=today - timedelta(days=190),
        expires_on=today - timedelta(days=1),
    )
    payment = payment_start(application=application, items=[("day_fee", 1)], user=application.user)
    FakeProvider.pay_without_event(payment)

    applications_expire(today=today)

    payment.refresh_from_db()
    assert payment.status == P.EXPIRED and payment.flagged
    assert "Paid after the application is expired" in payment.flag_reason
    told = OutboxMessage.objects.filter(template="payment_after_close")
    assert told.count() == 1 and _receipts() == 0
    # Its webhook, arriving later, is the same money: not flagged or mailed again.
    fake_deliver(EventKind.PAID, payment)
    payment.refresh_from_db()
    assert payment.flag_reason.count("Paid after") == 1 and told.count() == 1


def test_a_provider_that_cannot_be_asked_leaves_the_payment_pending(settings, make_application):
    """The real SDK against a port nobody listens on: nothing is written off until it answers."""
    settings.PAYMENT_PROVIDER = "stripe"
    application = make_application(track="cm1")
    payment = Payment.objects.create(
        application=application,
        provider="stripe",
        amount_cents=2500,
        currency="usd",
        checkout_session_id="cs_test_unreachable",
        expires_at=clock.now() - timedelta(hours=1),
    )
    settings.STRIPE_API_BASE = f"http://127.0.0.1:{free_port()}"

    assert payments_expire_stale(now=clock.now()) == []

    payment.refresh_from_db()
    assert payment.status == P.PENDING


# --- On the Stripe stand-in, its webhooks going nowhere -------------------------------------------


@pytest.fixture
def no_webhooks(settings, tmp_path):
    """The stand-in, with its webhooks posted to a port nobody listens on (every one is lost)."""
    with standin_running(f"http://127.0.0.1:{free_port()}/lost/", tmp_path) as base:
        settings.STRIPE_API_BASE = base
        settings.PAYMENT_PROVIDER = "stripe"
        yield base


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("closed_by", ["sweep", "cancel"])
def test_a_payment_whose_webhook_is_lost_is_confirmed(no_webhooks, make_application, closed_by):
    application = make_application(track="cm1")
    payment = payment_start(
        application=application,
        items=[("day_fee", 1)],
        user=application.user,
        base_url="http://testserver",
    )
    status, _, _ = checkout_submit(payment.checkout_url, action="pay")
    assert status == 303
    time.sleep(WEBHOOK_DELAY)  # past the moment the stand-in posts its (lost) webhook
    payment.refresh_from_db()
    assert payment.status == P.PENDING

    if closed_by == "sweep":
        assert payments_expire_stale(now=_after_expiry(payment)) == []
    else:
        assert payment_checkout_close(payment_id=payment.pk, why="Given up.").status == P.PAID

    payment.refresh_from_db()
    assert payment.status == P.PAID and not payment.flagged
    assert payment.payment_intent_id.startswith("pi_")
    assert _receipts() == 1
