"""Classroom: how full the coming weeks' sessions are (per session and per day), their
waitlists, and the no-shows of the past weeks by day. Two aggregate queries."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, F, Q

from enrollment.models import ClassroomSession, Registration
from enrollment.models.sessions import (
    Attendance,
    RegistrationStatus,
    SessionStatus,
    WaitlistStatus,
)

WEEKS = 8
WAITING = (WaitlistStatus.WAITING, WaitlistStatus.OFFERED)


@dataclass(frozen=True)
class SessionFill:
    pk: int
    date: date
    day: int
    venue: str
    capacity: int
    confirmed: int
    waiting: int


def session_fill(today: date, weeks: int = WEEKS) -> list[SessionFill]:
    """Scheduled sessions from today through `weeks` weeks ahead, with their confirmed seats
    and open waitlist entries."""
    rows = (
        ClassroomSession.objects.filter(
            status=SessionStatus.SCHEDULED,
            date__gte=today,
            date__lt=today + timedelta(weeks=weeks),
        )
        .values("pk", "date", "day", "venue", "capacity")
        .annotate(
            confirmed=Count(
                "registrations",
                filter=Q(registrations__status=RegistrationStatus.CONFIRMED),
                distinct=True,
            ),
            waiting=Count("waitlist", filter=Q(waitlist__status__in=WAITING), distinct=True),
        )
        .order_by("date", "start_time", "pk")
    )
    return [SessionFill(**row) for row in rows]


def fill_by_date(sessions: list[SessionFill]) -> list[dict]:
    """The sessions' seats and bookings summed per calendar date."""
    days: dict[date, dict] = {}
    for s in sessions:
        day = days.setdefault(s.date, {"date": s.date, "capacity": 0, "confirmed": 0, "waiting": 0})
        day["capacity"] += s.capacity
        day["confirmed"] += s.confirmed
        day["waiting"] += s.waiting
    return list(days.values())


def no_shows_by_date(today: date, weeks: int = WEEKS) -> list[dict]:
    """Per session date of the past `weeks` weeks (today included): confirmed registrations,
    how many the trainer marked, and how many were absent."""
    return list(
        Registration.objects.filter(
            status=RegistrationStatus.CONFIRMED,
            session__date__gt=today - timedelta(weeks=weeks),
            session__date__lte=today,
        )
        .values(date=F("session__date"))
        .annotate(
            booked=Count("pk"),
            marked=Count("pk", filter=~Q(attendance="")),
            absent=Count("pk", filter=Q(attendance=Attendance.ABSENT)),
        )
        .order_by("date")
    )
