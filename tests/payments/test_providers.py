"""The provider interface: the registry, the fake provider, and how Stripe events are read."""

import json
import time
import urllib.request

import pytest

from payments.models import Payment, PaymentStatus, StripeEvent
from payments.providers import EventKind, InvalidEvent, ProviderUnavailable, get_provider
from payments.providers.fake import FakeProvider
from payments.providers.stripe import StripeProvider
from payments.services import payment_start
from payments.stripe_api import stripe_client
from tests.factories.payments import stripe_signature
from tests.servers import checkout_submit, free_port, wait_for


def test_the_default_provider_is_stripe(settings):
    del settings.PAYMENT_PROVIDER

    assert isinstance(get_provider(), StripeProvider)
    assert get_provider().name == "stripe"


def test_the_setting_picks_the_provider(settings):
    settings.PAYMENT_PROVIDER = "fake"

    assert isinstance(get_provider(), FakeProvider)
    assert isinstance(get_provider("stripe"), StripeProvider)


def test_an_unknown_provider_is_an_error():
    with pytest.raises(LookupError):
        get_provider("paypal")


def test_fake_events_round_trip():
    payload, signature = FakeProvider.event(
        "paid", event_id="evt_1", session_id="fake_cs_9", amount_cents=2500, currency="usd"
    )

    event = FakeProvider().parse_event(payload, signature)

    assert (event.event_id, event.kind, event.session_id) == ("evt_1", EventKind.PAID, "fake_cs_9")
    assert (event.amount_cents, event.currency) == (2500, "usd")


@pytest.mark.parametrize("signature", ["", "0" * 64, "not-hex"])
def test_fake_events_need_the_signature(signature):
    payload, _ = FakeProvider.event("paid", event_id="evt_1")

    with pytest.raises(InvalidEvent):
        FakeProvider().parse_event(payload, signature)


def _stripe_event(type_, obj, event_id="evt_test_1"):
    return {"id": event_id, "object": "event", "type": type_, "data": {"object": obj}}


def _parse(event):
    payload = json.dumps(event).encode()
    return StripeProvider().parse_event(payload, stripe_signature(payload))


SESSION = {
    "id": "cs_test_1",
    "object": "checkout.session",
    "amount_total": 7500,
    "currency": "usd",
    "payment_intent": "pi_1",
    "payment_status": "paid",
    "status": "complete",
    "client_reference_id": "12",
    "metadata": {"payment_id": "12"},
}


def test_stripe_completed_session_is_paid():
    event = _parse(_stripe_event("checkout.session.completed", SESSION))

    assert event.kind is EventKind.PAID
    assert (event.session_id, event.payment_id, event.payment_intent_id) == (
        "cs_test_1",
        12,
        "pi_1",
    )
    assert (event.amount_cents, event.currency) == (7500, "usd")
    assert event.raw["data"]["object"]["id"] == "cs_test_1"


def test_an_expanded_payment_intent_still_gives_staff_its_reference():
    """Stripe sends `payment_intent` as an object when it is expanded: its id is the reference
    staff look the payment up by in Stripe's dashboard."""
    obj = SESSION | {"payment_intent": {"id": "pi_9", "object": "payment_intent"}}

    assert _parse(_stripe_event("checkout.session.completed", obj)).payment_intent_id == "pi_9"


def test_stripe_completed_but_unsettled_is_not_paid():
    obj = SESSION | {"payment_status": "unpaid"}

    assert _parse(_stripe_event("checkout.session.completed", obj)).kind is EventKind.OTHER


def test_stripe_expired_session():
    event = _parse(_stripe_event("checkout.session.expired", SESSION | {"status": "expired"}))

    assert (event.kind, event.session_id) == (EventKind.EXPIRED, "cs_test_1")


def test_stripe_failed_intent_maps_back_by_metadata():
    intent = {
        "id": "pi_2",
        "object": "payment_intent",
        "amount": 7500,
        "currency": "usd",
        "metadata": {"payment_id": "12"},
    }

    event = _parse(_stripe_event("payment_intent.payment_failed", intent))

    assert event.kind is EventKind.FAILED
    assert (event.session_id, event.payment_id, event.payment_intent_id) == ("", 12, "pi_2")


@pytest.mark.parametrize(
    ("type_", "obj"),
    [
        ("checkout.session.completed", SESSION | {"metadata": {}, "client_reference_id": None}),
        ("checkout.session.completed", SESSION | {"metadata": {}, "client_reference_id": "ord-7"}),
        (
            "checkout.session.expired",
            SESSION | {"status": "expired", "metadata": None, "client_reference_id": None},
        ),
        (
            "payment_intent.payment_failed",
            {"id": "pi_3", "object": "payment_intent", "amount": 100, "currency": "usd"},
        ),
    ],
)
def test_an_event_for_a_checkout_made_elsewhere_on_the_account_names_no_payment(type_, obj):
    """Another product on the same Stripe account: no payment id of ours, which is no error (the
    event is stored and ignored; an error would have Stripe redeliver it for days)."""
    assert _parse(_stripe_event(type_, obj)).payment_id is None


def test_other_stripe_events_are_other():
    event = _parse(_stripe_event("customer.created", {"id": "cus_1", "object": "customer"}))

    assert event.kind is EventKind.OTHER


def test_stripe_events_need_the_webhook_secret():
    payload = json.dumps(_stripe_event("checkout.session.completed", SESSION)).encode()

    with pytest.raises(InvalidEvent):
        StripeProvider().parse_event(payload, stripe_signature(payload, "whsec_wrong"))


# --- Checkouts on the local Stripe stand-in ------------------------------------------------------


def _checkout(application, live_server):
    return payment_start(
        application=application,
        items=[("day_fee", 2), ("day_fee", 3)],
        user=application.user,
        base_url=live_server.url,
    )


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_the_stripe_checkout_shows_each_fee_once_and_stays_open_31_minutes(
    stripe_api, make_application, live_server
):
    application = make_application(track="cm2")
    payment = _checkout(application, live_server)

    with urllib.request.urlopen(payment.checkout_url, timeout=10) as response:
        page = response.read().decode()
    dollars = f"${payment.amount_cents / 100:,.2f}"
    assert page.count("<td>1</td>") == 2  # each day's fee, once
    assert f"<td>{dollars}</td>" in page and f"Pay {dollars}" in page
    session = stripe_client().v1.checkout.sessions.retrieve(payment.checkout_session_id)
    assert session.amount_total == payment.amount_cents
    assert session.customer_email == application.user.email
    assert 30.5 * 60 < session.expires_at - time.time() <= 31 * 60
    assert payment.expires_at.timestamp() == session.expires_at


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_closing_a_stripe_checkout_twice_is_quiet_and_an_unknown_one_is_refused(
    stripe_api, make_application, live_server
):
    payment = _checkout(make_application(track="cm2"), live_server)
    provider = StripeProvider()

    provider.expire_checkout(payment.checkout_session_id)
    provider.expire_checkout(payment.checkout_session_id)  # already closed: nothing to do

    status, _, body = checkout_submit(payment.checkout_url, action="pay")
    assert status == 409 and "no longer open" in body
    # Stripe tells us once; waiting for it also keeps its webhook from landing after the test.
    expired = StripeEvent.objects.filter(type="checkout.session.expired")
    assert wait_for(lambda: expired.filter(processed_at__isnull=False).count() == 1)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.EXPIRED
    with pytest.raises(ProviderUnavailable, match="refused to close"):
        provider.expire_checkout("cs_test_nobody_made")


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_read_back_a_checkout_is_paid_once_complete_and_settled(
    stripe_api, make_application, live_server
):
    """What the sweep and Cancel ask the provider: a checkout paid by card is its completion;
    one still open, or completed by a bank debit not settled yet, is not paid."""
    card = _checkout(make_application(track="cm2"), live_server)
    bank = _checkout(make_application(track="cm2"), live_server)
    provider = StripeProvider()
    assert provider.checkout_paid(card.checkout_session_id) is None  # still open

    assert checkout_submit(card.checkout_url, action="pay")[0] == 303
    assert checkout_submit(bank.checkout_url, action="pay_by_bank")[0] == 303

    event = provider.checkout_paid(card.checkout_session_id)
    assert (event.kind, event.payment_id, event.amount_cents) == (
        EventKind.PAID,
        card.pk,
        card.amount_cents,
    )
    assert event.payment_intent_id.startswith("pi_")
    assert provider.checkout_paid(bank.checkout_session_id) is None
    # Both completions are webhooks too: wait for them, so none lands after the test.
    done = StripeEvent.objects.filter(type="checkout.session.completed", processed_at__isnull=False)
    assert wait_for(lambda: done.count() == 2)
    card.refresh_from_db()
    bank.refresh_from_db()
    assert (card.status, bank.status) == (PaymentStatus.PAID, PaymentStatus.PENDING)


@pytest.mark.django_db
def test_when_stripe_cannot_be_reached_the_payer_is_told_nothing_was_charged(
    settings, make_application
):
    settings.STRIPE_API_BASE = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    settings.PAYMENT_PROVIDER = "stripe"
    application = make_application(track="cm2")

    with pytest.raises(ProviderUnavailable, match="nothing was charged"):
        payment_start(application=application, items=[("day_fee", 2)], user=application.user)
    assert not Payment.objects.exists()
    with pytest.raises(ProviderUnavailable, match="could not close"):
        StripeProvider().expire_checkout("cs_test_1")
    with pytest.raises(ProviderUnavailable, match="could not be asked"):  # not "unpaid"
        StripeProvider().checkout_paid("cs_test_1")
