"""Writes to the CEU rules and the audit seeds, and the audit draw itself.

Every change is checked here (a `ValidationError` keyed by field, so the admin shows it at the
field) and audited with the old and the new values.
"""

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.forms.models import model_to_dict

from certification.models import AuditSeed, CeuCap, CeuCategory, CeuConversion, CeuWindow
from certification.renewal_rules import (
    CeuRules,
    audit_draw_hash,
    audit_draw_value,
    ceu_rules_window,
)
from enrollment.rules import RuleViolation
from enrollment.selectors.applications import policy_get
from lms import clock
from lms.models import User
from lms.services import audit_record

_AUDITED = (CeuCategory, CeuCap, CeuConversion, CeuWindow, AuditSeed)
_SECRET = {"seed"}  # never copied into the audit log before it is published


def _total() -> Decimal:
    return policy_get().ceu_total_hours


def _check_category(row: CeuCategory) -> dict[str, str]:
    others = CeuCategory.objects.exclude(pk=row.pk).aggregate(s=models.Sum("minimum_hours"))["s"]
    total = _total()
    if row.minimum_hours is not None and (others or 0) + row.minimum_hours > total:
        return {
            "minimum_hours": f"The category minimums would add up to more than the "
            f"{total} hours required in all."
        }
    return {}


def _check_cap(row: CeuCap) -> dict[str, str]:
    total = _total()
    if row.max_hours_per_year is not None and row.max_hours_per_year > total:
        return {"max_hours_per_year": f"A cap cannot exceed the {total} hours required in all."}
    return {}


def _check_window(row: CeuWindow) -> dict[str, str]:
    rules = CeuRules(
        (), Decimal(0), (), (), (row.start_month, row.start_day), (row.end_month, row.end_day)
    )
    try:
        ceu_rules_window(2001, rules)
    except RuleViolation as error:
        field = "start_day" if (row.start_month, row.start_day) == (2, 29) else "end_day"
        try:
            date(2001, row.start_month, row.start_day)
        except (TypeError, ValueError):
            field = "start_day"
        return {field: str(error)}
    return {}


def _check_seed(row: AuditSeed) -> dict[str, str]:
    errors = {}
    if row.pk:
        before = AuditSeed.objects.get(pk=row.pk)
        if before.drawn_at is not None:
            for field in ("year", "seed", "rate"):
                if getattr(before, field) != getattr(row, field):
                    errors[field] = (
                        f"Renewals of {before.year} have been drawn with this {field}; "
                        "it can no longer change."
                    )
    if row.published_on and row.year and row.published_on <= date(row.year, 12, 30):
        errors["published_on"] = (
            f"Publish the seed after the season: after December 30, {row.year}."
        )
    return errors


_CHECKS = {
    CeuCategory: _check_category,
    CeuCap: _check_cap,
    CeuWindow: _check_window,
    AuditSeed: _check_seed,
}


def ceu_rule_check(instance: models.Model) -> None:
    """Refuse a CEU rule or audit seed that breaks a rule (field validators run in the form).

    Raises ValidationError keyed by field: category minimums over the total, a cap over the
    total, a window day that is not in every year, a drawn seed's year/seed/rate changed, a
    seed published before the season ends.
    """
    check = _CHECKS.get(type(instance))
    errors = check(instance) if check else {}
    if errors:
        raise ValidationError(errors)


def _values(instance: models.Model) -> dict[str, str]:
    values = model_to_dict(instance)
    values.pop("id", None)
    return {k: ("(secret)" if k in _SECRET else str(v)) for k, v in values.items()}


@transaction.atomic
def ceu_rule_save(*, instance: models.Model, actor: User | None) -> models.Model:
    """Check and save a CEU rule or audit seed, auditing old → new values.

    Raises ValidationError as `ceu_rule_check`; nothing is written when refused.
    """
    if not isinstance(instance, _AUDITED):
        raise TypeError(f"{type(instance).__name__} is not a CEU rule")
    before = None
    if instance.pk:
        before = type(instance).objects.select_for_update().filter(pk=instance.pk).first()
    instance.full_clean()
    ceu_rule_check(instance)
    if isinstance(instance, AuditSeed) and before is None:
        instance.recorded_by = actor if actor is not None and actor.is_authenticated else None
        instance.recorded_at = clock.now()
    old = _values(before) if before is not None else {}
    instance.save()
    new = _values(instance)
    changed = {k: [old.get(k), v] for k, v in new.items() if old.get(k) != v}
    if isinstance(instance, AuditSeed) and before is not None and before.seed != instance.seed:
        changed["seed"] = ["(secret)", "(secret, changed)"]
    if changed:
        audit_record(
            actor=actor,
            verb=f"{instance._meta.model_name}.{'changed' if before else 'created'}",
            obj=instance,
            reason=json.dumps(changed, sort_keys=True),
        )
    return instance


@transaction.atomic
def ceu_rule_delete(*, instance: models.Model, actor: User | None) -> None:
    """Delete a CEU rule (not a drawn audit seed), auditing the values it had.

    Raises ValidationError for an audit seed that has been drawn.
    """
    row = type(instance).objects.select_for_update().get(pk=instance.pk)
    if isinstance(row, AuditSeed) and row.drawn_at is not None:
        raise ValidationError(f"Renewals of {row.year} have been drawn; the seed stays.")
    audit_record(
        actor=actor,
        verb=f"{row._meta.model_name}.deleted",
        obj=row,
        reason=json.dumps({k: [v, None] for k, v in _values(row).items()}, sort_keys=True),
    )
    row.delete()


@dataclass(frozen=True)
class AuditDraw:
    year: int
    certificate_number: str
    rate: Decimal
    value: Decimal
    hash: str
    selected: bool
    seed_id: int


@transaction.atomic
def audit_draw(*, year: int, certificate_number: str) -> AuditDraw:
    """Draw `certificate_number`'s renewal of `year` with the year's recorded seed and rate.

    The first draw of a year fixes its seed (audited). The renewal keeps what this returns
    (seed, rate, value, hash). Raises RuleViolation when no seed is recorded for the year.
    """
    seed = AuditSeed.objects.select_for_update().filter(year=year).first()
    if seed is None:
        raise RuleViolation(
            f"No audit seed is recorded for {year}; certification staff record it before "
            "the season."
        )
    if seed.drawn_at is None:
        seed.drawn_at = clock.now()
        seed.save(update_fields=["drawn_at"])
        audit_record(actor=None, verb="audit_seed.first_draw", obj=seed, to_state="drawn")
    value = audit_draw_value(seed.seed, certificate_number, year)
    return AuditDraw(
        year=year,
        certificate_number=certificate_number,
        rate=seed.rate,
        value=value,
        hash=audit_draw_hash(seed.seed, certificate_number, year),
        selected=value < seed.rate,
        seed_id=seed.pk,
    )
