"""The sweep of checkouts left unpaid."""

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q

from lms.services import audit_record_many
from payments.models import Payment, PaymentStatus

P = PaymentStatus

# A checkout is swept this long after its own expiry, so that a payment completed in its last
# seconds is confirmed by its webhook rather than expired under it.
STALE_GRACE = timedelta(minutes=15)
NO_EXPIRY_LIFETIME = timedelta(hours=24)  # Stripe's longest checkout


def payments_expire_stale(*, now: datetime) -> list[int]:
    """Expire every pending payment whose checkout closed more than `STALE_GRACE` before `now`.

    Set-based: one locked select (skipping rows a webhook holds), one update, one audit insert.
    Running it twice is harmless: the second run finds nothing. Payments hold no seats, so
    nothing else is released.
    """
    cutoff = now - STALE_GRACE
    stale = Q(expires_at__lt=cutoff) | Q(
        expires_at__isnull=True, created_at__lt=cutoff - NO_EXPIRY_LIFETIME
    )
    with transaction.atomic():
        ids = list(
            Payment.objects.select_for_update(skip_locked=True)
            .filter(stale, status=P.PENDING)
            .values_list("pk", flat=True)
        )
        if not ids:
            return []
        Payment.objects.filter(pk__in=ids).update(status=P.EXPIRED)
        audit_record_many(
            actor=None,
            verb="payment.expired",
            model=Payment,
            changes=[(pk, P.PENDING, P.EXPIRED) for pk in ids],
            reason=f"Checkout left unpaid (swept at {now.isoformat()}).",
        )
    return ids
