"""Certification staff changing the policy (fees, periods, rates): every change is audited."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from enrollment.models import CertificationPolicy
from lms.models import User
from lms.services import audit_record

POLICY_CHANGED = "policy.changed"


def _text(field, value) -> str:
    if isinstance(value, Decimal):  # 12 and 12.00 are the same amount
        value = value.quantize(Decimal(1).scaleb(-field.decimal_places))
    return str(value)


def policy_values(row: CertificationPolicy) -> dict[str, str]:
    """Every editable value of the policy row, as text (what the audit log records)."""
    return {
        field.name: _text(field, getattr(row, field.attname))
        for field in CertificationPolicy._meta.concrete_fields
        if not field.primary_key
    }


def policy_change_record(
    *, before: dict[str, str], row: CertificationPolicy, actor: User | None
) -> int:
    """Audit what changed between `before` (`policy_values` read before the edit) and `row` as
    saved: one "policy.changed" event per changed value, old value → new value, the field's
    label as the reason. Returns how many values changed; nothing is written when none did.
    Fees already fixed on submitted applications do not change (see `Application.day_fee_cents`).
    """
    after = policy_values(row)
    changed = [name for name, value in after.items() if before.get(name) != value]
    with transaction.atomic():
        for name in changed:
            label = CertificationPolicy._meta.get_field(name).verbose_name
            audit_record(
                actor=actor,
                verb=POLICY_CHANGED,
                obj=row,
                from_state=before.get(name, ""),
                to_state=after[name],
                reason=f"{label}: {before.get(name, '')} → {after[name]}",
            )
    return len(changed)
