"""An application for certification: the applicant's four sections, its status and its clock."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from enrollment.rules import Track
from enrollment.selfcheck import Education
from lms import clock


class ApplicationStatus(models.TextChoices):
    """Where an application stands (spec section 3). Only the services in
    `enrollment.services.applications` change it, along `TRANSITIONS`."""

    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted, awaiting review"
    RETURNED = "returned", "Returned for correction"
    APPROVED = "approved", "Approved"
    DENIED = "denied", "Denied"
    TRAINING_COMPLETE = "training_complete", "Training complete, awaiting approval"
    TRAINING_APPROVED = "training_approved", "Training approved"
    CLASSROOM_COMPLETE = "classroom_complete", "Classroom complete"
    EXAM_PASSED = "exam_passed", "Exam passed"
    EMPLOYMENT_VERIFIED = "employment_verified", "Employment verified"
    CERTIFIED = "certified", "Certified"
    EXPIRED = "expired", "Expired"


S = ApplicationStatus

# Statuses in which the six-month clock runs: submitted and not yet finished, denied or expired.
CLOCK_RUNNING = frozenset(
    {
        S.SUBMITTED,
        S.RETURNED,
        S.APPROVED,
        S.TRAINING_COMPLETE,
        S.TRAINING_APPROVED,
        S.CLASSROOM_COMPLETE,
        S.EXAM_PASSED,
        S.EMPLOYMENT_VERIFIED,
    }
)
# Statuses that end an application for good; a person may start a new one after them.
FINAL = frozenset({S.DENIED, S.EXPIRED, S.CERTIFIED})

TRANSITIONS: dict[ApplicationStatus, frozenset[ApplicationStatus]] = {
    S.DRAFT: frozenset({S.SUBMITTED}),
    S.SUBMITTED: frozenset({S.APPROVED, S.DENIED, S.RETURNED, S.EXPIRED}),
    S.RETURNED: frozenset({S.SUBMITTED, S.EXPIRED}),
    S.APPROVED: frozenset({S.TRAINING_COMPLETE, S.EXPIRED}),
    S.TRAINING_COMPLETE: frozenset({S.TRAINING_APPROVED, S.EXPIRED}),
    S.TRAINING_APPROVED: frozenset({S.CLASSROOM_COMPLETE, S.EXPIRED}),
    S.CLASSROOM_COMPLETE: frozenset({S.EXAM_PASSED, S.EXPIRED}),
    S.EXAM_PASSED: frozenset({S.EMPLOYMENT_VERIFIED, S.EXPIRED}),
    S.EMPLOYMENT_VERIFIED: frozenset({S.CERTIFIED, S.EXPIRED}),
    S.DENIED: frozenset(),
    S.EXPIRED: frozenset(),
    S.CERTIFIED: frozenset(),
}


DEGREE_LEVELS = frozenset(e.value for e in Education if e.has_bachelor)


class Application(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="applications"
    )
    track = models.CharField(max_length=16, choices=[(t.value, t.label) for t in Track])
    status = models.CharField(
        max_length=24, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT
    )
    created_at = models.DateTimeField(default=clock.now)

    # Personal
    legal_first_name = models.CharField("legal first name", max_length=100, blank=True)
    legal_middle_name = models.CharField("legal middle name", max_length=100, blank=True)
    legal_last_name = models.CharField("legal last name", max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    phone = models.CharField("phone number", max_length=32, blank=True)

    # Residence
    address_line1 = models.CharField("street address", max_length=200, blank=True)
    address_line2 = models.CharField("apartment, suite (optional)", max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=2, blank=True, default="OK")
    postal_code = models.CharField("ZIP code", max_length=10, blank=True)
    county = models.CharField(max_length=100, blank=True)

    # Education
    highest_education = models.CharField(
        "highest education",
        max_length=24,
        choices=[(e.value, e.label) for e in Education],
        blank=True,
    )
    college_credit_hours = models.PositiveIntegerField(null=True, blank=True)
    months_experience = models.PositiveIntegerField(
        "months of verifiable mental-health work experience", null=True, blank=True
    )
    degree = models.ForeignKey(
        "enrollment.ApprovedDegree",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        verbose_name="degree field (Approved Degree List)",
    )
    degree_other = models.CharField("degree field, if not on the list", max_length=200, blank=True)
    institution = models.CharField("college or university", max_length=200, blank=True)
    rn_license_number = models.CharField(
        "Oklahoma RN licence number (if any)", max_length=32, blank=True
    )
    adc_certified = models.BooleanField(
        "I am a certified alcohol and drug counselor in Oklahoma", default=False
    )
    cprp_certified = models.BooleanField("I hold a current CPRP, CPRC or CFRP", default=False)
    cm1_certificate_number = models.CharField(
        "current CM I certificate number", max_length=32, blank=True
    )

    # Employment
    agency = models.ForeignKey(
        "enrollment.QualifyingAgency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        verbose_name="employing agency",
    )
    job_title = models.CharField(max_length=200, blank=True)
    employment_start_date = models.DateField(null=True, blank=True)
    odmhsas_employee = models.BooleanField("I am an ODMHSAS employee", default=False)

    # Review and clock
    needs_transcript_review = models.BooleanField(default=False)
    submitted_on = models.DateField(null=True, blank=True, help_text="First submission.")
    expires_on = models.DateField(null=True, blank=True, db_index=True)
    last_submitted_at = models.DateTimeField(null=True, blank=True)
    # The fees in force at the first submission: later policy changes do not reprice it.
    day_fee_cents = models.PositiveIntegerField(
        null=True, blank=True, editable=False, help_text="Classroom fee per day, when submitted."
    )
    reapplication_fee_cents = models.PositiveIntegerField(
        null=True, blank=True, editable=False, help_text="Reapplication fee, when submitted."
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    corrections = models.JSONField(
        default=dict, blank=True, help_text="Field name → what to correct, when returned."
    )
    correction_replies = models.JSONField(
        default=dict, blank=True, help_text="Field name → the applicant's reply to a correction."
    )
    returned_values = models.JSONField(
        default=dict,
        blank=True,
        help_text="Field name → the answer as it stood when last returned (for before/after).",
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=~Q(status__in=["denied", "expired", "certified"]),
                name="one_open_application_per_person",
            )
        ]
        permissions = [("decide_application", "Can approve, deny or return applications")]

    def __str__(self) -> str:
        return f"Application #{self.pk}"

    @property
    def track_enum(self) -> Track:
        return Track(self.track)

    @property
    def claims_degree(self) -> bool:
        return self.highest_education in DEGREE_LEVELS

    @property
    def is_editable(self) -> bool:
        """The applicant may change their answers only before submission or when returned."""
        return self.status in (ApplicationStatus.DRAFT, ApplicationStatus.RETURNED)


class ApplicationUpload(models.Model):
    """A document an applicant uploaded (a transcript, later certificates), in private storage."""

    class Purpose(models.TextChoices):
        TRANSCRIPT = "transcript", "Transcript"
        CERTIFICATE = "certificate", "Certificate"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="uploads")
    purpose = models.CharField(max_length=16, choices=Purpose.choices)
    storage_name = models.CharField(max_length=255, unique=True)
    original_name = models.CharField(max_length=255)
    kind = models.CharField(max_length=8)  # pdf / png / jpeg, detected from the content
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} for application #{self.application_id}"


class ApplicationReminder(models.Model):
    """An expiry reminder already sent, so the daily task never sends the same one twice."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="reminders")
    days_left = models.PositiveSmallIntegerField()
    sent_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["application", "days_left"], name="one_reminder_per_threshold"
            )
        ]

    def __str__(self) -> str:
        return f"{self.days_left}-day reminder for application #{self.application_id}"


class EmployeeConfirmation(models.Model):
    """Certification staff confirmed the applicant's ODMHSAS employment claim
    (`Application.odmhsas_employee`), which waives the classroom day fees while it stands.
    Revoking keeps the row (who revoked, when, why); at most one unrevoked row per application.
    Only `enrollment.services.applications` writes these."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="employee_confirmations"
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(default=clock.now)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoke_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-confirmed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(revoked_at__isnull=True),
                name="one_standing_employee_confirmation",
            )
        ]

    def __str__(self) -> str:
        return f"ODMHSAS employment confirmation for application #{self.application_id}"
