"""Reads about fees and payments. Every read about a person's payment is scoped to who asks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from django.db.models import QuerySet

from enrollment.models import Application, Attendance, EmployeeConfirmation, RegistrationStatus
from enrollment.rules import Policy, RuleViolation, Track, required_days
from enrollment.selectors.applications import policy_get
from lms.models import User
from payments import rules
from payments.models import Payment, PaymentLineItem, PaymentStatus

DayFeeStatus = Literal["paid", "exempt", "free", "unpaid"]
# A day missed uses up its fee once attendance is locked: absent, or left early (part of the
# instruction was missed, the same rule the booking pages apply). Present and late count as
# attended.
MISSED_ATTENDANCE = (Attendance.ABSENT, Attendance.LEFT_EARLY)


@dataclass(frozen=True)
class FeeDue:
    """A fee still to pay: what it is and how much, in cents."""

    kind: str
    day: int | None
    description: str
    amount_cents: int

    @property
    def item(self) -> rules.FeeItem:
        return (self.kind, self.day)


@dataclass(frozen=True)
class FeeLine:
    """One line of the fees page: a required day or the reapplication fee, and where it stands:
    "paid", "exempt" (a confirmed ODMHSAS employee), "free" (the fee is $0: no checkout) or
    "unpaid". `payment` is the paid payment (for its receipt) when `status` is "paid"."""

    kind: str
    day: int | None
    description: str
    amount_cents: int
    status: DayFeeStatus
    payment: Payment | None = None


def fee_description(kind: str, day: int | None, track: Track | str) -> str:
    if kind == rules.DAY_FEE:
        return f"Classroom training fee, Day {day}"
    return f"Reapplication fee ({Track(track).label})"


def is_employee_confirmed(application: Application) -> bool:
    """Whether a confirmation of the applicant's ODMHSAS employment by certification staff
    stands (confirmed and not revoked)."""
    return EmployeeConfirmation.objects.filter(
        application_id=application.pk, revoked_at__isnull=True
    ).exists()


def is_day_fee_exempt(application: Application) -> bool:
    """ODMHSAS employees pay no day fees, once staff have confirmed the applicant's claim."""
    return application.odmhsas_employee and is_employee_confirmed(application)


def application_fees(application: Application, *, policy: Policy | None = None) -> tuple[int, int]:
    """(day fee, reapplication fee) of `application` in cents, as fixed when it was first
    submitted; the policy in force now for one not submitted yet. The reapplication fee is 0 on
    every track but the CM I Upgrade."""
    if application.day_fee_cents is not None:
        day, again = application.day_fee_cents, application.reapplication_fee_cents or 0
    else:
        policy = policy or policy_get()
        day, again = rules.to_cents(policy.day_fee), rules.to_cents(policy.reapplication_fee)
    return day, again if Track(application.track) is Track.CM1_UPGRADE else 0


def is_reapplication_fee_due(application: Application) -> bool:
    """Whether the application owes a reapplication fee (CM I Upgrade, more than $0) it has not
    paid: it must be paid before the first classroom booking (spec section 2)."""
    return application_fees(application)[1] > 0 and _reapplication_item(application) is None


def paid_day_items(application: Application) -> QuerySet[PaymentLineItem]:
    """Paid day-fee items of `application` that still count. A fee is consumed only when staff
    lock the attendance of a day the person missed (the lock closes that booking, keeping the
    item on it); a trainer's mark before the lock changes nothing about money."""
    return (
        PaymentLineItem.objects.filter(
            payment__application=application,
            payment__status=PaymentStatus.PAID,
            kind=PaymentLineItem.Kind.DAY_FEE,
        )
        .exclude(
            registration__status=RegistrationStatus.CANCELLED,
            registration__attendance__in=MISSED_ATTENDANCE,
        )
        .select_related("payment")
        .order_by("pk")
    )


def _reapplication_item(application: Application) -> PaymentLineItem | None:
    return (
        PaymentLineItem.objects.filter(
            payment__application=application,
            payment__status=PaymentStatus.PAID,
            kind=PaymentLineItem.Kind.REAPPLICATION_FEE,
        )
        .select_related("payment")
        .order_by("pk")
        .first()
    )


def day_fee_status(application: Application) -> dict[int, DayFeeStatus]:
    """Each required day of the application's track → "paid", "exempt", "free" or "unpaid"."""
    return {line.day: line.status for line in fee_lines(application) if line.kind == rules.DAY_FEE}


def unused_paid_day_item(application: Application, day: int) -> PaymentLineItem | None:
    """A paid fee for `day` that no registration holds yet (the one a booking should take)."""
    return paid_day_items(application).filter(day=day, registration__isnull=True).first()


def booking_fee_source(
    *, application: Application, day: int
) -> tuple[PaymentLineItem | None, bool]:
    """Hook `booking_checks` (enrollment's booking calls it under the application's row lock):
    (unused paid line item, no fee due). A paid fee is used first, else the ODMHSAS exemption or
    a day fee of $0 (no checkout needed). Refuses (RuleViolation) while the reapplication fee of
    a CM I Upgrade is unpaid (due before the first booking, spec section 2) or the day's fee is."""
    if is_reapplication_fee_due(application):
        raise RuleViolation(
            "Pay the reapplication fee before you book your first classroom day: on the CM I "
            "Upgrade track it is due before classroom registration."
        )
    item = unused_paid_day_item(application, day)
    if item is not None:
        return item, False
    if is_day_fee_exempt(application) or application_fees(application)[0] == 0:
        return None, True
    raise RuleViolation(f"Pay the Day {day} classroom fee before you book a session of that day.")


def fee_lines(application: Application, *, policy: Policy | None = None) -> list[FeeLine]:
    """Every fee of the application's track, in order: the required days, then the
    reapplication fee where the track has one (at the amounts fixed at submission)."""
    track = application.track
    day_cents, again_cents = application_fees(application, policy=policy)
    paid_items = {}
    for item in paid_day_items(application):
        paid_items.setdefault(item.day, item)
    exempt = is_day_fee_exempt(application)
    lines = []
    for day in required_days(track):
        item = paid_items.get(day)
        status = "paid" if item else "exempt" if exempt else "free" if not day_cents else "unpaid"
        lines.append(
            FeeLine(
                kind=rules.DAY_FEE,
                day=day,
                description=fee_description(rules.DAY_FEE, day, track),
                amount_cents=item.amount_cents if item else day_cents,
                status=status,
                payment=item.payment if item else None,
            )
        )
    if again_cents > 0:
        item = _reapplication_item(application)
        lines.append(
            FeeLine(
                kind=rules.REAPPLICATION_FEE,
                day=None,
                description=fee_description(rules.REAPPLICATION_FEE, None, track),
                amount_cents=item.amount_cents if item else again_cents,
                status="paid" if item else "unpaid",
                payment=item.payment if item else None,
            )
        )
    return lines


def fees_due(application: Application, *, policy: Policy | None = None) -> list[FeeDue]:
    """The fees still to pay: unpaid required days (none for a confirmed ODMHSAS employee) and
    the reapplication fee (CM I Upgrade) until it is paid."""
    return [
        FeeDue(line.kind, line.day, line.description, line.amount_cents)
        for line in fee_lines(application, policy=policy)
        if line.status == "unpaid"
    ]


def fees_payable(application: Application, *, policy: Policy | None = None) -> list[FeeDue]:
    """The fees due that the application's status lets the person pay right now."""
    allowed = {
        rules.DAY_FEE: application.status in rules.DAY_FEE_STATUSES,
        rules.REAPPLICATION_FEE: application.status in rules.REAPPLICATION_FEE_STATUSES,
    }
    return [fee for fee in fees_due(application, policy=policy) if allowed[fee.kind]]


def payment_open_for(application: Application, *, now) -> QuerySet[Payment]:
    """Checkouts of `application` the person can still complete: pending, or failed (a declined
    card can be retried on the same checkout) and not past their expiry."""
    return (
        Payment.objects.filter(
            application=application,
            status__in=[PaymentStatus.PENDING, PaymentStatus.FAILED],
            expires_at__gt=now,
        )
        .prefetch_related("items")
        .order_by("-created_at", "-pk")
    )


def _visible_payments(user: User) -> QuerySet[Payment]:
    if not user.is_authenticated:
        return Payment.objects.none()
    payments = Payment.objects.select_related("application__user").prefetch_related("items")
    if user.has_perm("payments.view_payment"):
        return payments
    return payments.filter(application__user=user)


def payment_get_for_user(*, user: User, pk: int) -> Payment | None:
    """Payment `pk` for its owner or for staff who may view payments; None for anyone else."""
    return _visible_payments(user).filter(pk=pk).first()


def receipt_get_for_user(*, user: User, pk: int) -> Payment | None:
    """A paid payment's receipt, for the same people as `payment_get_for_user`."""
    return _visible_payments(user).filter(pk=pk, status=PaymentStatus.PAID).first()


def payments_for_owner(*, user: User, application: Application) -> QuerySet[Payment]:
    """The application's payments, newest first, when `user` owns it (else none)."""
    return Payment.objects.filter(application=application, application__user=user).order_by(
        "-created_at", "-pk"
    )


def payer_name(payment: Payment) -> str:
    """The person on a receipt: the legal name on the application, else the account's email."""
    app = payment.application
    parts = (app.legal_first_name, app.legal_middle_name, app.legal_last_name)
    name = " ".join(part for part in parts if part)
    return name or app.user.email


def provider_reference(payment: Payment) -> str:
    """The provider's reference for a payment: its PaymentIntent, else its checkout session."""
    return payment.payment_intent_id or payment.checkout_session_id or ""


def payments_needing_action() -> QuerySet[Payment]:
    """Payments flagged for staff (money taken that does not match what was asked, or that
    came after its checkout or application closed), newest first. For staff views only."""
    return Payment.objects.filter(flagged=True).select_related("application__user")


def payments_needing_action_count() -> int:
    """How many payments are flagged for staff (the admin home's "needs action" panel)."""
    return payments_needing_action().count()


ReturnState = Literal["paid", "waiting", "declined", "closed"]


def payment_return_state(payment: Payment, *, now, returned: bool) -> tuple[ReturnState, bool]:
    """What the return page says about the latest attempt, and whether that is final.

    Paid and expired are final. Pending is "waiting". A failed payment is a declined card that
    can be retried on the same checkout while it is open; but when the person has just come back
    from the checkout (`returned`: the provider only sends them back after a successful
    attempt), that later attempt is still settling: "waiting", not a false failure."""
    if payment.status == PaymentStatus.PAID:
        return "paid", True
    if payment.status == PaymentStatus.EXPIRED:
        return "closed", True
    open_ = payment.expires_at is None or payment.expires_at > now
    if payment.status == PaymentStatus.FAILED:
        if returned and open_:
            return "waiting", False
        return "declined", not open_
    return "waiting", False
