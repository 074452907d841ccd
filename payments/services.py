import stripe
from django.db import IntegrityError, transaction

from payments.models import StripeEvent


def stripe_event_record(*, event: stripe.Event) -> tuple[StripeEvent, bool]:
    """Store a verified event once. Returns (event, created); a duplicate delivery is a no-op."""
    try:
        with transaction.atomic():
            return StripeEvent.objects.create(
                stripe_id=event.id, type=event.type, payload=event.to_dict()
            ), True
    except IntegrityError:
        return StripeEvent.objects.get(stripe_id=event.id), False
