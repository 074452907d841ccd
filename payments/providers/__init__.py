"""Payment providers behind one interface (`base.PaymentProvider`), looked up by name.

`get_provider()` answers the provider named by the `PAYMENT_PROVIDER` setting ("stripe" unless
set); tests set it to "fake".
"""

from django.conf import settings

from payments.providers.base import (
    CheckoutResult,
    EventKind,
    InvalidEvent,
    PaymentProvider,
    ProviderEvent,
    ProviderUnavailable,
)
from payments.providers.fake import FakeProvider
from payments.providers.stripe import StripeProvider

_REGISTRY: dict[str, type[PaymentProvider]] = {}


def register(provider: type[PaymentProvider]) -> type[PaymentProvider]:
    """Make `provider` available under its `name`."""
    _REGISTRY[provider.name] = provider
    return provider


register(StripeProvider)
register(FakeProvider)


def get_provider(name: str | None = None) -> PaymentProvider:
    """The provider called `name`, or the configured one. Raises LookupError for an unknown name."""
    name = name or getattr(settings, "PAYMENT_PROVIDER", "stripe")
    try:
        return _REGISTRY[name]()
    except KeyError:
        raise LookupError(f"No payment provider called {name!r}.") from None


__all__ = [
    "CheckoutResult",
    "EventKind",
    "InvalidEvent",
    "PaymentProvider",
    "ProviderEvent",
    "ProviderUnavailable",
    "get_provider",
    "register",
]
