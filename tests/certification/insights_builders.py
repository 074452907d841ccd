"""Builders for the insight tests: certificates and renewals written directly (the insights
only read them), so a small case can be laid out by hand."""

from datetime import date, datetime, time
from itertools import count

from certification.models import Certification, Renewal, RenewalEvent
from lms.clock import LOCAL_TZ
from tests.certification.builders import employ
from tests.factories import UserFactory

_numbers = count(1)


def certificate(
    *,
    valid_through: date,
    issued_on: date = date(2025, 3, 1),
    holder=None,
    name: str = "",
    agency=None,
    **kwargs,
) -> Certification:
    n = next(_numbers)
    holder = holder or UserFactory()
    certification = Certification.objects.create(
        holder=holder,
        holder_name=name or f"Holder {n:03d}",
        level=kwargs.pop("level", "CM II"),
        number=f"T-{n:05d}",
        issued_on=issued_on,
        valid_through=valid_through,
        status_index=100_000 + n,
        **kwargs,
    )
    if agency is not None:
        employ(holder, agency=agency)
    return certification


def at(day: date, hour: int = 12) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=LOCAL_TZ)


def renewal(certification, year: int, status: str, *, started=None, submitted=None, **kwargs):
    """A renewal of `year` in `status`; `started`/`submitted` are its dates."""
    row = Renewal.objects.create(
        certification=certification,
        year=year,
        status=status,
        created_at=at(started or date(year, 1, 5)),
        first_submitted_on=submitted,
        submitted_at=at(submitted) if submitted else None,
        **kwargs,
    )
    return row


def returned_event(renewal_row, on: date) -> None:
    RenewalEvent.objects.create(
        renewal=renewal_row, verb="returned", from_state="submitted", to_state="returned", at=at(on)
    )
