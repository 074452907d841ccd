"""Reference lists kept in the admin: the Approved Degree List and the qualifying agencies."""

from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.search import index


class ApprovedDegree(index.Indexed, models.Model):
    """A behavioral-health degree field on the Approved Degree List (a snippet editors maintain)."""

    name = models.CharField(max_length=200, unique=True)
    active = models.BooleanField(
        default=True, help_text="Inactive degrees are no longer offered on the application."
    )

    panels = [FieldPanel("name"), FieldPanel("active")]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]
        verbose_name = "approved degree"

    def __str__(self) -> str:
        return self.name


class ContractType(models.TextChoices):
    """SoonerCare contract types of agencies whose case managers bill T1017 (seed 001)."""

    OPBH = "110", "110 – OPBH"
    CMHC = "111", "111 – CMHC"
    PACT = "114", "114 – PACT"


class QualifyingAgency(index.Indexed, models.Model):
    """An employer whose case managers qualify for certification, kept by certification staff."""

    name = models.CharField(max_length=200, unique=True)
    contract_type = models.CharField(max_length=3, choices=ContractType.choices)
    city = models.CharField(max_length=100, blank=True)
    active = models.BooleanField(default=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("contract_type"),
        FieldPanel("city"),
        FieldPanel("active"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]
        verbose_name = "qualifying agency"
        verbose_name_plural = "qualifying agencies"

    def __str__(self) -> str:
        return f"{self.name} ({self.get_contract_type_display()})"
