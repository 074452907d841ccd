from decimal import Decimal

from enrollment.models import CertificationPolicy
from enrollment.rules import Policy


def policy_get() -> Policy:
    """The rules' policy as certification staff have set it (spec defaults until changed)."""
    row = CertificationPolicy.load()
    return Policy(
        day_fee=row.day_fee,
        reapplication_fee=row.reapplication_fee,
        renewal_fee=row.renewal_fee,
        late_fee=row.late_fee,
        application_valid_months=row.application_valid_months,
        reapply_wait_days=row.reapply_wait_days,
        ceu_total_hours=row.ceu_total_hours,
        ceu_ethics_hours=row.ceu_ethics_hours,
        ceu_strengths_hours=row.ceu_strengths_hours,
        audit_rate=row.audit_rate_percent / Decimal(100),
        waitlist_offer_hours=row.waitlist_offer_hours,
        expiry_reminder_days=tuple(
            sorted((int(d) for d in row.expiry_reminder_days.split(",") if d.strip()), reverse=True)
        ),
        session_reminder_days=row.session_reminder_days,
    )


def application_field_label(field: str) -> str:
    """The label a person reads for an application field (or a pseudo-field)."""
    from enrollment.models import Application
    from enrollment.sections import DEGREE, TRANSCRIPT

    if field == TRANSCRIPT:
        return "Transcript"
    if field == DEGREE:
        return "Degree field"
    return str(Application._meta.get_field(field).verbose_name).capitalize()
