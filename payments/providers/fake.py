"""A provider for unit tests: no network, no Stripe, deterministic ids.

Its checkout is `fake_cs_<payment id>` at an address that does not resolve, and its events are
JSON signed with an HMAC over a fixed test key. `FakeProvider.event(...)` builds such an event,
so tests can drive the webhook services exactly as a real provider would.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from lms import clock
from payments.providers.base import (
    CheckoutResult,
    EventKind,
    InvalidEvent,
    PaymentProvider,
    ProviderEvent,
)

if TYPE_CHECKING:
    from payments.models import Payment

FAKE_SECRET = b"fake-provider-test-key"  # a test fixture, not a secret
CHECKOUT_LIFETIME = timedelta(minutes=30)


def _sign(payload: bytes) -> str:
    return hmac.new(FAKE_SECRET, payload, hashlib.sha256).hexdigest()


class FakeProvider(PaymentProvider):
    name = "fake"
    # Checkouts closed through `expire_checkout`, in order (tests read and clear it).
    expired_sessions: list[str] = []
    # Checkouts paid without an event (`pay_without_event`): session id -> the event's fields.
    paid_sessions: dict[str, dict[str, Any]] = {}

    def create_checkout(
        self, payment: Payment, *, success_url: str, cancel_url: str
    ) -> CheckoutResult:
        session_id = f"fake_cs_{payment.pk}"
        return CheckoutResult(
            session_id=session_id,
            url=f"https://checkout.fake.invalid/{session_id}",
            expires_at=clock.now() + CHECKOUT_LIFETIME,
        )

    def expire_checkout(self, session_id: str) -> ProviderEvent | None:
        if paid := self.checkout_paid(session_id):
            return paid
        if session_id not in FakeProvider.expired_sessions:
            FakeProvider.expired_sessions.append(session_id)
        return None

    def checkout_paid(self, session_id: str) -> ProviderEvent | None:
        fields = FakeProvider.paid_sessions.get(session_id)
        if fields is None:
            return None
        return ProviderEvent(
            event_id=f"{session_id}:read-back",
            type="fake.read_back",
            kind=EventKind.PAID,
            session_id=session_id,
            **fields,
        )

    @staticmethod
    def pay_without_event(payment: Payment, **fields: Any) -> None:
        """The payer completes `payment`'s checkout and no event is sent (a lost webhook): the
        checkout reads back as paid, with the payment's amount unless `fields` say otherwise."""
        FakeProvider.paid_sessions[payment.checkout_session_id] = {
            "payment_id": payment.pk,
            "amount_cents": payment.amount_cents,
            "currency": payment.currency,
            "payment_intent_id": f"fake_pi_{payment.pk}",
        } | fields

    def parse_event(self, payload: bytes, signature: str) -> ProviderEvent:
        if not signature or not hmac.compare_digest(_sign(payload), signature):
            raise InvalidEvent("bad signature")
        try:
            data = json.loads(payload)
            return ProviderEvent(
                event_id=str(data["id"]),
                type=str(data["type"]),
                kind=EventKind(data["kind"]),
                session_id=data.get("session_id") or "",
                payment_id=data.get("payment_id"),
                amount_cents=data.get("amount_cents"),
                currency=data.get("currency") or "",
                payment_intent_id=data.get("payment_intent_id") or "",
                raw=data,
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise InvalidEvent("bad payload") from exc

    @staticmethod
    def event(
        kind: EventKind | str,
        payment: Payment | None = None,
        *,
        event_id: str | None = None,
        **fields: Any,
    ) -> tuple[bytes, str]:
        """A signed event about `payment` as (payload, signature). By default it carries the
        payment's own session, amount and currency; `fields` override any of them (for
        mismatches, unknown sessions, events that name only the payment id)."""
        kind = EventKind(kind)
        data: dict[str, Any] = {"id": event_id, "type": f"fake.{kind}", "kind": kind.value}
        if payment is not None:
            data |= {
                "session_id": payment.checkout_session_id or "",
                "payment_id": payment.pk,
                "amount_cents": payment.amount_cents,
                "currency": payment.currency,
                "payment_intent_id": f"fake_pi_{payment.pk}",
            }
            data["id"] = data["id"] or f"evt_fake_{kind}_{payment.pk}"
        data |= fields
        data["id"] = data["id"] or "evt_fake_other"
        payload = json.dumps(data, sort_keys=True).encode()
        return payload, _sign(payload)
