"""Payment helpers: a fake-provider event delivered through the webhook service, and webhook
posts signed as Stripe signs them."""

import hashlib
import hmac
import json
import time

from django.conf import settings as django_settings
from django.urls import reverse

from payments.providers.fake import FakeProvider
from payments.services import webhook_receive


def fake_deliver(kind, payment=None, **fields):
    """Deliver one fake-provider event through the same service the webhook view calls."""
    payload, signature = FakeProvider.event(kind, payment, **fields)
    return webhook_receive(provider=FakeProvider(), payload=payload, signature=signature)


# --- Stripe-style signatures -------------------------------------------------------------------


def stripe_signature(payload: bytes, secret: str | None = None, *, at: int | None = None) -> str:
    """A `Stripe-Signature` header as Stripe computes it (signed now, or at unix time `at`)."""
    secret = secret or django_settings.STRIPE_WEBHOOK_SECRET
    timestamp = int(time.time()) if at is None else at
    signed = f"{timestamp}.".encode() + payload
    return f"t={timestamp},v1={hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()}"


def stripe_post(client, event: dict, *, secret: str | None = None, signature: str | None = None):
    """POST one event to the webhook view, signed like Stripe (or with `signature`)."""
    payload = json.dumps(event).encode()
    header = signature if signature is not None else stripe_signature(payload, secret)
    return client.post(
        reverse("payments:stripe-webhook"),
        payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=header,
    )
