"""Agency accounts and what the agency is told: who may act for a qualifying agency (attester or
viewer, with their alert choices), the agency's own roster of staff ids, and the alerts sent.

A user belongs to at most one agency (spec section 1: an agency user confirms employment for,
and sees the staff of, their own agency only).
"""

from django.conf import settings
from django.db import models

from lms import clock


class AgencyRole(models.TextChoices):
    ATTESTER = "attester", "Attester (may confirm employment)"
    VIEWER = "viewer", "Viewer (sees the staff list only)"


class AgencyMembership(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agency_membership"
    )
    agency = models.ForeignKey(
        "enrollment.QualifyingAgency", on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=16, choices=AgencyRole.choices, default=AgencyRole.VIEWER)
    alert_status_changes = models.BooleanField(
        "email me when one of our people's status changes", default=True
    )
    alert_weekly_digest = models.BooleanField(
        "email me a weekly digest of renewals due and suspensions", default=True
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["agency__name", "user__email"]
        verbose_name = "agency user"

    def __str__(self) -> str:
        return f"{self.user.email} ({self.get_role_display().split(' (')[0]}, {self.agency.name})"

    @property
    def is_attester(self) -> bool:
        return self.role == AgencyRole.ATTESTER


class RosterEntry(models.Model):
    """A person the agency lists as its employee (roster upload), with the agency's own staff id."""

    agency = models.ForeignKey(
        "enrollment.QualifyingAgency", on_delete=models.CASCADE, related_name="roster"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roster_entries"
    )
    staff_id = models.CharField("agency staff id", max_length=64, blank=True)
    added_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "person"], name="one_roster_entry_per_person")
        ]

    def __str__(self) -> str:
        return f"Roster entry {self.staff_id or self.pk} at agency {self.agency_id}"


class AlertChange(models.TextChoices):
    SUSPENDED = "suspended", "Certification suspended"
    TERMINATED = "terminated", "Certification terminated"
    REVOKED = "revoked", "Certification revoked"
    RENEWED = "renewed", "Certification renewed"
    EMPLOYMENT_ENDED = "employment_ended", "Employment ended"


class AgencyAlert(models.Model):
    """One status-change alert sent to one agency: the unique key makes it once per change."""

    agency = models.ForeignKey(
        "enrollment.QualifyingAgency", on_delete=models.CASCADE, related_name="alerts"
    )
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    change = models.CharField(max_length=20, choices=AlertChange.choices)
    change_key = models.CharField(
        max_length=64, help_text="What identifies this change (e.g. the date it took effect)."
    )
    sent_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "person", "change", "change_key"], name="one_alert_per_change"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_change_display()} alert to agency {self.agency_id}"
