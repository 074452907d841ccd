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

    def expire_checkout(self, session_id: str) -> None:
        """Expire an open Checkout Session. Stripe refuses one that is not open: then it is
        read back, and only a session still open is an error (ProviderUnavailable)."""
        sessions = stripe_client().v1.checkout.sessions
        try:
            sessions.expire(session_id)
        except stripe.InvalidRequestError as exc:
            try:
                if sessions.retrieve(session_id).status != "open":
                    return
            except stripe.StripeError:
                pass
            raise ProviderUnavailable("The payment service refused to close a checkout.") from exc
        except stripe.StripeError as exc:
            logger.warning("Stripe did not expire checkout %s: %s", session_id, exc)
            raise ProviderUnavailable("The payment service could not close a checkout.") from exc

    def parse_event(self, payload: bytes, signature: str) -> ProviderEvent:
        """Verify with the webhook secret, then read the few fields the services need."""
        try:
            event = stripe_event_construct(payload, signature)
        except (ValueError, stripe.SignatureVerificationError) as exc:
            raise InvalidEvent(str(exc)) from exc
        raw = event.to_dict()
        obj = (raw.get("data") or {}).get("object") or {}
        metadata = obj.get("metadata") or {}
        common = {"event_id": raw["id"], "type": raw.get("type", ""), "raw": raw}
        if raw.get("type") in _INTENT_KINDS:
            return ProviderEvent(
                **common,
                kind=_INTENT_KINDS[raw["type"]],
                payment_id=_int_or_none(metadata.get("payment_id")),
                amount_cents=_int_or_none(obj.get("amount")),
                currency=str(obj.get("currency") or ""),
                payment_intent_id=_id(obj.get("id")),
            )
        if obj.get("object") != "checkout.session":
            return ProviderEvent(**common, kind=EventKind.OTHER)
        kind = _SESSION_KINDS.get(raw.get("type"), EventKind.OTHER)
        if kind is EventKind.PAID and obj.get("payment_status") not in ("paid",):
            kind = EventKind.OTHER  # completed, but a delayed method has not settled yet
        return ProviderEvent(
            **common,
            kind=kind,
            session_id=_id(obj.get("id")),
            payment_id=_int_or_none(metadata.get("payment_id") or obj.get("client_reference_id")),
            amount_cents=_int_or_none(obj.get("amount_total")),
            currency=str(obj.get("currency") or ""),
            payment_intent_id=_id(obj.get("payment_intent")),
        )
