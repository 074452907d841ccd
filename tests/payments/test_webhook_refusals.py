"""Correctly signed events that must still be refused: malformed ones (a 400 and a logged reason
that carries nothing personal) and ones signed outside the tolerance, in the past or the future.
Signatures are real HMACs over the exact payload, checked by the Stripe SDK."""

import json
import logging
import time
from datetime import UTC, datetime

import pytest
import stripe

from lms import clock
from payments.models import Payment, StripeEvent
from payments.providers import InvalidEvent
from payments.providers.stripe import SIGNATURE_TOLERANCE, StripeProvider
from payments.stripe_api import stripe_event_construct
from tests.factories.payments import stripe_post, stripe_signature

EMAIL = "jane.doe@example.org"
SESSION = {
    "id": "cs_test_1",
    "object": "checkout.session",
    "amount_total": 7500,
    "currency": "usd",
    "payment_intent": "pi_1",
    "payment_status": "paid",
    "status": "complete",
    "client_reference_id": "12",
    "customer_email": EMAIL,
    "metadata": {"payment_id": "12"},
}
INTENT = {
    "id": "pi_2",
    "object": "payment_intent",
    "amount": 7500,
    "currency": "usd",
    "receipt_email": EMAIL,
    "metadata": {"payment_id": "12"},
}


def _event(type_="checkout.session.completed", obj=SESSION, **changes):
    return {"id": "evt_1", "object": "event", "type": type_, "data": {"object": obj}} | changes


def _without(mapping, key):
    return {k: v for k, v in mapping.items() if k != key}


MALFORMED = {
    "no-id": _without(_event(), "id"),
    "id-not-a-string": _event(id=17),
    "no-type": _without(_event(), "type"),
    "no-data": _without(_event(), "data"),
    "data-a-list": _event(data=[SESSION]),
    "object-a-string": _event(data={"object": "cs_test_1"}),
    "session-without-id": _event(obj=_without(SESSION, "id")),
    "session-id-a-number": _event(obj=SESSION | {"id": 5}),
    "metadata-a-string": _event(obj=SESSION | {"metadata": "payment_id=12"}),
    "payment-id-a-list": _event(obj=SESSION | {"metadata": {"payment_id": [12]}}),
    "amount-a-string": _event(obj=SESSION | {"amount_total": "7500"}),
    "amount-a-boolean": _event(obj=SESSION | {"amount_total": True}),
    "currency-a-number": _event(obj=SESSION | {"currency": 840}),
    "session-event-about-a-customer": _event(obj={"id": "cus_1", "object": "customer"}),
    "intent-amount-an-object": _event(
        "payment_intent.payment_failed", INTENT | {"amount": {"value": 7500}}
    ),
    "intent-event-about-a-session": _event("payment_intent.payment_failed", SESSION),
}


def _parse(payload: bytes, signature: str | None = None):
    return StripeProvider().parse_event(payload, signature or stripe_signature(payload))


@pytest.mark.parametrize("event", MALFORMED.values(), ids=MALFORMED.keys())
def test_a_signed_malformed_event_is_invalid(event):
    with pytest.raises(InvalidEvent, match="malformed event"):
        _parse(json.dumps(event).encode())


@pytest.mark.parametrize("payload", [b"[1, 2]", b'"evt_1"', b"not json", b"\xff\xfe"])
def test_a_signed_payload_that_is_no_event_object_is_invalid(payload):
    with pytest.raises(InvalidEvent):
        _parse(payload)


def test_well_formed_events_still_parse():
    assert _parse(json.dumps(_event()).encode()).payment_id == 12
    failed = _parse(json.dumps(_event("payment_intent.payment_failed", INTENT)).encode())
    assert failed.payment_intent_id == "pi_2"
    customer = {"id": "c", "object": "customer"}
    other = _parse(json.dumps(_event("customer.created", customer)).encode())
    assert other.type == "customer.created"


@pytest.mark.parametrize(
    ("offset", "accepted"),
    [
        pytest.param(-SIGNATURE_TOLERANCE - 60, False, id="six-minutes-old"),
        pytest.param(-60, True, id="a-minute-old"),
        pytest.param(60, True, id="a-minute-ahead"),
        pytest.param(SIGNATURE_TOLERANCE + 60, False, id="six-minutes-ahead"),
        pytest.param(3600, False, id="an-hour-ahead"),
    ],
)
def test_the_signing_time_tolerance_applies_both_ways(offset, accepted):
    payload = json.dumps(_event()).encode()
    signature = stripe_signature(payload, at=int(time.time()) + offset)

    if accepted:
        assert _parse(payload, signature).session_id == "cs_test_1"
    else:
        with pytest.raises(InvalidEvent, match="tolerance"):
            _parse(payload, signature)


def test_an_event_signed_exactly_the_tolerance_ago_is_still_accepted():
    """Stripe's window includes its edge: five minutes old is accepted, a second more is not,
    and the log says by how much."""
    payload = json.dumps(_event()).encode()
    signed = int(time.time())
    signature = stripe_signature(payload, at=signed)

    with clock.frozen_at(datetime.fromtimestamp(signed + SIGNATURE_TOLERANCE, tz=UTC)):
        assert _parse(payload, signature).session_id == "cs_test_1"
    with clock.frozen_at(datetime.fromtimestamp(signed + SIGNATURE_TOLERANCE + 1, tz=UTC)):
        with pytest.raises(InvalidEvent, match=f"signed -{SIGNATURE_TOLERANCE + 1} s from now"):
            _parse(payload, signature)


def test_a_timestamp_added_to_the_header_does_not_hide_the_signing_time():
    """An event signed an hour ahead (prepared in advance) stays refused when a current `t=`
    is appended after its signature; a stray unreadable `t=` is refused as such, with a 400
    (never an error page the provider would retry for days)."""
    payload = json.dumps(_event()).encode()
    ahead = stripe_signature(payload, at=int(time.time()) + 3600)

    with pytest.raises(InvalidEvent, match="tolerance"):
        _parse(payload, f"{ahead},t={int(time.time())}")
    with pytest.raises(InvalidEvent, match="no timestamp"):
        _parse(payload, f" t=soon,{stripe_signature(payload)}")


def test_the_sdk_itself_refuses_a_replay_signed_before_its_window():
    """The SDK call keeps its own replay window (the provider checks the time again, both ways):
    an event signed six minutes ago is refused by the signature check, not accepted."""
    payload = json.dumps(_event()).encode()
    stale = stripe_signature(payload, at=int(time.time()) - SIGNATURE_TOLERANCE - 60)

    with pytest.raises(stripe.SignatureVerificationError, match="tolerance"):
        stripe_event_construct(payload, stale)
    assert stripe_event_construct(payload, stripe_signature(payload)).id == "evt_1"


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["session-without-id", "metadata-a-string", "data-a-list"])
def test_the_view_answers_400_logs_why_and_writes_nothing(client, caplog, name):
    with caplog.at_level(logging.WARNING, logger="payments.views"):
        response = stripe_post(client, MALFORMED[name])

    assert response.status_code == 400
    assert not StripeEvent.objects.exists()
    assert not Payment.objects.exists()
    (record,) = [r for r in caplog.records if r.name == "payments.views"]
    assert "malformed event" in record.getMessage()
    assert EMAIL not in caplog.text and "cs_test_1" not in caplog.text


@pytest.mark.django_db
def test_the_view_refuses_an_event_signed_an_hour_ahead(client, caplog):
    event = _event()
    payload = json.dumps(event).encode()
    with caplog.at_level(logging.WARNING, logger="payments.views"):
        response = stripe_post(
            client, event, signature=stripe_signature(payload, at=int(time.time()) + 3600)
        )

    assert response.status_code == 400
    assert not StripeEvent.objects.exists()
    assert "tolerance" in caplog.text
