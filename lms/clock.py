"""The only source of "now" and "today" (America/Chicago).

Services read the clock once and pass `today` down; tasks take an optional `today`.
Tests set the clock with `frozen_at`. A server process for a benchmark or a drill can run "as
of" another moment and keep ticking (`run_from`, from the LMS_CLOCK_START setting, which only
lms.settings.dev and lms.settings.bench read; lms.settings.production refuses it).
"""

import time as _time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("America/Chicago")

_frozen: datetime | None = None
_offset = timedelta(0)


def now() -> datetime:
    """The current moment, timezone-aware (UTC)."""
    return _frozen if _frozen is not None else datetime.now(tz=UTC) + _offset


def today() -> date:
    """Today's date in America/Chicago, the date every rule is written against."""
    return now().astimezone(LOCAL_TZ).date()


def local_midnight(day: date) -> datetime:
    """The first moment of `day` in America/Chicago, as an aware datetime."""
    return datetime.combine(day, time.min, tzinfo=LOCAL_TZ)


def _moment(value: datetime | date) -> datetime:
    """An aware datetime; a date means noon that day in Chicago."""
    if not isinstance(value, datetime):
        value = datetime.combine(value, time(12), tzinfo=LOCAL_TZ)
    if value.tzinfo is None:
        raise ValueError("the clock needs an aware datetime (with its UTC offset) or a date")
    return value.astimezone(UTC)


@contextmanager
def frozen_at(moment: datetime | date) -> Iterator[datetime]:
    """Pin the clock to `moment` (a date means noon that day in Chicago) for the block."""
    global _frozen
    previous, _frozen = _frozen, _moment(moment)
    try:
        yield _frozen
    finally:
        _frozen = previous


def clock_start_parse(value: str) -> tuple[datetime, float | None]:
    """LMS_CLOCK_START's value: `START` or `START@ANCHOR`. START is an ISO 8601 moment with its
    offset ("2027-06-30T09:00:00-05:00") or a date; ANCHOR is the real Unix time at which the
    clock read START (so several processes tick together), else None. Raises ValueError."""
    start, _, anchor = value.strip().partition("@")
    try:
        moment = datetime.fromisoformat(start)
    except ValueError:
        raise ValueError(f"LMS_CLOCK_START: {start!r} is not an ISO 8601 moment") from None
    if len(start) == 10:  # a date alone
        moment = moment.date()
    return _moment(moment), float(anchor) if anchor else None


def clock_start_anchored(value: str) -> str:
    """`START@ANCHOR` for LMS_CLOCK_START, anchored now unless it already is: give this to every
    process of one run (web workers, the Stripe stand-in) so their clocks agree."""
    start, anchor = clock_start_parse(value)
    return f"{start.isoformat()}@{anchor if anchor is not None else _time.time():.6f}"


def clock_offset(value: str) -> timedelta:
    """How far LMS_CLOCK_START's clock is from the real one (START minus the real moment of
    ANCHOR, or of now when it has none)."""
    start, anchor = clock_start_parse(value)
    real = datetime.fromtimestamp(anchor if anchor is not None else _time.time(), tz=UTC)
    return start - real


def run_from(value: str | None) -> None:
    """Make this process's clock run from LMS_CLOCK_START's moment and keep ticking (None: the
    real clock again). For benchmark and drill servers only; `frozen_at` still wins inside it."""
    global _offset
    _offset = clock_offset(value) if value else timedelta(0)
