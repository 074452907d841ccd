"""Employment over time: who works at which qualifying agency, from when, until when.

A person may work for more than one qualifying agency at once. A row counts for billing and
certification only once it is confirmed (by an agency attester, or by staff on a paper
verification); an ended row stops counting from its `ended_on` date (spec section 7).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class Employment(models.Model):
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="employments"
    )
    agency = models.ForeignKey(
        "enrollment.QualifyingAgency", on_delete=models.PROTECT, related_name="employments"
    )
    started_on = models.DateField("employed since")
    ended_on = models.DateField(
        "employment ended on", null=True, blank=True, help_text="First day no longer employed."
    )
    position = models.CharField(max_length=200, blank=True)
    is_case_management = models.BooleanField("the role is case management", default=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-started_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="employment_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} at {self.agency.name} since {self.started_on}"
