"""Money taken for an application: what was asked (line items), and what Stripe said."""

from django.db import models
from django.db.models import Q

from lms import clock


class PaymentStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    PAID = "paid", "Paid"
    FAILED = "failed", "Failed"
    EXPIRED = "expired", "Expired"


# Only a verified webhook moves a payment out of pending; paid, failed and expired are final.
PAYMENT_TRANSITIONS: dict[str, frozenset[str]] = {
    PaymentStatus.PENDING: frozenset(
        {PaymentStatus.PAID, PaymentStatus.FAILED, PaymentStatus.EXPIRED}
    ),
    # A retried card can still succeed; the checkout closes when its application ends.
    PaymentStatus.FAILED: frozenset({PaymentStatus.PAID, PaymentStatus.EXPIRED}),
    PaymentStatus.PAID: frozenset(),
    PaymentStatus.EXPIRED: frozenset(),
}


class Payment(models.Model):
    """One checkout for one application. There is no refund path: the policy allows none."""

    application = models.ForeignKey(
        "enrollment.Application", on_delete=models.PROTECT, related_name="payments"
    )
    provider = models.CharField(max_length=16, default="stripe")
    status = models.CharField(
        max_length=8, choices=PaymentStatus.choices, default=PaymentStatus.PENDING
    )
    amount_cents = models.PositiveIntegerField()
    currency = models.CharField(max_length=3, default="usd")
    checkout_session_id = models.CharField(max_length=255, unique=True, null=True, blank=True)
    payment_intent_id = models.CharField(max_length=255, blank=True)
    checkout_url = models.URLField(max_length=1000, blank=True)
    created_at = models.DateTimeField(default=clock.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    flagged = models.BooleanField(
        default=False, help_text="Stripe reported something that does not match what was asked."
    )
    flag_reason = models.TextField(blank=True)
    reference = models.CharField(
        max_length=64,
        blank=True,
        db_index=True,
        help_text="What a higher app's payment is for (renewal:12); blank for application fees.",
    )
    continue_url = models.CharField(
        max_length=300, blank=True, help_text="Where the payer goes on once it is paid."
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Payment #{self.pk}"

    @property
    def amount_dollars(self):
        from decimal import Decimal

        return Decimal(self.amount_cents) / 100


class PaymentLineItem(models.Model):
    """What one payment is for: a classroom day's fee, the reapplication fee, or a yearly
    renewal's fee and late fee."""

    class Kind(models.TextChoices):
        DAY_FEE = "day_fee", "Classroom day fee"
        REAPPLICATION_FEE = "reapplication_fee", "Reapplication fee"
        RENEWAL_FEE = "renewal_fee", "Renewal fee"
        LATE_FEE = "late_fee", "Late fee"

    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    day = models.PositiveSmallIntegerField(null=True, blank=True)
    description = models.CharField(max_length=200)
    amount_cents = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    kind__in=["reapplication_fee", "renewal_fee", "late_fee"], day__isnull=True
                )
                | Q(kind="day_fee", day__gte=1, day__lte=4),
                name="day_fee_names_a_day",
            )
        ]

    def __str__(self) -> str:
        return self.description


class StripeEvent(models.Model):
    """A verified Stripe webhook event, stored once by its id so a redelivery is a no-op."""

    stripe_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=128)
    payload = models.JSONField()
    received_at = models.DateTimeField(default=clock.now)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.type} {self.stripe_id}"
