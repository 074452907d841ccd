"""Yearly renewal rules, pure (spec: certification-rules.md, section 4).

The functions of spec section 6 stay in `enrollment/rules.py` (`renewal_phase`, `renewal_fee`,
`certification_status`, `ceu_window`, `reapply_allowed_on`) and keep their meaning; this module
adds what renewal needs on top of them: CEU rules as data (categories, caps, conversions, the
window), the detailed "what's missing" shortfall, the reproducible audit draw, the late fee owed
by an on-time renewal still unapproved after Jun 30, and the yearly dates (reminders,
suspension, termination). Same contract as every `rules.py`: plain inputs, plain outputs or a
`RuleViolation`; no database, no clock, no settings reads.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation, localcontext
from typing import Literal

from enrollment.rules import (
    DEFAULT_POLICY,
    Policy,
    RuleViolation,
    renewal_fee,
    renewal_phase,
)

_ZERO = Decimal("0")

CEU_HOURS = "ceu_hours"
COLLEGE_CREDIT_HOURS = "college_credit_hours"
AGENCY_IN_HOUSE = "agency_in_house"
OTHER_PROVIDER = "other"

ExclusionReason = Literal["outside_window", "over_cap"]


# --- CEU rules as data ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CeuCategory:
    """A CEU subject; `minimum_hours` of it are required (0: counts toward the total only)."""

    key: str
    label: str
    minimum_hours: Decimal = _ZERO


@dataclass(frozen=True)
class CeuCap:
    """At most `max_hours_per_year` hours from providers of `provider_type` count in one
    renewal year (its CEU window); hours beyond it do not count."""

    provider_type: str
    max_hours_per_year: Decimal


@dataclass(frozen=True)
class CeuConversion:
    """One `unit` of study is worth `factor` CEU hours (3 college credit hours × 4 = 12)."""

    unit: str
    factor: Decimal


@dataclass(frozen=True)
class CeuRules:
    """Everything the CEU requirement of a renewal year is made of.

    The window ends on `window_end_month_day` (month, day) of the renewal year Y and starts on
    `window_start_month_day` of Y−1 when that month-day comes after the end's in the calendar
    (Jul 1 after Jun 30: the default), else of Y. Neither may be Feb 29.
    """

    categories: tuple[CeuCategory, ...]
    total_hours: Decimal
    caps: tuple[CeuCap, ...] = ()
    conversions: tuple[CeuConversion, ...] = ()
    window_start_month_day: tuple[int, int] = (7, 1)
    window_end_month_day: tuple[int, int] = (6, 30)


DEFAULT_CEU_RULES = CeuRules(
    categories=(
        CeuCategory("ethics", "Ethics", DEFAULT_POLICY.ceu_ethics_hours),
        CeuCategory(
            "strengths_based", "Strengths-Based practice", DEFAULT_POLICY.ceu_strengths_hours
        ),
        CeuCategory("general", "General", _ZERO),
    ),
    total_hours=DEFAULT_POLICY.ceu_total_hours,
    caps=(CeuCap(AGENCY_IN_HOUSE, Decimal("3")),),
    conversions=(CeuConversion(COLLEGE_CREDIT_HOURS, Decimal("4")),),
)


@dataclass(frozen=True)
class CeuEntry:
    """One CEU a person lists: `hours` in `unit` (CEU hours unless a conversion names another)."""

    category: str
    hours: object
    completed_on: date
    unit: str = CEU_HOURS
    provider_type: str = OTHER_PROVIDER


@dataclass(frozen=True)
class CeuExclusion:
    """Hours of entry number `index` (0-based, as given) that did not count, and why."""

    index: int
    entry: CeuEntry
    reason: ExclusionReason
    hours_not_counted: Decimal
    message: str


@dataclass(frozen=True)
class CeuShortfall:
    """`missing`: unmet requirement → missing CEU hours (category keys and "total"; empty when
    all is met). `excluded`: hours that did not count. `counted`: CEU hours counted per category."""

    missing: dict[str, Decimal]
    excluded: tuple[CeuExclusion, ...]
    counted: dict[str, Decimal]

    @property
    def is_met(self) -> bool:
        return not self.missing


def ceu_rules_window(renewal_year: int, rules: CeuRules = DEFAULT_CEU_RULES) -> tuple[date, date]:
    """Return the inclusive CEU window of `renewal_year` under `rules` (see `CeuRules`).

    Raises RuleViolation when a month-day is not a date in every year (Feb 29, Apr 31).
    """
    start_md, end_md = rules.window_start_month_day, rules.window_end_month_day
    for month, day in (start_md, end_md):
        if (month, day) == (2, 29):
            raise RuleViolation("A CEU window cannot start or end on February 29.")
        try:
            date(2001, month, day)
        except (TypeError, ValueError):
            raise RuleViolation(f"{month}/{day} is not a day of the year.") from None
    end = date(renewal_year, *end_md)
    start_year = renewal_year - 1 if start_md > end_md else renewal_year
    return date(start_year, *start_md), end


def _hours(value: object) -> Decimal:
    try:
        hours = Decimal(str(value))
    except InvalidOperation:
        raise RuleViolation(f"“{value}” is not a number of CEU hours.") from None
    if not hours.is_finite() or hours < 0:
        raise RuleViolation(f"“{value}” is not a valid number of CEU hours.")
    return hours


def _ceu_hours(entry: CeuEntry, factors: dict[str, Decimal]) -> Decimal:
    amount = _hours(entry.hours)
    if entry.unit == CEU_HOURS:
        return amount
    if entry.unit not in factors:
        known = ", ".join([CEU_HOURS, *factors])
        raise RuleViolation(f"“{entry.unit}” is not a unit of study; use one of: {known}.")
    return amount * factors[entry.unit]


def ceu_shortfall_detailed(
    entries: Iterable[CeuEntry], renewal_year: int, rules: CeuRules = DEFAULT_CEU_RULES
) -> CeuShortfall:
    """Return what is still missing for `renewal_year` and which listed hours did not count.

    Hours are converted to CEU hours first (`rules.conversions`); hours dated outside
    `ceu_rules_window` do not count; a capped provider type counts up to its cap over the
    window, earliest completions first (ties in the order given), the rest is "over_cap".
    Hours beyond a category's minimum count toward the total. For plain CEU-hour entries under
    the default rules this equals `enrollment.rules.ceu_shortfall`. Raises RuleViolation for an
    unknown category or unit, or hours that are not a non-negative number.
    """
    start, end = ceu_rules_window(renewal_year, rules)
    factors = {c.unit: c.factor for c in rules.conversions}
    caps = {c.provider_type: c.max_hours_per_year for c in rules.caps}
    counted = {c.key: _ZERO for c in rules.categories}
    excluded: list[CeuExclusion] = []
    in_window: list[tuple[date, int, CeuEntry, Decimal]] = []
    for index, entry in enumerate(entries):
        if entry.category not in counted:
            known = ", ".join(counted)
            raise RuleViolation(f"“{entry.category}” is not a CEU category; use one of: {known}.")
        amount = _ceu_hours(entry, factors)
        if start <= entry.completed_on <= end:
            in_window.append((entry.completed_on, index, entry, amount))
        elif amount:
            message = f"Completed outside the window {start:%b %-d, %Y} – {end:%b %-d, %Y}."
            excluded.append(CeuExclusion(index, entry, "outside_window", amount, message))
    used = dict.fromkeys(caps, _ZERO)
    for _, index, entry, amount in sorted(in_window, key=lambda row: row[:2]):
        if entry.provider_type in caps:
            room = max(caps[entry.provider_type] - used[entry.provider_type], _ZERO)
            over, amount = max(amount - room, _ZERO), min(amount, room)
            used[entry.provider_type] += amount
            if over:
                cap = caps[entry.provider_type]
                message = f"Over the cap of {cap} hours a year for this kind of provider."
                excluded.append(CeuExclusion(index, entry, "over_cap", over, message))
        counted[entry.category] += amount
    required = [(c.key, counted[c.key], c.minimum_hours) for c in rules.categories]
    required.append(("total", sum(counted.values(), _ZERO), rules.total_hours))
    missing = {key: need - got for key, got, need in required if got < need}
    return CeuShortfall(missing, tuple(sorted(excluded, key=lambda e: e.index)), counted)


# --- The reproducible audit draw -----------------------------------------------------------------


def _draw_integer(seed: bytes | str, certificate_number: str, year: int) -> int:
    key = seed.encode("utf-8") if isinstance(seed, str) else bytes(seed)
    message = f"{certificate_number}:{year}".encode()
    return int.from_bytes(hmac.new(key, message, hashlib.sha256).digest()[:8], "big")


def audit_draw_hash(seed: bytes | str, certificate_number: str, year: int) -> str:
    """The full HMAC-SHA-256 of the draw (see `audit_draw_value`), as 64 hex digits."""
    key = seed.encode("utf-8") if isinstance(seed, str) else bytes(seed)
    message = f"{certificate_number}:{year}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def audit_draw_value(seed: bytes | str, certificate_number: str, year: int) -> Decimal:
    """Return the draw value in [0, 1) of certificate `certificate_number` for renewal `year`.

    Construction (what the public page lets anyone re-run):
    key = the seed (a str is encoded as UTF-8), message = f"{certificate_number}:{year}"
    encoded as UTF-8, digest = HMAC-SHA-256(key, message), n = the first 8 bytes of the digest
    read as an unsigned big-endian integer, value = n / 2**64 — computed exactly (the quotient
    has at most 64 decimal places). Raises nothing.
    """
    with localcontext() as context:
        context.prec = 80
        return Decimal(_draw_integer(seed, certificate_number, year)) / Decimal(2**64)


def is_audit_selected(seed: bytes | str, certificate_number: str, year: int, rate: Decimal) -> bool:
    """True when `audit_draw_value(...)` < `rate` (0.10 draws about one renewal in ten).

    Raises RuleViolation when the rate is not between 0 and 1.
    """
    rate = Decimal(str(rate))
    if not rate.is_finite() or not _ZERO <= rate <= 1:
        raise RuleViolation(f"An audit rate must be between 0 and 1, not {rate}.")
    return audit_draw_value(seed, certificate_number, year) < rate


# --- The late fee and the yearly dates -----------------------------------------------------------


def late_fee_due(
    renewal_year: int,
    submitted_on: date,
    approved_on_or_today: date,
    *,
    odmhsas_employee: bool,
    waived: bool,
    policy: Policy = DEFAULT_POLICY,
) -> Decimal:
    """Return the late fee owed on top of what was paid at submission (spec section 4).

    A renewal submitted by Jun 30 of Y and still not approved when Jun 30 ends owes
    `policy.late_fee` before approval (ODMHSAS employees too), unless staff `waived` it. A
    renewal submitted late already paid the late fee with `renewal_fee`: nothing more. Raises
    RuleViolation when `submitted_on` is outside the renewal's open or late phase, or the
    approval day comes before the submission.
    """
    renewal_fee(renewal_year, submitted_on, odmhsas_employee=odmhsas_employee, policy=policy)
    if approved_on_or_today < submitted_on:
        raise RuleViolation("A renewal cannot be approved before it was submitted.")
    if renewal_phase(renewal_year, submitted_on) == "late" or waived:
        return _ZERO
    return policy.late_fee if approved_on_or_today > date(renewal_year, 6, 30) else _ZERO


@dataclass(frozen=True)
class Reminder:
    on: date
    kind: str


def renewal_reminder_dates(
    renewal_year: int,
    *,
    due_days: tuple[int, ...] = (30, 7, 1),
    late_close_days: int = 7,
) -> tuple[Reminder, ...]:
    """Return the holder's reminders for `renewal_year`, in date order.

    "opens" on Jan 1; "due_<n>" n days before Jun 30 for each of `due_days`; "late_closes"
    `late_close_days` days before Dec 30, the last day a late renewal is accepted.
    Raises nothing.
    """
    due, late_closes = date(renewal_year, 6, 30), date(renewal_year, 12, 30)
    reminders = [Reminder(date(renewal_year, 1, 1), "opens")]
    reminders += [Reminder(due - timedelta(days=n), f"due_{n}") for n in due_days]
    reminders.append(Reminder(late_closes - timedelta(days=late_close_days), "late_closes"))
    return tuple(sorted(reminders, key=lambda r: r.on))


def suspension_date(valid_through: date) -> date:
    """The first day a certification valid through `valid_through` (a Jun 30) is suspended."""
    return valid_through + timedelta(days=1)


def termination_date(valid_through: date) -> date:
    """The first day a certification valid through `valid_through` is terminated: Jan 1 next."""
    return date(valid_through.year + 1, 1, 1)


def late_renewal_window(renewal_year: int) -> tuple[date, date]:
    """The inclusive days a late renewal of `renewal_year` is accepted: Jul 1 – Dec 30."""
    return date(renewal_year, 7, 1), date(renewal_year, 12, 30)
