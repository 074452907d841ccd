"""What may be paid, as pure functions: no database, no clock, no settings.

The caller passes the application's track and status and what is already paid; a refusal is a
`RuleViolation` whose message a person can read.
"""

from __future__ import annotations

from collections.abc import Iterable

from enrollment.rules import RuleViolation, Track, required_days
from enrollment.rules import to_cents as to_cents  # re-exported: amounts are cents here

DAY_FEE = "day_fee"
REAPPLICATION_FEE = "reapplication_fee"
FeeItem = tuple[str, int | None]  # (kind, day); day is None for the reapplication fee

# Day fees open with classroom registration (spec section 3, step 5); the reapplication fee can
# be paid from submission for as long as the application is alive.
DAY_FEE_STATUSES = frozenset({"training_approved"})
REAPPLICATION_FEE_STATUSES = frozenset(
    {
        "submitted",
        "returned",
        "approved",
        "training_complete",
        "training_approved",
        "classroom_complete",
        "exam_passed",
        "employment_verified",
    }
)


def _days_text(days: Iterable[int]) -> str:
    names = [f"Day {d}" for d in days]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _normalize(items: Iterable[FeeItem]) -> list[FeeItem]:
    seen: list[FeeItem] = []
    for kind, day in items:
        if kind == DAY_FEE:
            if not isinstance(day, int) or not 1 <= day <= 4:
                raise RuleViolation(f"“{day}” is not a classroom day (Day 1 to Day 4).")
        elif kind == REAPPLICATION_FEE:
            day = None
        else:
            raise RuleViolation(f"“{kind}” is not a fee that can be paid online.")
        if (kind, day) in seen:
            what = f"Day {day}" if day else "The reapplication fee"
            raise RuleViolation(f"{what} is listed twice; choose each fee once.")
        seen.append((kind, day))
    if not seen:
        raise RuleViolation("Choose at least one fee to pay.")
    return seen


def check_payable(
    items: Iterable[FeeItem],
    *,
    track: Track | str,
    status: str,
    paid_days: Iterable[int],
    day_fees_exempt: bool,
    reapplication_paid: bool,
    day_fee_cents: int | None = None,
    reapplication_fee_cents: int | None = None,
) -> list[FeeItem]:
    """Return `items` normalized (reapplication day forced to None, order kept) when every one of
    them may be paid now; raise RuleViolation naming the first that may not.

    A day fee is payable for a required day of the track, once training is approved, unless it
    is already paid, the person is an exempt (confirmed) ODMHSAS employee, or the application's
    day fee (`day_fee_cents`, fixed at submission) is $0: such a day needs no checkout. The
    reapplication fee is payable from submission, on the CM I Upgrade track only, once, when it
    is more than $0.
    """
    track = Track(track)
    paid = set(paid_days)
    days = required_days(track)
    result = _normalize(items)
    for kind, day in result:
        if kind == DAY_FEE:
            _check_day(day, track, days, status, paid, day_fees_exempt, day_fee_cents)
        else:
            if track is not Track.CM1_UPGRADE or reapplication_fee_cents == 0:
                raise RuleViolation(f"The {track.label} track has no reapplication fee.")
            if status not in REAPPLICATION_FEE_STATUSES:
                raise RuleViolation(
                    "The reapplication fee can be paid once your application is submitted."
                )
            if reapplication_paid:
                raise RuleViolation("The reapplication fee is already paid.")
    return result


def _check_day(day, track, days, status, paid, exempt, fee_cents) -> None:
    if day not in days:
        raise RuleViolation(
            f"Day {day} is not a classroom day of the {track.label} track; "
            f"its days are {_days_text(days)}."
        )
    if status not in DAY_FEE_STATUSES:
        raise RuleViolation(
            "Classroom day fees can be paid once your web-based training is approved."
        )
    if exempt:
        raise RuleViolation(
            "ODMHSAS employees do not pay classroom day fees: "
            f"there is nothing to pay for Day {day}."
        )
    if fee_cents == 0:
        raise RuleViolation(f"Day {day} has no fee: book a session of that day directly.")
    if day in paid:
        raise RuleViolation(f"Day {day} is already paid.")
