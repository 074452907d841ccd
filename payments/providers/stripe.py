"""Stripe Checkout: a hosted page per payment, and Stripe's signed webhook events.

Each payment becomes one Checkout Session with inline `price_data` (no Prices to keep in step),
`client_reference_id` and metadata carrying our payment id, and the same id in the
PaymentIntent's metadata, so a `payment_intent.payment_failed` (which names no session) still
maps back to its payment.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import stripe

from lms import clock
from payments.providers.base import (
    CheckoutResult,
    EventKind,
    InvalidEvent,
    PaymentProvider,
    ProviderEvent,
    ProviderUnavailable,
)
from payments.stripe_api import stripe_client, stripe_event_construct

if TYPE_CHECKING:
    from payments.models import Payment

logger = logging.getLogger(__name__)

# How far a webhook's signing time may be from now, either way (Stripe's own default, 5 minutes).
SIGNATURE_TOLERANCE = stripe.Webhook.DEFAULT_TOLERANCE

# Stripe accepts 30 minutes to 24 hours; a minute more than the minimum absorbs clock skew.
CHECKOUT_LIFETIME = timedelta(minutes=31)

_SESSION_KINDS = {
    "checkout.session.completed": EventKind.PAID,
    "checkout.session.async_payment_succeeded": EventKind.PAID,
    "checkout.session.async_payment_failed": EventKind.FAILED,
    "checkout.session.expired": EventKind.EXPIRED,
}
_INTENT_KINDS = {"payment_intent.payment_failed": EventKind.FAILED}


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _id(value: Any) -> str:
    """An id field that Stripe may send as a string or, when expanded, as an object."""
    if isinstance(value, dict):
        return str(value.get("id") or "")
    return str(value or "")


class StripeProvider(PaymentProvider):
    name = "stripe"

    def create_checkout(
        self, payment: Payment, *, success_url: str, cancel_url: str
    ) -> CheckoutResult:
        """One Checkout Session for `payment`. Raises ProviderUnavailable on any Stripe error."""
        metadata = {"payment_id": str(payment.pk), "application_id": str(payment.application_id)}
        params = {
            "mode": "payment",
            "line_items": [
                {
                    "price_data": {
                        "currency": payment.currency,
                        "unit_amount": item.amount_cents,
                        "product_data": {"name": item.description},
                    },
                    "quantity": 1,
                }
                for item in payment.items.order_by("pk")
            ],
            "success_url": success_url,
            "cancel_url": cancel_url,
            "client_reference_id": str(payment.pk),
            "customer_email": payment.application.user.email,
            "metadata": metadata,
            "payment_intent_data": {"metadata": metadata},
            "expires_at": int((clock.now() + CHECKOUT_LIFETIME).timestamp()),
        }
        try:
            session = stripe_client().v1.checkout.sessions.create(params=params)
        except stripe.StripeError as exc:
            logger.warning("Stripe refused a checkout for payment %s: %s", payment.pk, exc)
            raise ProviderUnavailable(
                "The payment service is not available right now; nothing was charged. "
                "Try again in a few minutes."
            ) from exc
        expires_at = datetime.fromtimestamp(session.expires_at, tz=UTC)
        return CheckoutResult(session_id=session.id, url=session.url, expires_at=expires_at)

    def expire_checkout(self, session_id: str) -> ProviderEvent | None:
        """Expire an open Checkout Session. Stripe refuses one that is not open: then it is
        read back, a session paid meanwhile is answered as its PAID event, and only a session
        still open is an error (ProviderUnavailable)."""
        sessions = stripe_client().v1.checkout.sessions
        try:
            sessions.expire(session_id)
        except stripe.InvalidRequestError as exc:
            try:
                session = sessions.retrieve(session_id)
            except stripe.StripeError:
                session = None
            if session is not None and session.status != "open":
                return _read_back(session)
            raise ProviderUnavailable("The payment service refused to close a checkout.") from exc
        except stripe.StripeError as exc:
            logger.warning("Stripe did not expire checkout %s: %s", session_id, exc)
            raise ProviderUnavailable("The payment service could not close a checkout.") from exc
        return None

    def checkout_paid(self, session_id: str) -> ProviderEvent | None:
        """The Checkout Session retrieved: its completion event when complete and paid."""
        try:
            session = stripe_client().v1.checkout.sessions.retrieve(session_id)
        except stripe.StripeError as exc:
            logger.warning("Stripe did not answer about checkout %s: %s", session_id, exc)
            raise ProviderUnavailable("The payment service could not be asked.") from exc
        return _read_back(session)

    def parse_event(self, payload: bytes, signature: str) -> ProviderEvent:
        """Verify with the webhook secret and the signing time, check the shape of the fields
        the services read, then read them. Raises InvalidEvent with a reason fit for a log (it
        names fields, never their values)."""
        try:
            event = stripe_event_construct(payload, signature)
        except stripe.SignatureVerificationError as exc:
            raise InvalidEvent(f"bad signature: {exc}") from exc
        except (ValueError, TypeError, AttributeError) as exc:  # not JSON, or not an object
            raise InvalidEvent("the payload is not a JSON event object") from exc
        _check_signed_recently(signature, now=clock.now().timestamp())
        raw = event.to_dict()
        obj = _event_object(raw)
        metadata = obj.get("metadata") or {}
        common = {"event_id": raw["id"], "type": raw["type"], "raw": raw}
        if raw["type"] in _INTENT_KINDS:
            return ProviderEvent(
                **common,
                kind=_INTENT_KINDS[raw["type"]],
                payment_id=_int_or_none(metadata.get("payment_id")),
                amount_cents=obj.get("amount"),
                currency=obj.get("currency") or "",
                payment_intent_id=_id(obj.get("id")),
            )
        if raw["type"] not in _SESSION_KINDS:
            return ProviderEvent(**common, kind=EventKind.OTHER)
        kind = _SESSION_KINDS[raw["type"]]
        if kind is EventKind.PAID and obj.get("payment_status") != "paid":
            kind = EventKind.OTHER  # completed, but a delayed method has not settled yet
        return _session_event(common, kind, obj)


def _session_event(common: dict[str, Any], kind: EventKind, obj: dict[str, Any]) -> ProviderEvent:
    metadata = obj.get("metadata") or {}
    return ProviderEvent(
        **common,
        kind=kind,
        session_id=_id(obj.get("id")),
        payment_id=_int_or_none(metadata.get("payment_id") or obj.get("client_reference_id")),
        amount_cents=obj.get("amount_total"),
        currency=obj.get("currency") or "",
        payment_intent_id=_id(obj.get("payment_intent")),
    )


def _read_back(session: Any) -> ProviderEvent | None:
    """A Checkout Session retrieved from Stripe, read as the `checkout.session.completed` event
    its completion sent (its id marked as read back): only when it is complete and paid."""
    obj = session.to_dict()
    if obj.get("status") != "complete" or obj.get("payment_status") != "paid":
        return None
    common = {"event_id": f"{obj['id']}:read-back", "type": "checkout.session.completed"}
    return _session_event(common | {"raw": obj}, EventKind.PAID, obj)


def _check_signed_recently(signature: str, *, now: float) -> None:
    """The SDK refuses signatures older than its tolerance; this refuses them from the future
    too (a clock far ahead, or a replay prepared in advance), both ways by the same tolerance."""
    stamps = [part[2:] for part in signature.split(",") if part.strip().startswith("t=")]
    try:
        signed_at = int(stamps[0].strip())
    except (IndexError, ValueError):
        raise InvalidEvent("bad signature: no timestamp") from None
    if abs(now - signed_at) > SIGNATURE_TOLERANCE:
        raise InvalidEvent(
            f"bad signature: signed {signed_at - now:+.0f} s from now, "
            f"outside the tolerance of {SIGNATURE_TOLERANCE} s"
        )


# The fields read from each object we act on, and the types they may have (None: absent/null).
_STR = (str, type(None))
_INT = (int, type(None))
_SHAPES: dict[str, dict[str, tuple[type, ...]]] = {
    "checkout.session": {
        "id": (str,),
        "metadata": (dict, type(None)),
        "client_reference_id": _STR,
        "amount_total": _INT,
        "currency": _STR,
        "payment_status": _STR,
        "payment_intent": (str, dict, type(None)),
    },
    "payment_intent": {
        "id": (str,),
        "metadata": (dict, type(None)),
        "amount": _INT,
        "currency": _STR,
    },
}
_EXPECTED_OBJECT = {type_: "checkout.session" for type_ in _SESSION_KINDS} | {
    type_: "payment_intent" for type_ in _INTENT_KINDS
}


def _event_object(raw: dict[str, Any]) -> dict[str, Any]:
    """`data.object` of a verified event, once its shape is what the type promises.

    Raises InvalidEvent naming the first field that is missing or of the wrong type."""
    for key in ("id", "type"):
        if not isinstance(raw.get(key), str) or not raw[key]:
            raise InvalidEvent(f"malformed event: `{key}` is missing or not a string")
    data = raw.get("data")
    obj = data.get("object") if isinstance(data, dict) else None
    if not isinstance(obj, dict):
        raise InvalidEvent("malformed event: `data.object` is missing or not an object")
    expected = _EXPECTED_OBJECT.get(raw["type"])
    if expected is None:
        return obj  # an event we do not act on: stored and ignored
    if obj.get("object") != expected:
        raise InvalidEvent(f"malformed event: a {raw['type']} event without a {expected}")
    for name, types in _SHAPES[expected].items():
        value = obj.get(name)
        if not isinstance(value, types) or isinstance(value, bool):
            raise InvalidEvent(f"malformed event: `{expected}.{name}` has the wrong type")
    if obj["id"] == "":
        raise InvalidEvent(f"malformed event: `{expected}.id` is empty")
    metadata = obj.get("metadata") or {}
    if not isinstance(metadata.get("payment_id"), _STR):
        raise InvalidEvent(f"malformed event: `{expected}.metadata.payment_id` is not a string")
    return obj
