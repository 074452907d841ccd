"""Classroom sessions (Day 1–4), the registrations that hold their seats, and waitlists."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from lms import clock


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    CANCELLED = "cancelled", "Cancelled"


class ClassroomSession(models.Model):
    """One classroom day taught on one date at one place. Staff schedule them in the admin."""

    day = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(4)],
        help_text="Days 1–2: Case Management; Days 3–4: Rehab.",
    )
    date = models.DateField()
    start_time = models.TimeField()
    end_time = models.TimeField()
    venue = models.CharField("place", max_length=200)
    address = models.CharField(max_length=300)
    room = models.CharField(max_length=100, blank=True)
    capacity = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    trainers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="classroom_sessions"
    )
    status = models.CharField(
        max_length=10, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED
    )
    attendance_locked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["date", "start_time", "day"]
        constraints = [
            models.CheckConstraint(condition=Q(day__gte=1, day__lte=4), name="session_day_1_to_4"),
            models.CheckConstraint(
                condition=Q(end_time__gt=models.F("start_time")), name="session_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"Day {self.day} on {self.date:%b %d, %Y} at {self.venue}"


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", "Confirmed"
    CANCELLED = "cancelled", "Cancelled"


class Attendance(models.TextChoices):
    PRESENT = "present", "Present"
    ABSENT = "absent", "Absent"
    LATE = "late", "Late"
    LEFT_EARLY = "left_early", "Left early"


class Registration(models.Model):
    """A seat held by an application in a session. `day` is copied from the session so the
    database can refuse a second confirmed booking of the same day for one application."""

    application = models.ForeignKey(
        "enrollment.Application", on_delete=models.PROTECT, related_name="registrations"
    )
    session = models.ForeignKey(
        ClassroomSession, on_delete=models.PROTECT, related_name="registrations"
    )
    day = models.PositiveSmallIntegerField()
    status = models.CharField(
        max_length=10, choices=RegistrationStatus.choices, default=RegistrationStatus.CONFIRMED
    )
    fee_item = models.OneToOneField(
        "payments.PaymentLineItem",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="registration",
        help_text="The paid day fee this seat uses; empty for an exempt ODMHSAS employee.",
    )
    fee_exempt = models.BooleanField(default=False)
    attendance = models.CharField(max_length=10, choices=Attendance.choices, blank=True)
    attendance_note = models.CharField(max_length=500, blank=True)
    calendar_sequence = models.PositiveIntegerField(default=0)  # bumped on each move (.ics)
    created_at = models.DateTimeField(default=clock.now)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["session__date", "day"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "day"],
                condition=Q(status="confirmed"),
                name="one_confirmed_registration_per_day",
            ),
            models.UniqueConstraint(
                fields=["application", "session"],
                condition=Q(status="confirmed"),
                name="one_confirmed_registration_per_session",
            ),
        ]

    def __str__(self) -> str:
        return f"Registration #{self.pk}"

    @property
    def calendar_uid(self) -> str:
        """Stable across moves, so a calendar updates the event instead of adding another."""
        return f"registration-{self.pk}@bhcm-certification"


class WaitlistStatus(models.TextChoices):
    WAITING = "waiting", "Waiting"
    OFFERED = "offered", "Offered a seat"
    CLAIMED = "claimed", "Claimed"
    LAPSED = "lapsed", "Offer lapsed"
    CANCELLED = "cancelled", "Cancelled"


class WaitlistEntry(models.Model):
    """A place in a full session's queue. When a seat frees, the first waiting person gets a
    time-limited offer; an unclaimed offer passes on."""

    session = models.ForeignKey(ClassroomSession, on_delete=models.CASCADE, related_name="waitlist")
    application = models.ForeignKey(
        "enrollment.Application", on_delete=models.CASCADE, related_name="waitlist_entries"
    )
    status = models.CharField(
        max_length=10, choices=WaitlistStatus.choices, default=WaitlistStatus.WAITING
    )
    joined_at = models.DateTimeField(default=clock.now)
    offered_at = models.DateTimeField(null=True, blank=True)
    offer_expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["joined_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "application"],
                condition=Q(status__in=["waiting", "offered"]),
                name="one_waitlist_place_per_session",
            )
        ]
        verbose_name_plural = "waitlist entries"

    def __str__(self) -> str:
        return f"Waitlist #{self.pk}"


class RegistrationReminder(models.Model):
    """A session reminder already sent for a booking, so the daily task never sends it twice.
    Keyed by the session as well: a booking moved to another date is reminded of the new one."""

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="reminders"
    )
    session = models.ForeignKey(ClassroomSession, on_delete=models.CASCADE, related_name="+")
    sent_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "session"], name="one_reminder_per_booking_and_session"
            )
        ]

    def __str__(self) -> str:
        return f"Reminder of registration #{self.registration_id} for session #{self.session_id}"
