"""The only source of "now" and "today" (America/Chicago).

Services read the clock once and pass `today` down; tasks take an optional `today`.
Tests set the clock with `frozen_at`.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("America/Chicago")

_frozen: datetime | None = None


def now() -> datetime:
    """The current moment, timezone-aware (UTC)."""
    return _frozen if _frozen is not None else datetime.now(tz=UTC)


def today() -> date:
    """Today's date in America/Chicago, the date every rule is written against."""
    return now().astimezone(LOCAL_TZ).date()


def local_midnight(day: date) -> datetime:
    """The first moment of `day` in America/Chicago, as an aware datetime."""
    return datetime.combine(day, time.min, tzinfo=LOCAL_TZ)


@contextmanager
def frozen_at(moment: datetime | date) -> Iterator[datetime]:
    """Pin the clock to `moment` (a date means noon that day in Chicago) for the block."""
    global _frozen
    if not isinstance(moment, datetime):
        moment = datetime.combine(moment, time(12), tzinfo=LOCAL_TZ)
    if moment.tzinfo is None:
        raise ValueError("frozen_at needs an aware datetime or a date")
    previous, _frozen = _frozen, moment.astimezone(UTC)
    try:
        yield _frozen
    finally:
        _frozen = previous
