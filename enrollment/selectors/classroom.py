"""Reads about classroom sessions, seats, bookings, waitlists and rosters.

Seats: a session's taken seats are its confirmed registrations plus its open waitlist offers (an
offered seat is held for the person it was offered to). Every read about a person is scoped to
who asks: applicants see their own bookings, trainers the rosters of the sessions they teach.
"""

from __future__ import annotations

import calendar as _calendar
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Greatest
from wagtail import hooks

from enrollment.models import (
    Application,
    ApplicationStatus,
    Attendance,
    ClassroomSession,
    Registration,
    RegistrationStatus,
    SessionStatus,
    WaitlistEntry,
    WaitlistStatus,
)
from enrollment.rules import required_days
from enrollment.selectors.applications import application_current_for_user, application_person_name
from lms import clock
from lms.models import User
from lms.roles import Capability, can

# Marks that count as having attended a day. Late counts; leaving early does not (the person
# missed part of the instruction), nor does absence: both must pay and book the day again.
ATTENDED = frozenset({Attendance.PRESENT, Attendance.LATE})
MISSED = frozenset({Attendance.ABSENT, Attendance.LEFT_EARLY})
ACTIVE_WAITLIST = (WaitlistStatus.WAITING, WaitlistStatus.OFFERED)


def session_starts_at(session: ClassroomSession) -> datetime:
    """The moment the session starts, in America/Chicago (aware)."""
    return datetime.combine(session.date, session.start_time, tzinfo=clock.LOCAL_TZ)


def session_ends_at(session: ClassroomSession) -> datetime:
    return datetime.combine(session.date, session.end_time, tzinfo=clock.LOCAL_TZ)


def _count(model, status: str) -> Coalesce:
    rows = (
        model.objects.filter(session=OuterRef("pk"), status=status)
        .order_by()
        .values("session")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def sessions_with_seats(sessions: QuerySet[ClassroomSession]) -> QuerySet[ClassroomSession]:
    """Annotate `confirmed_count`, `offered_count` and `seats_left` (never below 0)."""
    return sessions.annotate(
        confirmed_count=_count(Registration, RegistrationStatus.CONFIRMED),
        offered_count=_count(WaitlistEntry, WaitlistStatus.OFFERED),
    ).annotate(
        seats_left=Greatest(Value(0), F("capacity") - F("confirmed_count") - F("offered_count"))
    )


def session_seats_taken(session_id: int) -> int:
    """Confirmed registrations plus open offers of one session (one query)."""
    row = (
        ClassroomSession.objects.filter(pk=session_id)
        .annotate(
            confirmed_count=_count(Registration, RegistrationStatus.CONFIRMED),
            offered_count=_count(WaitlistEntry, WaitlistStatus.OFFERED),
        )
        .values_list("confirmed_count", "offered_count")
        .get()
    )
    return row[0] + row[1]


def session_seats_left(session: ClassroomSession) -> int:
    left = getattr(session, "seats_left", None)
    if left is None:
        left = max(0, session.capacity - session_seats_taken(session.pk))
    return left


# --- The public training calendar ---------------------------------------------------------------


def public_session_list(*, today: date, day: int | None = None) -> QuerySet[ClassroomSession]:
    """Upcoming scheduled sessions (from `today`), with seats left; optionally one day only."""
    sessions = ClassroomSession.objects.filter(status=SessionStatus.SCHEDULED, date__gte=today)
    if day:
        sessions = sessions.filter(day=day)
    return sessions_with_seats(sessions).order_by("date", "start_time", "day", "pk")


@dataclass(frozen=True)
class CalendarDay:
    date: date
    in_month: bool
    sessions: list[ClassroomSession] = field(default_factory=list)


def public_month_get(*, year: int, month: int, day: int | None = None) -> list[list[CalendarDay]]:
    """Weeks (Sunday first) of the month, each date with its scheduled sessions."""
    weeks = _calendar.Calendar(firstweekday=6).monthdatescalendar(year, month)
    sessions = ClassroomSession.objects.filter(
        status=SessionStatus.SCHEDULED, date__gte=weeks[0][0], date__lte=weeks[-1][-1]
    )
    if day:
        sessions = sessions.filter(day=day)
    by_date: dict[date, list[ClassroomSession]] = {}
    for session in sessions_with_seats(sessions).order_by("date", "start_time", "pk"):
        by_date.setdefault(session.date, []).append(session)
    return [[CalendarDay(d, d.month == month, by_date.get(d, [])) for d in week] for week in weeks]


# --- The applicant's side -------------------------------------------------------------------------


def registration_list_for_user(*, user: User) -> QuerySet[Registration]:
    """The person's confirmed bookings, every application, soonest first."""
    if not user.is_authenticated:
        return Registration.objects.none()
    return (
        Registration.objects.filter(application__user=user, status=RegistrationStatus.CONFIRMED)
        .select_related("session", "application")
        .order_by("session__date", "session__start_time")
    )


def registration_get_for_user(*, user: User, pk: int) -> Registration | None:
    """Registration `pk` when `user` owns it (any status), else None."""
    if not user.is_authenticated:
        return None
    return (
        Registration.objects.filter(pk=pk, application__user=user)
        .select_related("session", "application__user", "fee_item")
        .first()
    )


def waitlist_entry_get_for_user(*, user: User, pk: int) -> WaitlistEntry | None:
    if not user.is_authenticated:
        return None
    return (
        WaitlistEntry.objects.filter(pk=pk, application__user=user)
        .select_related("session", "application__user")
        .first()
    )


def session_get_bookable(*, pk: int) -> ClassroomSession | None:
    """Any session an applicant may ask about (the services decide whether it can be booked)."""
    return ClassroomSession.objects.filter(pk=pk).first()


@dataclass(frozen=True)
class SessionOption:
    """An upcoming session of a day on the booking page, with the person's waitlist place."""

    session: ClassroomSession
    entry: WaitlistEntry | None = None

    @property
    def full(self) -> bool:
        return self.session.seats_left <= 0


@dataclass(frozen=True)
class DayPlan:
    """One required day on the booking page."""

    day: int
    fee: str  # "paid" / "exempt" / "unpaid"
    booking: Registration | None  # confirmed, not yet attended
    attended: Registration | None
    missed: Registration | None  # the last time this day was missed, if ever
    options: list[SessionOption]  # upcoming sessions of the day, other than the one booked
    movable: bool  # the booking's session has not started

    @property
    def can_book(self) -> bool:
        return self.booking is None and self.attended is None and self.fee != "unpaid"


@dataclass(frozen=True)
class BookingPage:
    application: Application | None
    open: bool  # whether the application's status lets the person book
    days: list[DayPlan]


def booking_page_get(*, user: User, now: datetime) -> BookingPage:
    """What "Book your classroom days" shows for the person's current application: each required
    day with its fee, the booking or attendance it has, and the upcoming sessions of that day."""
    application = application_current_for_user(user=user)
    if application is None:
        return BookingPage(None, False, [])
    days = required_days(application.track)
    registrations = list(
        application.registrations.select_related("session").order_by("-created_at", "-pk")
    )
    entries = {
        e.session_id: e for e in application.waitlist_entries.filter(status__in=ACTIVE_WAITLIST)
    }
    upcoming = sessions_with_seats(
        ClassroomSession.objects.filter(
            day__in=days,
            status=SessionStatus.SCHEDULED,
            date__gte=now.astimezone(clock.LOCAL_TZ).date(),
        )
    ).order_by("date", "start_time", "pk")
    options = [SessionOption(s, entries.get(s.pk)) for s in upcoming if session_starts_at(s) > now]
    fees = _day_fees(application)
    plans = [_day_plan(d, fees(d), registrations, options, now) for d in days]
    is_open = application.status == ApplicationStatus.TRAINING_APPROVED
    return BookingPage(application, is_open, plans)


def _day_fees(application: Application):
    """Hook `classroom_fee_status`: each registered `fn(*, application) -> {day: status}` says
    where each required day's fee stands ("paid", "exempt", "free" or "unpaid"; payments
    registers it). A day no contributor names is "unpaid"; with no contributor at all, no fee is
    asked ("free")."""
    answers = [fn(application=application) for fn in hooks.get_hooks("classroom_fee_status")]
    if not answers:
        return lambda day: "free"
    merged = {day: status for answer in answers for day, status in answer.items()}
    return lambda day: merged.get(day, "unpaid")


def _day_plan(day, fee, registrations, options, now) -> DayPlan:
    confirmed = [r for r in registrations if r.day == day and r.status == "confirmed"]
    booking = next((r for r in confirmed if r.attendance not in ATTENDED), None)
    return DayPlan(
        day=day,
        fee=fee,
        booking=booking,
        attended=next((r for r in confirmed if r.attendance in ATTENDED), None),
        missed=next((r for r in registrations if r.day == day and r.attendance in MISSED), None),
        options=[
            o
            for o in options
            if o.session.day == day and (booking is None or o.session.pk != booking.session_id)
        ],
        movable=booking is not None and session_starts_at(booking.session) > now,
    )


def waitlist_list_for_user(*, user: User) -> QuerySet[WaitlistEntry]:
    """The person's open waitlist places (waiting or offered), soonest session first."""
    if not user.is_authenticated:
        return WaitlistEntry.objects.none()
    return (
        WaitlistEntry.objects.filter(application__user=user, status__in=ACTIVE_WAITLIST)
        .select_related("session")
        .order_by("session__date", "pk")
    )


# --- Trainers -----------------------------------------------------------------------------------


def trainer_session_list(*, user: User) -> QuerySet[ClassroomSession]:
    """The sessions `user` teaches (none for anyone who is not a trainer), newest first."""
    if not can(user, Capability.OWN_ROSTERS):
        return ClassroomSession.objects.none()
    return sessions_with_seats(ClassroomSession.objects.filter(trainers=user)).order_by(
        "-date", "-start_time", "-pk"
    )


def trainer_session_get(*, user: User, pk: int) -> ClassroomSession | None:
    """Session `pk` when `user` is one of its trainers, else None (the view answers 404)."""
    return trainer_session_list(user=user).filter(pk=pk).prefetch_related("trainers").first()


@dataclass(frozen=True)
class RosterRow:
    registration: Registration
    name: str
    email: str
    track: str
    application_status: str
    fee: str  # "paid" or "exempt"


def roster_get(session: ClassroomSession) -> list[RosterRow]:
    """Everyone registered online for the session, by last name: confirmed registrations, and
    registrations closed as missed (so a past roster keeps its absences)."""
    registrations = (
        session.registrations.filter(
            Q(status=RegistrationStatus.CONFIRMED) | Q(attendance__in=MISSED)
        )
        .select_related("application__user")
        .order_by("application__legal_last_name", "application__legal_first_name", "pk")
    )
    return [
        RosterRow(
            registration=r,
            name=application_person_name(r.application),
            email=r.application.user.email,
            track=r.application.get_track_display(),
            application_status=r.application.get_status_display(),
            fee="exempt" if r.fee_exempt else "paid",
        )
        for r in registrations
    ]


def session_waitlist_get(session: ClassroomSession) -> QuerySet[WaitlistEntry]:
    """The session's open waitlist, in queue order."""
    return (
        session.waitlist.filter(status__in=ACTIVE_WAITLIST)
        .select_related("application__user")
        .order_by("joined_at", "pk")
    )


def application_attended_days(application: Application) -> set[int]:
    """Days the application attended for good: a confirmed registration marked present or late
    in a session whose attendance staff have locked."""
    return set(
        application.registrations.filter(
            status=RegistrationStatus.CONFIRMED,
            attendance__in=ATTENDED,
            session__attendance_locked_at__isnull=False,
        ).values_list("day", flat=True)
    )
