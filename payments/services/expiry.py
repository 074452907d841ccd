"""The sweep of checkouts left unpaid, closing the checkouts of an application that ended, and
closing one checkout its owner app gave up (`payment_checkout_close`).

Each asks the provider before it writes a checkout off: one paid whose webhook has not arrived
(lost, or still on its way) is confirmed from what the provider reads back, as its webhook would
have confirmed it, so money taken is never marked as a checkout left unpaid."""

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q

from enrollment.services.expiry import closed_hook
from lms.services import audit_record, audit_record_many
from payments.models import Payment, PaymentStatus
from payments.providers import ProviderEvent, ProviderUnavailable, get_provider
from payments.services.events import payment_confirm

logger = logging.getLogger(__name__)

P = PaymentStatus

# A checkout is swept this long after its own expiry, so that a payment completed in its last
# seconds is confirmed by its webhook rather than expired under it.
STALE_GRACE = timedelta(minutes=15)
NO_EXPIRY_LIFETIME = timedelta(hours=24)  # Stripe's longest checkout


def payments_expire_stale(*, now: datetime) -> list[int]:
    """Expire every pending payment whose checkout closed more than `STALE_GRACE` before `now`.

    Each is first read back from its provider (outside any transaction): one found paid is
    confirmed (`payment_confirm`: paid, or flagged when what it was for has ended), and one the
    provider could not answer about stays pending for the next run. The rest is set-based: one
    locked select (skipping rows a webhook holds), one update, one audit insert. Running it twice
    is harmless: the second run finds nothing. Payments hold no seats, so nothing else is
    released.
    """
    cutoff = now - STALE_GRACE
    stale = Q(expires_at__lt=cutoff) | Q(
        expires_at__isnull=True, created_at__lt=cutoff - NO_EXPIRY_LIFETIME
    )
    unanswered = _confirm_paid_at_provider(Payment.objects.filter(stale, status=P.PENDING))
    with transaction.atomic():
        ids = list(
            Payment.objects.select_for_update(skip_locked=True)
            .filter(stale, status=P.PENDING)
            .exclude(pk__in=unanswered)
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


def _confirm_paid_at_provider(payments) -> list[int]:
    """Confirm each of `payments` its provider reads back as paid; the ids it could not ask."""
    unanswered = []
    for pk, provider, session_id in payments.exclude(checkout_session_id="").values_list(
        "pk", "provider", "checkout_session_id"
    ):
        try:
            paid = get_provider(provider).checkout_paid(session_id)
        except (ProviderUnavailable, LookupError):
            logger.warning("Checkout of payment %s could not be read back.", pk)
            unanswered.append(pk)
            continue
        if paid is not None:
            payment_confirm(payment_id=pk, event=paid)
    return unanswered


@closed_hook
def payments_close_for_applications(application_ids: list[int], why: str) -> list[int]:
    """Closed hook: the applications ended, so each open checkout they had (pending, or failed
    and retryable) is expired at the provider, through its API, and marked expired here (audited),
    in the transaction that ended the application. A provider that cannot be reached is logged:
    the payment is still marked expired, and a payment that completes anyway is flagged by
    `payment_confirm` and books nothing. Returns the payments expired."""
    with transaction.atomic():
        payments = list(
            Payment.objects.select_for_update()
            .filter(application_id__in=application_ids, status__in=[P.PENDING, P.FAILED])
            .order_by("pk")
        )
        for payment in payments:
            closed, paid = _provider_expire(payment)
            _mark_expired(
                payment,
                actor=None,
                reason=f"{why} Checkout closed"
                + ("." if closed else " here; the provider could not be reached."),
            )
            if paid is not None:  # paid for what has just ended: flagged, and the payer told
                payment_confirm(payment_id=payment.pk, event=paid)
    return [payment.pk for payment in payments]


def _mark_expired(payment: Payment, *, actor, reason: str) -> None:
    from_state, payment.status = payment.status, P.EXPIRED
    payment.save(update_fields=["status"])
    audit_record(
        actor=actor,
        verb="payment.expired",
        obj=payment,
        from_state=from_state,
        to_state=P.EXPIRED,
        reason=reason,
    )


def payment_checkout_close(*, payment_id: int, why: str, actor=None) -> Payment:
    """Close one open checkout (pending, or failed and retryable) at the provider, then mark it
    expired here, audited with `why`. Unlike the closed hook, a provider that cannot be reached
    leaves everything as it was: ProviderUnavailable is raised (nothing written), because the
    checkout may still be paid. A checkout the payer finished before it could be closed is
    confirmed instead (`payment_confirm`: what it paid for happens), so check the returned
    payment's status. A payment no longer open is returned as it is."""
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment_id)
        if payment.status not in (P.PENDING, P.FAILED):
            return payment
        if payment.checkout_session_id:
            paid = get_provider(payment.provider).expire_checkout(payment.checkout_session_id)
            if paid is not None:
                return payment_confirm(payment_id=payment.pk, event=paid)
        _mark_expired(payment, actor=actor, reason=f"{why} Checkout closed.")
    return payment


def _provider_expire(payment: Payment) -> tuple[bool, ProviderEvent | None]:
    """(closed at the provider, the PAID event when it turned out to have been paid)."""
    if not payment.checkout_session_id:
        return True, None
    try:
        paid = get_provider(payment.provider).expire_checkout(payment.checkout_session_id)
    except (ProviderUnavailable, LookupError):
        logger.warning("Checkout of payment %s could not be expired at the provider.", payment.pk)
        return False, None
    return True, paid
