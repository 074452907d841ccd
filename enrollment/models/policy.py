from decimal import Decimal

from django.core.validators import MinValueValidator, validate_comma_separated_integer_list
from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

from enrollment.rules import DEFAULT_POLICY

_MONEY = {"max_digits": 8, "decimal_places": 2, "validators": [MinValueValidator(Decimal("0"))]}
_HOURS = {"max_digits": 5, "decimal_places": 2, "validators": [MinValueValidator(Decimal("0"))]}


@register_setting(icon="cog")
class CertificationPolicy(BaseGenericSetting):
    """Every amount, rate and period of the certification rules, editable by certification staff.

    Defaults are the values of the spec; `enrollment.selectors.applications.policy_get` turns this
    row into the `rules.Policy` the rules take.
    """

    day_fee = models.DecimalField(
        "classroom fee per day ($)", default=DEFAULT_POLICY.day_fee, **_MONEY
    )
    reapplication_fee = models.DecimalField(
        "reapplication fee ($)", default=DEFAULT_POLICY.reapplication_fee, **_MONEY
    )
    renewal_fee = models.DecimalField(
        "renewal fee ($)", default=DEFAULT_POLICY.renewal_fee, **_MONEY
    )
    late_fee = models.DecimalField(
        "late renewal fee ($)", default=DEFAULT_POLICY.late_fee, **_MONEY
    )
    application_valid_months = models.PositiveSmallIntegerField(
        "months an application stays open", default=DEFAULT_POLICY.application_valid_months
    )
    reapply_wait_days = models.PositiveSmallIntegerField(
        "days to wait before reapplying after termination", default=DEFAULT_POLICY.reapply_wait_days
    )
    ceu_total_hours = models.DecimalField(
        "CEU hours required in all", default=DEFAULT_POLICY.ceu_total_hours, **_HOURS
    )
    ceu_ethics_hours = models.DecimalField(
        "CEU hours of Ethics at least", default=DEFAULT_POLICY.ceu_ethics_hours, **_HOURS
    )
    ceu_strengths_hours = models.DecimalField(
        "CEU hours of Strengths-Based practice at least",
        default=DEFAULT_POLICY.ceu_strengths_hours,
        **_HOURS,
    )
    audit_rate_percent = models.DecimalField(
        "renewals drawn for a CEU audit (%)",
        max_digits=5,
        decimal_places=2,
        default=DEFAULT_POLICY.audit_rate * 100,
        validators=[MinValueValidator(Decimal("0"))],
    )
    waitlist_offer_hours = models.PositiveSmallIntegerField(
        "hours a waitlist offer stays open", default=DEFAULT_POLICY.waitlist_offer_hours
    )
    expiry_reminder_days = models.CharField(
        "expiry reminders (days left, comma-separated)",
        max_length=64,
        validators=[validate_comma_separated_integer_list],
        default=",".join(str(d) for d in DEFAULT_POLICY.expiry_reminder_days),
    )
    session_reminder_days = models.PositiveSmallIntegerField(
        "days before a classroom session to remind", default=DEFAULT_POLICY.session_reminder_days
    )

    panels = [
        MultiFieldPanel(
            [FieldPanel("day_fee"), FieldPanel("reapplication_fee")], heading="Application fees"
        ),
        MultiFieldPanel(
            [FieldPanel("application_valid_months"), FieldPanel("expiry_reminder_days")],
            heading="Application clock",
        ),
        MultiFieldPanel(
            [
                FieldPanel("renewal_fee"),
                FieldPanel("late_fee"),
                FieldPanel("reapply_wait_days"),
                FieldPanel("audit_rate_percent"),
            ],
            heading="Renewal",
        ),
        MultiFieldPanel(
            [
                FieldPanel("ceu_total_hours"),
                FieldPanel("ceu_ethics_hours"),
                FieldPanel("ceu_strengths_hours"),
            ],
            heading="Continuing education",
        ),
        MultiFieldPanel(
            [FieldPanel("waitlist_offer_hours"), FieldPanel("session_reminder_days")],
            heading="Classroom sessions",
        ),
    ]

    class Meta:
        verbose_name = "certification policy"
