"""The one small interface every payment provider implements, and the normalized event.

A provider turns a pending `Payment` into a hosted checkout, and turns a signed notification
from the provider into a `ProviderEvent`. Everything else (amounts, states, audit, email) lives
in `payments.services` and never sees a provider's own objects.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from payments.models import Payment


class EventKind(StrEnum):
    PAID = "paid"
    FAILED = "failed"
    EXPIRED = "expired"
    OTHER = "other"


@dataclass(frozen=True)
class CheckoutResult:
    """What a provider answers when asked for a checkout: where to send the payer, until when."""

    session_id: str
    url: str
    expires_at: datetime | None


@dataclass(frozen=True)
class ProviderEvent:
    """A verified notification, normalized. `payment_id` is our own id as the provider echoed it
    back (metadata); `session_id` is the checkout it is about, when the event names one."""

    event_id: str
    type: str
    kind: EventKind
    session_id: str = ""
    payment_id: int | None = None
    amount_cents: int | None = None
    currency: str = ""
    payment_intent_id: str = ""
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


class InvalidEvent(Exception):
    """The notification's signature or payload did not verify: nothing may be read from it."""


class ProviderUnavailable(Exception):
    """The provider refused or did not answer; `str()` is a sentence a person can read."""


class PaymentProvider(ABC):
    """One way of taking money. Subclasses set `name` (stored on `Payment.provider`)."""

    name: str = ""

    @abstractmethod
    def create_checkout(
        self, payment: Payment, *, success_url: str, cancel_url: str
    ) -> CheckoutResult:
        """Open a hosted checkout for `payment` (its line items and amount, in cents).

        Raises ProviderUnavailable when the provider refuses or cannot be reached.
        """

    @abstractmethod
    def expire_checkout(self, session_id: str) -> ProviderEvent | None:
        """Close the open checkout `session_id` so it can no longer be paid. A checkout already
        closed unpaid is left as it is (None). One found paid (the payer finished before it could
        be closed, and its webhook may not have arrived) is answered with the PAID event that a
        webhook would carry, so that the caller confirms the payment instead of closing it.
        Raises ProviderUnavailable when the provider refuses or cannot be reached."""

    @abstractmethod
    def checkout_paid(self, session_id: str) -> ProviderEvent | None:
        """The checkout read back from the provider: its PAID event when it was paid, None while
        it is open or once it closed unpaid. For a webhook that never arrived. Raises
        ProviderUnavailable when the provider cannot be asked."""

    @abstractmethod
    def parse_event(self, payload: bytes, signature: str) -> ProviderEvent:
        """Verify a notification and normalize it. Raises InvalidEvent on a bad signature."""
