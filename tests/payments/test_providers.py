"""The provider interface: the registry, the fake provider, and how Stripe events are read."""

import json

import pytest

from payments.providers import EventKind, InvalidEvent, get_provider
from payments.providers.fake import FakeProvider
from payments.providers.stripe import StripeProvider
from tests.factories.payments import stripe_signature


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


def test_other_stripe_events_are_other():
    event = _parse(_stripe_event("customer.created", {"id": "cus_1", "object": "customer"}))

    assert event.kind is EventKind.OTHER


def test_stripe_events_need_the_webhook_secret():
    payload = json.dumps(_stripe_event("checkout.session.completed", SESSION)).encode()

    with pytest.raises(InvalidEvent):
        StripeProvider().parse_event(payload, stripe_signature(payload, "whsec_wrong"))
