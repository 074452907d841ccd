"""The yearly renewal of a certification (spec section 4): one `Renewal` per certification and
renewal year, its CEUs, staff's structured corrections and its append-only history.

Only `certification.services.renewals` changes `Renewal.status`, along `RENEWAL_TRANSITIONS`.
A renewal is submitted only once its fee is paid (or it is exempt): there is no "paid but not
submitted" state.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from certification.renewal_rules import CEU_HOURS, OTHER_PROVIDER
from lms import clock


class RenewalStatus(models.TextChoices):
    DRAFT = "draft", "In progress"
    SUBMITTED = "submitted", "Submitted: waiting for review"
    RETURNED = "returned", "Returned for corrections"
    APPROVED = "approved", "Approved"
    DENIED = "denied", "Denied"


R = RenewalStatus
RENEWAL_TRANSITIONS: dict[str, frozenset[str]] = {
    R.DRAFT: frozenset({R.SUBMITTED}),
    R.SUBMITTED: frozenset({R.APPROVED, R.RETURNED, R.DENIED}),
    R.RETURNED: frozenset({R.SUBMITTED, R.DENIED}),
    R.APPROVED: frozenset(),
    R.DENIED: frozenset(),
}
EDITABLE = frozenset({R.DRAFT, R.RETURNED})
RENEWAL_SECTIONS = ("personal", "residence", "education", "employment")


class Renewal(models.Model):
    certification = models.ForeignKey(
        "certification.Certification", on_delete=models.PROTECT, related_name="renewals"
    )
    year = models.PositiveSmallIntegerField("renewal year")
    status = models.CharField(max_length=16, choices=R.choices, default=R.DRAFT)
    created_at = models.DateTimeField(default=clock.now)

    # The profile sections as the holder reviewed them (section → field → value)
    profile = models.JSONField(default=dict, blank=True)
    sections_reviewed = models.JSONField(default=list, blank=True)
    employer = models.ForeignKey(
        "enrollment.QualifyingAgency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    verification = models.ForeignKey(
        "certification.VerificationRequest",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="renewals",
    )

    # Signature (typed full name, the attestation, the time)
    signed_name = models.CharField("typed full name", max_length=200, blank=True)
    attested = models.BooleanField(default=False)
    signed_at = models.DateTimeField(null=True, blank=True)

    # Submission and its fee (what was due by the submission date)
    odmhsas_employee = models.BooleanField(default=False)
    first_submitted_on = models.DateField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    fee_cents = models.PositiveIntegerField(null=True, blank=True)
    fee_payment = models.ForeignKey(
        "payments.Payment", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    # The audit draw, stored as it was made
    audit_seed = models.ForeignKey(
        "certification.AuditSeed",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="renewals",
    )
    audit_rate = models.DecimalField(max_digits=5, decimal_places=4, null=True, blank=True)
    audit_hash = models.CharField(max_length=64, blank=True)
    audit_value = models.CharField(max_length=80, blank=True)
    audit_selected = models.BooleanField(null=True, blank=True)

    # The extra late fee of an on-time renewal not approved by Jun 30, or its waiver
    late_fee_payment = models.ForeignKey(
        "payments.Payment", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    late_fee_waived_at = models.DateTimeField(null=True, blank=True)
    late_fee_waived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    late_fee_waiver_reason = models.TextField(blank=True)

    # The decision
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-year", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["certification", "year"], name="one_renewal_per_certification_year"
            )
        ]

    def __str__(self) -> str:
        return f"Renewal {self.year} of {self.certification.number}"

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE

    @property
    def late_fee_waived(self) -> bool:
        return self.late_fee_waived_at is not None


class DocumentReview(models.TextChoices):
    NONE = "", "Not reviewed"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"


class CeuEntry(models.Model):
    """One CEU the holder lists, with an optional certificate or transcript (checked by
    content like every upload) and, for an audited renewal, staff's review of that document."""

    renewal = models.ForeignKey(Renewal, on_delete=models.CASCADE, related_name="ceus")
    category = models.CharField(max_length=40)
    title = models.CharField(max_length=200)
    provider = models.CharField(max_length=200)
    provider_type = models.CharField(max_length=40, default=OTHER_PROVIDER)
    unit = models.CharField(max_length=40, default=CEU_HOURS)
    hours = models.DecimalField(
        max_digits=5, decimal_places=2, validators=[MinValueValidator(Decimal("0.25"))]
    )
    completed_on = models.DateField("date completed")
    document_storage_name = models.CharField(max_length=255, blank=True)
    document_original_name = models.CharField(max_length=255, blank=True)
    document_kind = models.CharField(max_length=8, blank=True)
    document_review = models.CharField(
        max_length=8, choices=DocumentReview.choices, default="", blank=True
    )
    document_reason = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["completed_on", "pk"]
        verbose_name = "CEU"

    def __str__(self) -> str:
        return self.title

    @property
    def has_document(self) -> bool:
        return bool(self.document_storage_name)


class CorrectionTarget(models.TextChoices):
    FIELD = "field", "A profile field"
    CEU = "ceu", "A CEU"
    DOCUMENT = "document", "A CEU document"


class RenewalCorrection(models.Model):
    """One thing staff ask the holder to fix when they return a renewal, tied to a profile
    field, a CEU or a CEU's document."""

    renewal = models.ForeignKey(Renewal, on_delete=models.CASCADE, related_name="corrections")
    target = models.CharField(max_length=8, choices=CorrectionTarget.choices)
    field_name = models.CharField(max_length=40, blank=True)
    ceu = models.ForeignKey(
        CeuEntry, null=True, blank=True, on_delete=models.SET_NULL, related_name="corrections"
    )
    message = models.TextField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.message[:60]


class RenewalEvent(models.Model):
    """One change to a renewal (started, submitted, drawn, returned, approved, waived…), kept
    for the holder and staff to read. Append-only: never updated or deleted."""

    renewal = models.ForeignKey(Renewal, on_delete=models.PROTECT, related_name="events")
    verb = models.CharField(max_length=32)
    from_state = models.CharField(max_length=16, blank=True)
    to_state = models.CharField(max_length=16, blank=True)
    reason = models.TextField(blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.renewal} {self.verb}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Renewal events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Renewal events are append-only.")
