"""Certification rules as pure functions (spec: certification-rules.md, section 6).

No database, no clock, no settings: callers pass `today` and, when an administrator has
changed an amount or period, a `Policy`. Money is always `Decimal`.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum
from typing import Literal

RenewalPhase = Literal["not_open", "open", "late", "closed"]
CertificationStatus = Literal["active", "suspended", "terminated"]

_ZERO = Decimal("0")
_CEU_CATEGORIES = ("ethics", "strengths_based", "general")


class RuleViolation(Exception):
    """A business rule refused the request; `str()` is a sentence a person can read."""


class Track(StrEnum):
    CM1 = "cm1"
    CM1_UPGRADE = "cm1_upgrade"
    CM2 = "cm2"
    CM2_CPRP = "cm2_cprp"

    @property
    def label(self) -> str:
        return _TRACK_LABELS[self]


_TRACK_LABELS = {
    Track.CM1: "CM I",
    Track.CM1_UPGRADE: "CM I Upgrade",
    Track.CM2: "CM II New Applicant",
    Track.CM2_CPRP: "CM II New – CPRP/CPRC",
}

# Days 1-2 are Case Management instruction, Days 3-4 Rehab instruction.
_REQUIRED_DAYS: dict[Track, tuple[int, ...]] = {
    Track.CM1: (1, 2),
    Track.CM1_UPGRADE: (3, 4),
    Track.CM2: (2, 3, 4),
    Track.CM2_CPRP: (1, 2),
}


@dataclass(frozen=True)
class Policy:
    """Administrator-editable amounts, rates and periods, with the spec's defaults."""

    day_fee: Decimal = Decimal("25")
    reapplication_fee: Decimal = Decimal("15")
    renewal_fee: Decimal = Decimal("15")
    late_fee: Decimal = Decimal("25")
    application_valid_months: int = 6
    reapply_wait_days: int = 60
    ceu_total_hours: Decimal = Decimal("12")
    ceu_ethics_hours: Decimal = Decimal("3")
    ceu_strengths_hours: Decimal = Decimal("3")
    audit_rate: Decimal = Decimal("0.10")
    waitlist_offer_hours: int = 48
    expiry_reminder_days: tuple[int, ...] = (60, 30, 7)
    session_reminder_days: int = 3


DEFAULT_POLICY = Policy()


def _track(track: Track | str) -> Track:
    try:
        return Track(track)
    except ValueError:
        known = ", ".join(t.value for t in Track)
        raise RuleViolation(
            f"“{track}” is not a certification track; choose one of: {known}."
        ) from None


def required_days(track: Track | str) -> tuple[int, ...]:
    """Return the classroom days the track must attend, as a sorted tuple of ints.

    Raises RuleViolation for an unknown track.
    """
    return _REQUIRED_DAYS[_track(track)]


def training_fees(
    track: Track | str, *, odmhsas_employee: bool, policy: Policy = DEFAULT_POLICY
) -> Decimal:
    """Return the total classroom fee: the day fee times the number of required days.

    ODMHSAS employees are exempt and pay 0. Raises RuleViolation for an unknown track.
    """
    days = required_days(track)
    if odmhsas_employee:
        return _ZERO
    return policy.day_fee * len(days)


def reapplication_fee(track: Track | str, *, policy: Policy = DEFAULT_POLICY) -> Decimal:
    """Return the reapplication fee: charged for the CM I Upgrade track only, else 0.

    Nobody is exempt, ODMHSAS employees included.
    Raises RuleViolation for an unknown track.
    """
    return policy.reapplication_fee if _track(track) is Track.CM1_UPGRADE else _ZERO


def to_cents(amount: Decimal) -> int:
    """Dollars as a `Decimal` → whole cents, rounding half a cent up. Raises nothing."""
    return int((Decimal(amount) * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def application_expires_on(submitted_on: date, *, policy: Policy = DEFAULT_POLICY) -> date:
    """Return the last day an application submitted on `submitted_on` is alive.

    That is the same day N calendar months later (N = policy.application_valid_months),
    clamped to the month's last day when it does not exist (Aug 31 -> Feb 28/29).
    Raises nothing.
    """
    index = submitted_on.month - 1 + policy.application_valid_months
    year, month = submitted_on.year + index // 12, index % 12 + 1
    day = min(submitted_on.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


def first_renewal_year(issued_on: date) -> int:
    """Return the first renewal year of a certification: the year after its issue."""
    return issued_on.year + 1


def renewal_phase(renewal_year: int, today: date) -> RenewalPhase:
    """Return where `today` falls in the renewal calendar of `renewal_year` (Y).

    "not_open" before Jan 1 of Y, "open" Jan 1 - Jun 30, "late" Jul 1 - Dec 30,
    "closed" from Dec 31 of Y. Raises nothing.
    """
    if today < date(renewal_year, 1, 1):
        return "not_open"
    if today <= date(renewal_year, 6, 30):
        return "open"
    if today <= date(renewal_year, 12, 30):
        return "late"
    return "closed"


def renewal_fee(
    renewal_year: int,
    submitted_on: date,
    *,
    odmhsas_employee: bool,
    policy: Policy = DEFAULT_POLICY,
) -> Decimal:
    """Return the fee for a renewal of `renewal_year` submitted on `submitted_on`.

    The renewal fee (ODMHSAS employees exempt), plus the late fee when the phase is
    "late" (nobody exempt). Raises RuleViolation when the renewal is not yet open or
    already closed.
    """
    phase = renewal_phase(renewal_year, submitted_on)
    if phase == "not_open":
        raise RuleViolation(
            f"Renewal for {renewal_year} opens on January 1, {renewal_year}; "
            "it cannot be submitted yet."
        )
    if phase == "closed":
        raise RuleViolation(
            f"Renewal for {renewal_year} closed on December 30, {renewal_year}; "
            "the certification is terminated and a new application is required."
        )
    fee = _ZERO if odmhsas_employee else policy.renewal_fee
    return fee + policy.late_fee if phase == "late" else fee


def certification_status(valid_through: date, today: date) -> CertificationStatus:
    """Return the status of a certification valid through `valid_through` (a Jun 30).

    "active" through `valid_through`, "suspended" through Dec 31 of that year,
    "terminated" after. Only "active" may bill. Raises nothing.
    """
    if today <= valid_through:
        return "active"
    if today <= date(valid_through.year, 12, 31):
        return "suspended"
    return "terminated"


def ceu_window(renewal_year: int) -> tuple[date, date]:
    """Return the inclusive CEU window of year Y: Jul 1 of Y-1 to Jun 30 of Y."""
    return date(renewal_year - 1, 7, 1), date(renewal_year, 6, 30)


def _hours(value: object) -> Decimal:
    try:
        hours = Decimal(str(value))
    except InvalidOperation:
        raise RuleViolation(f"“{value}” is not a number of CEU hours.") from None
    if not hours.is_finite() or hours < 0:
        raise RuleViolation(f"“{value}” is not a valid number of CEU hours.")
    return hours


def ceu_shortfall(
    ceus: Iterable[tuple[str, object, date]],
    renewal_year: int,
    *,
    policy: Policy = DEFAULT_POLICY,
) -> dict[str, Decimal]:
    """Return the unmet CEU requirements for `renewal_year`, mapped to missing hours.

    `ceus` holds (category, hours, completed_on); only hours completed inside
    `ceu_window(renewal_year)` count, and hours beyond a category's minimum count
    toward the total. Keys are "ethics", "strengths_based" and "total", present only
    when short; an empty dict means every requirement is met. Raises RuleViolation for
    an unknown category or hours that are not a non-negative number.
    """
    start, end = ceu_window(renewal_year)
    earned = dict.fromkeys(_CEU_CATEGORIES, _ZERO)
    for category, hours, completed_on in ceus:
        if category not in earned:
            known = ", ".join(_CEU_CATEGORIES)
            raise RuleViolation(f"“{category}” is not a CEU category; use one of: {known}.")
        amount = _hours(hours)
        if start <= completed_on <= end:
            earned[category] += amount
    required = {
        "ethics": (earned["ethics"], policy.ceu_ethics_hours),
        "strengths_based": (earned["strengths_based"], policy.ceu_strengths_hours),
        "total": (sum(earned.values(), _ZERO), policy.ceu_total_hours),
    }
    return {key: need - got for key, (got, need) in required.items() if got < need}


def reapply_allowed_on(terminated_on: date, *, policy: Policy = DEFAULT_POLICY) -> date:
    """Return the first day a terminated person may reapply (+60 days by default).

    Raises nothing.
    """
    return terminated_on + timedelta(days=policy.reapply_wait_days)
