"""CEU rules as data certification staff edit in the admin, and the year's audit seed.

The CEU total and the audit rate default live on `enrollment.CertificationPolicy`; category
minimums, caps, conversions and the window live here. `certification.selectors.ceus.ceu_rules_get`
builds the pure `renewal_rules.CeuRules` from both. Every change goes through
`certification.services.ceus` (validated, audited), the admin forms included.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

from certification.ceu_forms import CeuRuleForm
from certification.renewal_rules import AGENCY_IN_HOUSE, COLLEGE_CREDIT_HOURS
from lms import clock

_HOURS = {"max_digits": 5, "decimal_places": 2, "validators": [MinValueValidator(Decimal("0"))]}
_KEY = RegexValidator(r"^[a-z][a-z0-9_]*$", "Use lowercase letters, digits and underscores.")
_MONTH = [MinValueValidator(1), MaxValueValidator(12)]
_DAY = [MinValueValidator(1), MaxValueValidator(31)]


class CeuCategory(models.Model):
    """A CEU subject; at least `minimum_hours` of it are required (0: counts to the total)."""

    key = models.CharField(max_length=40, unique=True, validators=[_KEY])
    label = models.CharField(max_length=100)
    minimum_hours = models.DecimalField("minimum hours", default=Decimal("0"), **_HOURS)
    order = models.PositiveSmallIntegerField(default=0)

    edit_handler = ObjectList(
        [FieldPanel("key"), FieldPanel("label"), FieldPanel("minimum_hours"), FieldPanel("order")],
        base_form_class=CeuRuleForm,
    )

    class Meta:
        ordering = ["order", "key"]
        verbose_name = "CEU category"
        verbose_name_plural = "CEU categories"

    def __str__(self) -> str:
        return self.label


class CeuCap(models.Model):
    """At most `max_hours_per_year` CEU hours from this kind of provider count per renewal year."""

    provider_type = models.CharField(
        "kind of provider", max_length=40, unique=True, default=AGENCY_IN_HOUSE, validators=[_KEY]
    )
    label = models.CharField(max_length=100, default="Agency in-house training")
    max_hours_per_year = models.DecimalField("at most (hours a year)", **_HOURS)

    edit_handler = ObjectList(
        [FieldPanel("provider_type"), FieldPanel("label"), FieldPanel("max_hours_per_year")],
        base_form_class=CeuRuleForm,
    )

    class Meta:
        ordering = ["provider_type"]
        verbose_name = "CEU cap"

    def __str__(self) -> str:
        return f"{self.label}: at most {self.max_hours_per_year} hours a year"


class CeuConversion(models.Model):
    """One `unit` of study counts as `factor` CEU hours (college credit hours: 4)."""

    unit = models.CharField(
        max_length=40, unique=True, default=COLLEGE_CREDIT_HOURS, validators=[_KEY]
    )
    label = models.CharField(max_length=100, default="College credit hours")
    factor = models.DecimalField(
        "CEU hours per unit",
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )

    edit_handler = ObjectList(
        [FieldPanel("unit"), FieldPanel("label"), FieldPanel("factor")],
        base_form_class=CeuRuleForm,
    )

    class Meta:
        ordering = ["unit"]
        verbose_name = "CEU conversion"

    def __str__(self) -> str:
        return f"1 {self.label.lower()} = {self.factor} CEU hours"


@register_setting(icon="date")
class CeuWindow(BaseGenericSetting):
    """The CEU window of renewal year Y: it ends on the end day of Y and starts on the start day
    of Y−1 when that comes later in the calendar than the end day (the default), else of Y."""

    start_month = models.PositiveSmallIntegerField(default=7, validators=_MONTH)
    start_day = models.PositiveSmallIntegerField(default=1, validators=_DAY)
    end_month = models.PositiveSmallIntegerField(default=6, validators=_MONTH)
    end_day = models.PositiveSmallIntegerField(default=30, validators=_DAY)

    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("start_month"), FieldPanel("start_day")], heading="Starts"),
            FieldRowPanel([FieldPanel("end_month"), FieldPanel("end_day")], heading="Ends"),
        ],
        base_form_class=CeuRuleForm,
    )

    class Meta:
        verbose_name = "CEU window"


class AuditSeed(models.Model):
    """The secret that keys the year's random CEU audit draw, published after the season."""

    year = models.PositiveSmallIntegerField("renewal year", unique=True)
    seed = models.CharField(max_length=128, help_text="Kept secret until it is published.")
    rate = models.DecimalField(
        "audit rate (0–1)",
        max_digits=5,
        decimal_places=4,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=clock.now)
    published_on = models.DateField(
        null=True, blank=True, help_text="Shown on the public page from this day (after Dec 30)."
    )
    drawn_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="First draw; the seed is fixed from then."
    )

    edit_handler = ObjectList(
        [FieldPanel("year"), FieldPanel("seed"), FieldPanel("rate"), FieldPanel("published_on")],
        base_form_class=CeuRuleForm,
    )

    class Meta:
        ordering = ["-year"]
        verbose_name = "audit seed"

    def __str__(self) -> str:
        return f"Audit seed {self.year}"
