"""The one place the Stripe SDK is configured. Other code asks here for a client."""

import stripe
from django.conf import settings


def stripe_client() -> stripe.StripeClient:
    """A client with the configured secret key; in development it talks to the local stand-in."""
    kwargs = {}
    if settings.STRIPE_API_BASE:
        kwargs["base_addresses"] = {"api": settings.STRIPE_API_BASE}
    return stripe.StripeClient(settings.STRIPE_SECRET_KEY, **kwargs)


def stripe_event_construct(payload: bytes, signature: str) -> stripe.Event:
    """Verify the webhook signature and parse the event; raises on a bad signature or payload."""
    return stripe.Webhook.construct_event(payload, signature, settings.STRIPE_WEBHOOK_SECRET)
