"""Reads about the yearly clock: whether a terminated holder must still wait to apply again."""

from datetime import date

from certification.models import Certification
from certification.renewal_rules import termination_date
from certification.selectors.certificates import certification_status_on
from enrollment.rules import reapply_allowed_on
from enrollment.selectors.applications import policy_get
from lms.models import User


def _long_date(day: date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


def reapplication_refusal(*, user: User, today: date) -> str | None:
    """Spec section 4: a certification not renewed is terminated on Jan 1 and a new
    application is allowed from `reapply_allowed_on` (60 days later by default). Returns why
    `user` may not apply yet, with the date, or None (never terminated, still holding an
    active or suspended certificate, or the wait is over)."""
    statuses = [
        (certification, certification_status_on(certification, today))
        for certification in Certification.objects.filter(holder=user, issued_on__lte=today)
    ]
    if any(status in ("active", "suspended") for _, status in statuses):
        return None
    terminated = [c for c, status in statuses if status == "terminated"]
    if not terminated:
        return None
    latest = max(terminated, key=lambda c: c.valid_through)
    terminated_on = termination_date(latest.valid_through)
    allowed_on = reapply_allowed_on(terminated_on, policy=policy_get())
    if today >= allowed_on:
        return None
    wait = (allowed_on - terminated_on).days
    return (
        f"Your certificate {latest.number} was terminated on {_long_date(terminated_on)} "
        f"because it was not renewed. You may start a new application on or after "
        f"{_long_date(allowed_on)} ({wait} days after the termination)."
    )
