"""Starting a checkout."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from enrollment.models import Application
from enrollment.rules import RuleViolation
from lms import clock
from lms.models import User
from lms.services import audit_record
from payments import rules
from payments.models import Payment, PaymentLineItem, PaymentStatus
from payments.providers import PaymentProvider, get_provider
from payments.selectors import (
    application_fees,
    fee_description,
    is_day_fee_exempt,
    paid_day_items,
    payment_open_for,
)

P = PaymentStatus


def _dollars(cents: int) -> str:
    return f"${cents / 100:,.2f}"


# --- The applicant: starting a checkout --------------------------------------------------------


def _open_payment_for(application: Application, wanted: list[rules.FeeItem]) -> Payment | None:
    """The open checkout for exactly these fees, if any. Raises RuleViolation when an open one
    covers some of them but not the same set (paying both would take money twice)."""
    wanted_set = set(wanted)
    for payment in payment_open_for(application, now=clock.now()):
        items = {(i.kind, i.day) for i in payment.items.all()}
        if items == wanted_set:
            return payment
        if items & wanted_set:
            until = f"{payment.expires_at.astimezone(clock.LOCAL_TZ):%I:%M %p}".lstrip("0")
            raise RuleViolation(
                f"A checkout for some of these fees is already open (payment #{payment.pk}). "
                f"Finish it, or start again after it closes at {until}."
            )
    return None


def payment_start(
    *,
    application: Application,
    items: Iterable[rules.FeeItem],
    user: User,
    base_url: str | None = None,
    provider: PaymentProvider | None = None,
) -> Payment:
    """Open a pending payment for `items` ((kind, day) pairs) and its hosted checkout.

    Amounts are the application's, in cents, fixed when it was submitted. An open checkout for
    exactly the same fees is returned instead of a second one. `base_url` (the site's origin)
    builds the return and cancel addresses. Raises RuleViolation (nothing written) for another
    person's application, a day the track does not require, a day already paid, exempt or free
    ($0), a status that does not allow the fee yet, or an open checkout overlapping these fees;
    ProviderUnavailable (nothing written) when the provider refuses.
    """
    provider = provider or get_provider()
    base_url = (base_url or settings.WAGTAILADMIN_BASE_URL).rstrip("/")
    with transaction.atomic():
        app = Application.objects.select_for_update(no_key=True).get(pk=application.pk)
        if app.user_id != user.pk:
            raise RuleViolation("You can pay only for your own application.")
        day_cents, again_cents = application_fees(app)
        wanted = rules.check_payable(
            items,
            track=app.track,
            status=app.status,
            paid_days={item.day for item in paid_day_items(app)},
            day_fees_exempt=is_day_fee_exempt(app),
            reapplication_paid=app.payments.filter(
                status=P.PAID, items__kind=rules.REAPPLICATION_FEE
            ).exists(),
            day_fee_cents=day_cents,
            reapplication_fee_cents=again_cents,
        )
        existing = _open_payment_for(app, wanted)
        if existing is not None:
            return existing
        lines = [
            PaymentLineItem(
                kind=kind,
                day=day,
                description=fee_description(kind, day, app.track),
                amount_cents=day_cents if kind == rules.DAY_FEE else again_cents,
            )
            for kind, day in wanted
        ]
        total = sum(line.amount_cents for line in lines)
        if total <= 0:
            raise RuleViolation("There is nothing to pay for these fees.")
        payment = Payment.objects.create(
            application=app, provider=provider.name, amount_cents=total, currency="usd"
        )
        for line in lines:
            line.payment = payment
        PaymentLineItem.objects.bulk_create(lines)
        result = provider.create_checkout(
            payment,
            success_url=base_url
            + reverse("payments:payment-return", args=[payment.pk])
            + "?checkout=done",
            cancel_url=base_url + reverse("payments:fees"),
        )
        payment.checkout_session_id = result.session_id
        payment.checkout_url = result.url
        payment.expires_at = result.expires_at
        payment.save(update_fields=["checkout_session_id", "checkout_url", "expires_at"])
        audit_record(
            actor=user,
            verb="payment.start",
            obj=payment,
            to_state=P.PENDING,
            reason=f"{', '.join(line.description for line in lines)}: {_dollars(total)}",
        )
    return payment


# --- A higher app's charge (a renewal's fees): what it is for is the caller's --------------------


@dataclass(frozen=True)
class Charge:
    """One line of a payment a higher app asks for: a `PaymentLineItem.Kind`, what the payer
    reads, and the amount in cents."""

    kind: str
    description: str
    amount_cents: int


def payment_start_charges(
    *,
    application: Application,
    user: User,
    reference: str,
    charges: Sequence[Charge],
    continue_url: str,
    cancel_url: str,
    base_url: str | None = None,
    provider: PaymentProvider | None = None,
) -> Payment:
    """Open a pending payment for `charges`, tagged with `reference` (what it is for, e.g.
    "renewal:12"), and its hosted checkout. The caller has decided that these charges are due
    (and holds its own row lock while calling). An open checkout with the same reference and
    amount is returned instead of a second one. Raises RuleViolation (nothing written) for
    another person's application, nothing to pay, an unknown kind, or an open checkout with the
    same reference for another amount; ProviderUnavailable when the provider refuses.
    """
    provider = provider or get_provider()
    base_url = (base_url or settings.WAGTAILADMIN_BASE_URL).rstrip("/")
    kinds = {PaymentLineItem.Kind.RENEWAL_FEE, PaymentLineItem.Kind.LATE_FEE}
    if application.user_id != user.pk:
        raise RuleViolation("You can pay only for your own record.")
    if not reference or not charges or any(c.kind not in kinds for c in charges):
        raise RuleViolation("There is nothing to pay for these fees.")
    total = sum(c.amount_cents for c in charges)
    if total <= 0:
        raise RuleViolation("There is nothing to pay for these fees.")
    with transaction.atomic():
        open_ = payment_open_for(application, now=clock.now()).filter(reference=reference)
        for payment in open_:
            if payment.amount_cents == total:
                return payment
            raise RuleViolation(
                f"A checkout for this is already open (payment #{payment.pk}) for another "
                "amount. Finish it, or start again after it closes."
            )
        payment = Payment.objects.create(
            application=application,
            provider=provider.name,
            amount_cents=total,
            currency="usd",
            reference=reference,
            continue_url=continue_url,
        )
        PaymentLineItem.objects.bulk_create(
            [
                PaymentLineItem(
                    payment=payment,
                    kind=c.kind,
                    description=c.description,
                    amount_cents=c.amount_cents,
                )
                for c in charges
            ]
        )
        result = provider.create_checkout(
            payment,
            success_url=base_url
            + reverse("payments:payment-return", args=[payment.pk])
            + "?checkout=done",
            cancel_url=base_url + cancel_url,
        )
        payment.checkout_session_id = result.session_id
        payment.checkout_url = result.url
        payment.expires_at = result.expires_at
        payment.save(update_fields=["checkout_session_id", "checkout_url", "expires_at"])
        audit_record(
            actor=user,
            verb="payment.start",
            obj=payment,
            to_state=P.PENDING,
            reason=f"{', '.join(c.description for c in charges)}: {_dollars(total)}",
        )
    return payment
