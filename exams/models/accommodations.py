"""Extra time: a candidate asks, staff decide, and the approved allowance applies to every later
attempt."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from exams.rules import AllowanceKind, choices
from lms import clock


class AccommodationStatus(models.TextChoices):
    PENDING = "pending", "Awaiting a decision"
    APPROVED = "approved", "Approved"
    DENIED = "denied", "Denied"


class AccommodationRequest(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="exam_accommodations"
    )
    kind = models.CharField(max_length=8, choices=choices(AllowanceKind))
    amount = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(300)],
        help_text="A percentage of the time limit, or a number of minutes.",
    )
    reason = models.TextField()
    document_storage_name = models.CharField(max_length=255, blank=True)
    document_name = models.CharField(max_length=255, blank=True)
    document_kind = models.CharField(max_length=8, blank=True)
    document_size = models.PositiveIntegerField(null=True, blank=True)
    status = models.CharField(
        max_length=16, choices=AccommodationStatus.choices, default=AccommodationStatus.PENDING
    )
    created_at = models.DateTimeField(default=clock.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "exam accommodation"
        permissions = [("decide_accommodation", "Can approve or deny exam accommodations")]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(status="pending"), name="one_pending_accommodation"
            )
        ]

    def __str__(self) -> str:
        return f"Extra time request #{self.pk}"

    @property
    def allowance_label(self) -> str:
        if self.kind == AllowanceKind.PERCENT:
            return f"+{self.amount}% of the time limit"
        return f"+{self.amount} minute{'s' if self.amount != 1 else ''}"
