"""Verification of employment (spec section 3, step 8): a request to one qualifying agency to
confirm that an applicant works there. Only `certification.services.verification` changes
`status`, along `VOE_TRANSITIONS`."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from lms import clock


class VerificationStatus(models.TextChoices):
    UNLISTED = "unlisted", "Employer not listed: waiting for staff"
    PENDING = "pending", "Waiting for your employer"
    CONFIRMED = "confirmed", "Employment confirmed"
    REFUSED = "refused", "Refused by the employer"
    REJECTED = "rejected", "Confirmation rejected by staff"
    CLOSED = "closed", "Closed"


V = VerificationStatus
OPEN = frozenset({V.UNLISTED, V.PENDING})
VOE_TRANSITIONS: dict[VerificationStatus, frozenset[VerificationStatus]] = {
    V.UNLISTED: frozenset({V.PENDING, V.CLOSED}),
    V.PENDING: frozenset({V.CONFIRMED, V.REFUSED, V.CLOSED}),
    V.CONFIRMED: frozenset({V.REJECTED}),
    V.REFUSED: frozenset(),
    V.REJECTED: frozenset(),
    V.CLOSED: frozenset(),
}


class VerificationRequest(models.Model):
    application = models.ForeignKey(
        "enrollment.Application", on_delete=models.CASCADE, related_name="verification_requests"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="verification_requests"
    )
    agency = models.ForeignKey(
        "enrollment.QualifyingAgency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="verification_requests",
    )
    unlisted_agency_name = models.CharField(
        "employer named by the applicant (not listed)", max_length=200, blank=True
    )
    status = models.CharField(max_length=16, choices=V.choices, default=V.PENDING)
    created_at = models.DateTimeField(default=clock.now)
    last_reminded_at = models.DateTimeField(null=True, blank=True)

    # The answer (attester online, or staff on a paper form)
    employed_since = models.DateField(null=True, blank=True)
    position = models.CharField(max_length=200, blank=True)
    is_case_management = models.BooleanField(null=True, blank=True)
    attester_name = models.CharField("attester's typed full name", max_length=200, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    on_paper = models.BooleanField("paper form accepted by staff", default=False)
    reason = models.TextField(blank=True)
    employment = models.ForeignKey(
        "certification.Employment", null=True, blank=True, on_delete=models.SET_NULL
    )

    # A signed form, if one was attached (private storage, checked by content)
    document_storage_name = models.CharField(max_length=255, blank=True)
    document_original_name = models.CharField(max_length=255, blank=True)
    document_kind = models.CharField(max_length=8, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "employment verification"
        constraints = [
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(status__in=["unlisted", "pending"]),
                name="one_open_verification_per_application",
            )
        ]

    def __str__(self) -> str:
        return f"Employment verification #{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    @property
    def person_email(self) -> str:
        return self.person.email

    @property
    def employer_name(self) -> str:
        return self.agency.name if self.agency_id else self.unlisted_agency_name
