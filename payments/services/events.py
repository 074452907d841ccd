"""Provider events: store each once, process it once, and the three transitions it drives.

Only a verified provider event moves a payment out of pending; the browser coming back from the
checkout never does. Each transition locks its row, is a no-op when the payment is already in
the target state, refuses a move `PAYMENT_TRANSITIONS` does not allow quietly (the provider must
still get a 200, or it retries for days), and writes an audit event.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from wagtail import hooks

from enrollment.models.applications import FINAL
from lms import clock
from lms.services import audit_record, email_send
from payments.models import PAYMENT_TRANSITIONS, Payment, PaymentStatus, StripeEvent
from payments.providers import EventKind, PaymentProvider, ProviderEvent
from payments.selectors import paid_day_items, payer_name

logger = logging.getLogger(__name__)
P = PaymentStatus


def _dollars(cents: int) -> str:
    return f"${cents / 100:,.2f}"


def stripe_event_record(*, event: ProviderEvent) -> tuple[StripeEvent, bool]:
    """Store a verified event once by its id. Returns (event, created); a redelivery is a no-op."""
    try:
        with transaction.atomic():
            return StripeEvent.objects.create(
                stripe_id=event.event_id, type=event.type, payload=event.raw
            ), True
    except IntegrityError:
        return StripeEvent.objects.get(stripe_id=event.event_id), False


def webhook_receive(*, provider: PaymentProvider, payload: bytes, signature: str) -> StripeEvent:
    """Verify, store once and process one provider notification.

    Raises InvalidEvent (nothing written) for a bad signature. The stored row is locked while the
    event is processed and marked processed in the same transaction, so however many times (and
    however concurrently) an event is delivered, it changes a payment once. Events about no
    payment of ours are stored and ignored.
    """
    event = provider.parse_event(payload, signature)
    with transaction.atomic():
        stored, _ = stripe_event_record(event=event)
        stored = StripeEvent.objects.select_for_update().get(pk=stored.pk)
        if stored.processed_at is None:
            _event_process(provider, event)
            stored.processed_at = clock.now()
            stored.save(update_fields=["processed_at"])
    return stored


def _payment_id_for(provider: PaymentProvider, event: ProviderEvent) -> int | None:
    """Our payment the event is about: by checkout session, else by the id we put in metadata."""
    payments = Payment.objects.filter(provider=provider.name)
    if event.session_id:
        payments = payments.filter(checkout_session_id=event.session_id)
    elif event.payment_id is not None:
        payments = payments.filter(pk=event.payment_id)
    else:
        return None
    return payments.values_list("pk", flat=True).first()


def _event_process(provider: PaymentProvider, event: ProviderEvent) -> None:
    transition = {
        EventKind.PAID: payment_confirm,
        EventKind.FAILED: payment_fail,
        EventKind.EXPIRED: payment_expire,
    }.get(event.kind)
    if transition is None:
        return
    payment_id = _payment_id_for(provider, event)
    if payment_id is None:
        logger.info("Ignored %s %s: it names no payment of ours.", event.type, event.event_id)
        return
    transition(payment_id=payment_id, event=event)


def _move(payment: Payment, to: str, *, event: ProviderEvent, **fields) -> bool:
    """Move a locked payment to `to` with `fields`, audited. False (and a log line) when it is
    already there or the move is not allowed."""
    if payment.status == to:
        return False
    if to not in PAYMENT_TRANSITIONS[payment.status]:
        logger.warning(
            "Payment %s is %s; refused to make it %s on %s %s.",
            payment.pk,
            payment.status,
            to,
            event.type,
            event.event_id,
        )
        return False
    from_state, payment.status = payment.status, to
    for name, value in fields.items():
        setattr(payment, name, value)
    payment.save(update_fields=["status", *fields])
    audit_record(
        actor=None,
        verb=f"payment.{to}",
        obj=payment,
        from_state=from_state,
        to_state=to,
        reason=f"{event.type} {event.event_id}",
    )
    return True


def _flag(payment: Payment, reason: str) -> None:
    """Mark a locked payment for staff attention, audited; its status does not change."""
    payment.flagged = True
    payment.flag_reason = f"{payment.flag_reason}\n{reason}".strip()
    payment.save(update_fields=["flagged", "flag_reason"])
    audit_record(
        actor=None,
        verb="payment.flagged",
        obj=payment,
        from_state=payment.status,
        to_state=payment.status,
        reason=reason,
    )


def _mismatch(payment: Payment, event: ProviderEvent) -> str:
    asked = f"{payment.amount_cents / 100:.2f} {payment.currency.upper()}"
    told = f"{(event.amount_cents or 0) / 100:.2f} {(event.currency or '?').upper()}"
    same_currency = (event.currency or "").lower() == payment.currency.lower()
    if event.amount_cents == payment.amount_cents and same_currency:
        return ""
    return (
        f"The provider reported {told} paid but {asked} was asked ({event.event_id}); "
        "not marked paid."
    )


def _already_paid(payment: Payment) -> str:
    """Which of the payment's fees another payment had already paid (money taken twice)."""
    others = paid_day_items(payment.application).exclude(payment=payment)
    days = sorted({i.day for i in others} & {i.day for i in payment.items.all() if i.day})
    return ", ".join(f"Day {day}" for day in days)


def _closed_reason(payment: Payment) -> str:
    """Why money for `payment` can no longer count, or "". Application fees close with their
    application; a payment with a `reference` belongs to a higher app, which says through the
    contribution point "payment_closed_reason" (fn(payment) → a reason or "")."""
    if payment.reference:
        for fn in hooks.get_hooks("payment_closed_reason"):
            if reason := fn(payment):
                return reason
    elif payment.application.status in FINAL:
        return f"the application is {payment.application.get_status_display().lower()}"
    return "the checkout expired" if payment.status == P.EXPIRED else ""


def payment_confirm(*, payment_id: int, event: ProviderEvent) -> Payment:
    """The provider took the money: pending (or failed, then retried) → paid, with `paid_at`,
    an audit event and the receipt email. Only for the exact amount and currency asked: a
    mismatch leaves the payment as it was and flags it. A payment already expired, or one whose
    application has ended (expired, denied, certified), stays as it was, is flagged for staff
    and the applicant is emailed: it never counts as paid and never books anything. A payment
    with a `reference` is closed when its owner app says so ("payment_closed_reason"), and once
    paid the contribution point "payment_paid" (fn(payment)) runs in the same transaction, so
    what the money is for happens with it or not at all."""
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment_id)
        if payment.status == P.PAID:
            return payment
        if why := _closed_reason(payment):
            _late_payment(payment, event, why)
            return payment
        if reason := _mismatch(payment, event):
            _flag(payment, reason)
            return payment
        twice = _already_paid(payment)
        moved = _move(
            payment,
            P.PAID,
            event=event,
            paid_at=clock.now(),
            payment_intent_id=event.payment_intent_id or payment.payment_intent_id,
        )
        if moved:
            if twice:
                _flag(payment, f"{twice} had already been paid by another payment.")
            for fn in hooks.get_hooks("payment_paid"):
                fn(payment)
            _receipt_email(payment)
    return payment


def _late_payment(payment: Payment, event: ProviderEvent, why: str) -> None:
    """Money taken for a checkout that was closed, or for what has ended (`why`): it is
    recorded (the provider's reference) and flagged for staff, the payment stays as it was
    (nothing counts as paid, nothing is booked), and the payer is told by email."""
    application = payment.application
    if payment.flagged and event.payment_intent_id == payment.payment_intent_id != "":
        return  # the same money, already reported (read back from the provider, then its webhook)
    if event.payment_intent_id and not payment.payment_intent_id:
        payment.payment_intent_id = event.payment_intent_id
        payment.save(update_fields=["payment_intent_id"])
    _flag(
        payment,
        f"Paid after {why} ({event.event_id}, {_dollars(event.amount_cents or 0)}): the money "
        f"was taken but the payment stays {payment.get_status_display().lower()} and books "
        "nothing. Needs action by staff.",
    )
    email_send(
        template="payment_after_close",
        to=[application.user.email],
        context={
            "payment": payment,
            "application": application,
            "person": payer_name(payment),
            "amount": _dollars(event.amount_cents or payment.amount_cents),
            "why": why,
            "site_url": settings.WAGTAILADMIN_BASE_URL.rstrip("/"),
        },
    )


def payment_fail(*, payment_id: int, event: ProviderEvent) -> Payment:
    """The card was declined: pending → failed. A paid or expired payment is left as it is (a
    late failure of an earlier attempt must not undo a later success)."""
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment_id)
        _move(
            payment,
            P.FAILED,
            event=event,
            payment_intent_id=event.payment_intent_id or payment.payment_intent_id,
        )
    return payment


def payment_expire(*, payment_id: int, event: ProviderEvent) -> Payment:
    """The checkout closed unpaid: pending → expired. Payments hold no seats: nothing to free."""
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment_id)
        _move(payment, P.EXPIRED, event=event)
    return payment


def _receipt_email(payment: Payment) -> None:
    site_url = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    email_send(
        template="payment_received",
        to=[payment.application.user.email],
        context={
            "payment": payment,
            "items": list(payment.items.order_by("pk")),
            "person": payer_name(payment),
            "amount": _dollars(payment.amount_cents),
            "paid_on": payment.paid_at.astimezone(clock.LOCAL_TZ),
            "receipt_url": site_url + reverse("payments:receipt", args=[payment.pk]),
            "site_url": site_url,
        },
    )
