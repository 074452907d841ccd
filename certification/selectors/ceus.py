"""Reads of the CEU rules and the published audit seeds."""

from datetime import date

from django.db.models import QuerySet

from certification.models import AuditSeed, CeuCap, CeuCategory, CeuConversion, CeuWindow
from certification.renewal_rules import CeuCap as Cap
from certification.renewal_rules import CeuCategory as Category
from certification.renewal_rules import CeuConversion as Conversion
from certification.renewal_rules import CeuRules
from enrollment.selectors.applications import policy_get


def ceu_rules_get() -> CeuRules:
    """The CEU rules as certification staff have set them: the total from the certification
    policy, categories, caps, conversions and the window from their admin rows."""
    window = CeuWindow.load()
    return CeuRules(
        categories=tuple(
            Category(c.key, c.label, c.minimum_hours) for c in CeuCategory.objects.all()
        ),
        total_hours=policy_get().ceu_total_hours,
        caps=tuple(Cap(c.provider_type, c.max_hours_per_year) for c in CeuCap.objects.all()),
        conversions=tuple(Conversion(c.unit, c.factor) for c in CeuConversion.objects.all()),
        window_start_month_day=(window.start_month, window.start_day),
        window_end_month_day=(window.end_month, window.end_day),
    )


def audit_seed_published_list(*, today: date) -> QuerySet[AuditSeed]:
    """Seeds anyone may see: published on or before `today`, newest year first."""
    return AuditSeed.objects.filter(published_on__isnull=False, published_on__lte=today)
