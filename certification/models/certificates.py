"""Certificates: the certification record, its endorsements, its append-only history, the
number counter, the published status lists, the public lookups and the T1017 billing facts.

What a certificate's status is on a day is derived
(`selectors.certificates.certification_status_on`) from `valid_through` and the explicit
`revoked_on` / `superseded_on`; only the services in `certification.services.certificates`
write these rows.
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from wagtail.admin.panels import FieldPanel

from enrollment.models.reference import ContractType
from lms import clock


class Level(models.TextChoices):
    """The certification level; the public contract writes it "CM I" / "CM II"."""

    CM1 = "CM I", "CM I"
    CM2 = "CM II", "CM II"


class EndorsementKind(models.TextChoices):
    """Specialty endorsements tracked on a CM II's record (seed 001)."""

    INTENSIVE = "intensive_case_manager", "Intensive Case Manager"
    WRAPAROUND = "wraparound_facilitator", "Wraparound Facilitator"


class CertificateNumberCounter(models.Model):
    """The last certificate number used in a year, locked (select_for_update) while issuing so
    two staff issuing at the same moment never get the same number."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Certification(models.Model):
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="certifications"
    )
    holder_name = models.CharField("name as certified", max_length=300)
    level = models.CharField(max_length=8, choices=Level.choices)
    number = models.CharField("certificate number", max_length=32, unique=True)
    application = models.OneToOneField(
        "enrollment.Application",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="certification",
    )
    issued_on = models.DateField()
    valid_through = models.DateField(help_text="Jun 30 of the year it must next be renewed.")
    revoked_on = models.DateField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revocation_reason = models.TextField(blank=True)
    superseded_on = models.DateField(null=True, blank=True)
    superseded_by = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="supersedes"
    )
    status_index = models.PositiveIntegerField(
        unique=True, help_text="This certificate's entry in the suspension and revocation lists."
    )
    credential_json = models.TextField(
        blank=True, help_text="The signed Open Badges credential, exactly as published."
    )
    credential_signed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["-issued_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.number} ({self.level})"


class Endorsement(models.Model):
    certification = models.ForeignKey(
        Certification, on_delete=models.CASCADE, related_name="endorsements"
    )
    kind = models.CharField(max_length=32, choices=EndorsementKind.choices)
    earned_on = models.DateField()
    evidence = models.TextField(help_text="What shows the requirement is met.")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["certification", "kind"], name="one_endorsement_of_a_kind"
            )
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class AppendOnlyError(ValueError):
    """History rows are written once: an update or delete is refused."""


class AppendOnlyQuerySet(models.QuerySet):
    """Refuses the set-wide writes (`update`, `delete`, `bulk_update`) so a queryset
    cannot rewrite history either; on PostgreSQL a trigger refuses raw UPDATE/DELETE too."""

    def update(self, **kwargs):
        raise AppendOnlyError("Certification events are append-only.")

    def delete(self):
        raise AppendOnlyError("Certification events are append-only.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError("Certification events are append-only.")


class CertificationEvent(models.Model):
    """One change to a certification (issued, endorsed, revoked, superseded, re-signed,
    suspended and terminated by the calendar), kept for the holder and staff to read.
    Append-only: never updated or deleted.

    `effective_on` is the day a calendar change took effect (Jul 1, Jan 1); with the unique
    constraint it makes the daily jobs write one row per certification per transition.
    """

    certification = models.ForeignKey(
        Certification, on_delete=models.PROTECT, related_name="events"
    )
    verb = models.CharField(max_length=32)
    from_state = models.CharField(max_length=32, blank=True)
    to_state = models.CharField(max_length=32, blank=True)
    reason = models.TextField(blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(default=clock.now)
    effective_on = models.DateField(null=True, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            # NULLs are distinct: only the dated (calendar) events are held to one per day.
            models.UniqueConstraint(
                fields=["certification", "verb", "effective_on"],
                name="one_calendar_event_per_transition",
            )
        ]

    def __str__(self) -> str:
        return f"{self.certification} {self.verb}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("Certification events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Certification events are append-only.")


class StatusListPurpose(models.TextChoices):
    SUSPENSION = "suspension", "Suspension"
    REVOCATION = "revocation", "Revocation"


class PublishedStatusList(models.Model):
    """A Bitstring Status List credential as published (signed once per change, not per request)."""

    purpose = models.CharField(max_length=16, choices=StatusListPurpose.choices, unique=True)
    set_indexes = models.JSONField(default=list)
    credential_json = models.TextField()
    signed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.purpose} list"


class VerificationLookup(models.Model):
    """One check of a certificate's public page or JSON: when, for which day, and the agency
    when the viewer was a signed-in agency user. No IP address or other viewer detail."""

    certification = models.ForeignKey(
        Certification, on_delete=models.CASCADE, related_name="lookups"
    )
    checked_at = models.DateTimeField(default=clock.now)
    as_of = models.DateField()
    agency = models.ForeignKey(
        "enrollment.QualifyingAgency",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-checked_at"]

    def __str__(self) -> str:
        return f"{self.certification} checked {self.checked_at:%Y-%m-%d}"


class BillingLimit(models.Model):
    """The T1017 facts per contract type (seed 001), kept as data staff can change."""

    contract_type = models.CharField(max_length=3, choices=ContractType.choices, unique=True)
    code = models.CharField(max_length=8, default="T1017")
    unit_minutes = models.PositiveSmallIntegerField(default=15, validators=[MinValueValidator(1)])
    daily_units = models.PositiveSmallIntegerField(default=16)
    monthly_units = models.PositiveSmallIntegerField()

    panels = [
        FieldPanel("contract_type"),
        FieldPanel("code"),
        FieldPanel("unit_minutes"),
        FieldPanel("daily_units"),
        FieldPanel("monthly_units"),
    ]

    class Meta:
        ordering = ["contract_type"]
        verbose_name = "T1017 billing limit"

    def __str__(self) -> str:
        return f"{self.code} {self.get_contract_type_display()}: {self.monthly_units}/month"
