"""The yearly clock's own records: the renewal reminders already sent to a holder.

The suspension and termination themselves are `CertificationEvent` rows (verb "suspended" /
"terminated", dated by `effective_on`); the status stays derived from `valid_through`.
"""

from django.db import models


class ReminderKind(models.TextChoices):
    """The holder's reminders of a renewal year (`renewal_rules.renewal_reminder_dates`)."""

    OPENS = "opens", "Renewal is open"
    DUE_30 = "due_30", "30 days before June 30"
    DUE_7 = "due_7", "7 days before June 30"
    DUE_1 = "due_1", "1 day before June 30"
    LATE_CLOSES = "late_closes", "Late renewal closes December 30"


class RenewalReminder(models.Model):
    """A renewal reminder already sent, so the daily job never sends the same one twice."""

    certification = models.ForeignKey(
        "certification.Certification", on_delete=models.CASCADE, related_name="renewal_reminders"
    )
    year = models.PositiveSmallIntegerField(help_text="The renewal year (its Jun 30).")
    kind = models.CharField(max_length=16, choices=ReminderKind.choices)
    sent_on = models.DateField()

    class Meta:
        ordering = ["year", "sent_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["certification", "year", "kind"], name="one_renewal_reminder_per_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.year}) for certificate #{self.certification_id}"


class AgencyDigestSent(models.Model):
    """An agency's weekly digest already sent for the week starting `week_of` (a Monday), so a
    second run of the weekly job (or `manage.py daily` run twice) sends nothing more."""

    agency = models.ForeignKey(
        "enrollment.QualifyingAgency", on_delete=models.CASCADE, related_name="+"
    )
    week_of = models.DateField()
    sent_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "week_of"], name="one_digest_per_week")
        ]

    def __str__(self) -> str:
        return f"Digest of the week of {self.week_of} to agency {self.agency_id}"


class HolderNotice(models.Model):
    """A yearly-clock email already written to a holder (suspended, terminated, a renewal
    reminder), so a notice task run twice (redelivered after it committed) writes it once."""

    certification = models.ForeignKey(
        "certification.Certification", on_delete=models.CASCADE, related_name="+"
    )
    notice = models.CharField(max_length=32, help_text='"suspended", "terminated", "reminder:…"')
    key = models.CharField(
        max_length=16, help_text="What identifies it: the day the change took effect, the year."
    )
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["certification", "notice", "key"], name="one_holder_notice"
            )
        ]

    def __str__(self) -> str:
        return f"{self.notice} ({self.key}) to the holder of certificate #{self.certification_id}"
