"""The applicant dashboard: the steps of spec section 3, assembled from the step definitions each
app registers (hook `dashboard_steps`), so adding a step never means editing another app.

Enrollment registers the steps it owns (account, application, staff review, classroom
registration, attendance); courses the web-based training, exams the competency exam,
certification the verification of employment and the certification. Each definition says, for an
application, whether its step is done, whether it is the one being worked on, and what it says
(and offers) done, current and locked. The dashboard decides the rest: steps in `order`, at most
one current (none once the application is closed), a closed application's open steps locked with
why, and an overdue clock's current step saying so.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Literal

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils.formats import date_format, time_format
from wagtail import hooks

from enrollment.models import (
    Application,
    ApplicationStatus,
    Attendance,
    Registration,
    RegistrationStatus,
)
from enrollment.models.applications import FINAL
from enrollment.rules import required_days
from enrollment.selectors.applications import application_current_for_user, days_label
from enrollment.selfcheck import describe_track
from lms import clock
from lms.models import AuditEvent, User

StepState = Literal["done", "current", "locked"]
S = ApplicationStatus


@dataclass(frozen=True)
class Step:
    """One step as the dashboard shows it; `number` is its place in the list (1-based)."""

    number: int
    title: str
    state: StepState
    detail: str = ""
    action_url: str = ""
    action_label: str = ""
    items: tuple[str, ...] = ()


@dataclass(frozen=True)
class StepContent:
    """What a step says in one state: a sentence, an action (url and label) and listed items."""

    detail: str = ""
    action_url: str = ""
    action_label: str = ""
    items: tuple[str, ...] = ()


# Where each status stands on the path (a returned application is still in review; a denied one
# ended there).
_PATH = (
    (S.DRAFT,),
    (S.SUBMITTED, S.RETURNED, S.DENIED),
    (S.APPROVED,),
    (S.TRAINING_COMPLETE,),
    (S.TRAINING_APPROVED,),
    (S.CLASSROOM_COMPLETE,),
    (S.EXAM_PASSED,),
    (S.EMPLOYMENT_VERIFIED,),
    (S.CERTIFIED,),
)
_RANK = {status: rank for rank, statuses in enumerate(_PATH) for status in statuses}


@dataclass(frozen=True)
class StepContext:
    """What a step definition reads about the application the dashboard follows.

    `status` is where the application stands on the path: its status, or for an expired one the
    status it had when it expired (None: not applied yet). `bookings` are its confirmed
    registrations in date order; `all_booked` whether every required day is booked while it is
    booking (training approved); `reached_on` when each status was reached (display only)."""

    application: Application | None
    status: ApplicationStatus | None
    bookings: tuple[Registration, ...] = ()
    all_booked: bool = False
    reached_on: dict[str, date] | None = None

    def reached(self, status: ApplicationStatus) -> bool:
        """Whether the application has got as far as `status` on the path."""
        return self.status is not None and _RANK.get(self.status, -1) >= _RANK[status]

    def on(self, status: ApplicationStatus) -> str:
        """ " on March 3, 2026": when `status` was reached, or "" when unknown."""
        day = (self.reached_on or {}).get(status)
        return f" on {long_date(day)}" if day else ""

    @property
    def booking_items(self) -> tuple[str, ...]:
        return tuple(_booking_item(r) for r in self.bookings)


Content = str | Callable[[StepContext], StepContent]


@dataclass(frozen=True)
class StepDefinition:
    """A step an app contributes to the dashboard (hook `dashboard_steps`).

    `order` places it among the others (the nine steps of spec section 3 use 1-9; leave room by
    using fractions or numbers above 9). `is_done` and `is_current` read a `StepContext`; a step
    that is neither is locked. `done`, `current` and `locked` are what it says in that state:
    a fixed sentence or `fn(context) -> StepContent`."""

    order: float
    title: str
    is_done: Callable[[StepContext], bool]
    is_current: Callable[[StepContext], bool]
    done: Content = ""
    current: Content = ""
    locked: Content = ""


def _content(value: Content, context: StepContext) -> StepContent:
    return StepContent(detail=value) if isinstance(value, str) else value(context)


def step_definitions() -> list[StepDefinition]:
    """Hook `dashboard_steps`: each registered `fn() -> Iterable[StepDefinition]` adds its app's
    steps; the dashboard lists them by `order`."""
    found = [d for contribute in hooks.get_hooks("dashboard_steps") for d in contribute()]
    return sorted(found, key=lambda d: d.order)


def application_steps(application: Application | None, *, today: date) -> list[Step]:
    """The steps for `application` (None: not applied yet), each done, current or locked.
    Exactly one is current while the application is alive; none once it is certified, denied or
    expired. `today` marks an overdue clock the daily task has not closed."""
    context, closed = _context(application)
    overdue = bool(application and application.expires_on and application.expires_on < today)
    steps, current_given = [], False
    for number, definition in enumerate(step_definitions(), start=1):
        if definition.is_done(context):
            state, content = "done", _content(definition.done, context)
        elif closed:
            state, content = "locked", StepContent(detail=closed)
        elif not current_given and definition.is_current(context):
            state, content, current_given = "current", _content(definition.current, context), True
            if overdue:
                ran_out = "The time allowed for this application has run out."
                content = StepContent(detail=ran_out, items=content.items)
        else:
            state, content = "locked", _content(definition.locked, context)
        steps.append(
            Step(
                number,
                definition.title,
                state,
                content.detail,
                content.action_url,
                content.action_label,
                content.items,
            )
        )
    return steps


def _context(application: Application | None) -> tuple[StepContext, str]:
    """(the step context, why the application is closed or "")."""
    if application is None:
        return StepContext(None, None), ""
    status = S(application.status)
    closed = ""
    if status is S.EXPIRED:
        status = S(_status_before(application))
        closed = (
            f"Closed: the application expired at the end of {long_date(application.expires_on)}"
        )
    elif status is S.DENIED:
        closed = "Closed: the application was denied"
    if application.pk is None:
        return StepContext(application, status), closed
    bookings = tuple(
        application.registrations.filter(status=RegistrationStatus.CONFIRMED)
        .select_related("session")
        .order_by("session__date", "session__start_time", "day")
    )
    required = set(required_days(application.track))
    all_booked = (
        application.status == S.TRAINING_APPROVED
        and bool(required)
        and required <= {r.day for r in bookings}
    )
    # For display only: when each step was reached (the status itself decides what is done).
    events = AuditEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(Application),
        object_id=str(application.pk),
    ).order_by("created_at")
    reached = {
        e.to_state: e.created_at.astimezone(clock.LOCAL_TZ).date() for e in events if e.to_state
    }
    return StepContext(application, status, bookings, all_booked, reached), closed


def _status_before(application: Application) -> str:
    """The status an expired application had when it expired (from the audit log)."""
    before = (
        AuditEvent.objects.filter(
            content_type=ContentType.objects.get_for_model(Application),
            object_id=str(application.pk),
            to_state=S.EXPIRED,
        )
        .values_list("from_state", flat=True)
        .first()
    )
    return before or (S.SUBMITTED if application.submitted_on else S.DRAFT)


def long_date(day: date | None) -> str:
    return date_format(day, "F j, Y") if day else "—"


def registration_text(registration: Registration) -> str:
    """A booking as a person reads it: "Day 1: Tuesday, March 3, 2026, 9 a.m. to 4 p.m., ODMHSAS
    Training Center, Room 210, 2000 N Classen Blvd"."""
    session = registration.session
    place = ", ".join(p for p in (session.venue, session.room, session.address) if p)
    when = (
        f"{date_format(session.date, 'l, F j, Y')}, {time_format(session.start_time, 'P')} to "
        f"{time_format(session.end_time, 'P')}"
    )
    return f"Day {registration.day}: {when}, {place}"


def _booking_item(registration: Registration) -> str:
    text = registration_text(registration)
    if not registration.attendance:
        return text
    mark = Attendance(registration.attendance).label.lower()
    if registration.session.attendance_locked_at:
        return f"{text} (attendance: {mark})"
    return f"{text} (marked {mark}, not yet locked)"


# --- Enrollment's own steps: 1-3, 5 and 6. -------------------------------------------------


def _application_current(context: StepContext) -> StepContent:
    if context.application is None:
        return StepContent(
            "Answer a few questions to find your track, then start your application.",
            reverse("enrollment:selfcheck"),
            "Find your track",
        )
    return StepContent(
        "Fill in the four sections, then submit.",
        reverse("enrollment:application-detail", args=[context.application.pk]),
        "Continue your application",
    )


def _review_done(context: StepContext) -> StepContent:
    if context.application.status == S.DENIED:
        return StepContent(f"Denied: {context.application.decision_reason}")
    return StepContent(f"Approved{context.on(S.APPROVED)}")


def _review_current(context: StepContext) -> StepContent:
    if context.status is S.RETURNED:
        return StepContent(
            "Returned for correction: fix the fields marked, then submit again.",
            reverse("enrollment:application-detail", args=[context.application.pk]),
            "Correct your application",
        )
    return StepContent("Certification staff are reviewing your application.")


def _registration_done(context: StepContext) -> StepContent:
    booked = days_label(tuple(sorted({r.day for r in context.bookings})))
    return StepContent(f"Booked {booked}" if booked else "Booked every required day")


def _classroom_current(context: StepContext) -> StepContent:
    """Steps 5 and 6 while booking and attending: the days booked and still to book."""
    application, bookings_url = context.application, reverse("classroom:registration-list")
    if not context.bookings:
        days = days_label(describe_track(application.track_enum)["days"])
        return StepContent(
            f"Book your classroom days: {days}. Pay each day's fee first.",
            bookings_url,
            "Book your classroom days",
            context.booking_items,
        )
    booked = {r.day for r in context.bookings}
    to_book = tuple(d for d in required_days(application.track) if d not in booked)
    if to_book:
        return StepContent(
            f"Booked {days_label(tuple(sorted(booked)))}; still to book: {days_label(to_book)}. "
            "Pay each day's fee first.",
            bookings_url,
            "Book your classroom days",
            context.booking_items,
        )
    return StepContent(
        "Attend each booked day; the trainer marks your attendance, and a day counts once its "
        "attendance is locked.",
        bookings_url,
        "See your bookings",
        context.booking_items,
    )


def _attendance_done(context: StepContext) -> StepContent:
    return StepContent(
        f"Attended every required day{context.on(S.CLASSROOM_COMPLETE)}",
        items=context.booking_items,
    )


def enrollment_steps() -> Iterable[StepDefinition]:
    """Hook `dashboard_steps` (registered in `enrollment/wagtail_hooks.py`)."""
    booking = S.TRAINING_APPROVED
    return (
        StepDefinition(
            1,
            "Account",
            is_done=lambda c: True,
            is_current=lambda c: False,
            done="Your account is set up",
        ),
        StepDefinition(
            2,
            "Application",
            is_done=lambda c: c.reached(S.SUBMITTED),
            is_current=lambda c: c.status in (None, S.DRAFT),
            done=lambda c: StepContent(f"Submitted on {long_date(c.application.submitted_on)}"),
            current=_application_current,
        ),
        StepDefinition(
            3,
            "Staff review",
            is_done=lambda c: c.reached(S.APPROVED) or c.status is S.DENIED,
            is_current=lambda c: c.status in (S.SUBMITTED, S.RETURNED),
            done=_review_done,
            current=_review_current,
            locked="Opens once you submit your application",
        ),
        StepDefinition(
            5,
            "Classroom registration",
            is_done=lambda c: c.reached(S.CLASSROOM_COMPLETE) or c.all_booked,
            is_current=lambda c: c.status is booking,
            done=_registration_done,
            current=_classroom_current,
            locked="Opens when the web-based training is complete and approved",
        ),
        StepDefinition(
            6,
            "Attendance",
            is_done=lambda c: c.reached(S.CLASSROOM_COMPLETE),
            is_current=lambda c: c.status is booking and c.all_booked,
            done=_attendance_done,
            current=_classroom_current,
            locked="Opens once you have booked your classroom days; the trainer marks "
            "attendance each day",
        ),
    )


# --- The whole dashboard ------------------------------------------------------------------------


@dataclass(frozen=True)
class Dashboard:
    application: Application | None
    steps: list[Step]
    days_left: int | None
    next_label: str
    next_url: str


def dashboard_get(*, user: User, today: date) -> Dashboard:
    """What the applicant's dashboard shows: the current application, its steps, the days left
    on its clock and the one next thing to do."""
    application = application_current_for_user(user=user)
    steps = application_steps(application, today=today)
    days_left = None
    if application and application.expires_on and application.status not in FINAL:
        days_left = (application.expires_on - today).days
    current = next((s for s in steps if s.state == "current" and s.action_url), None)
    if application and application.status in (S.EXPIRED, S.DENIED):
        label, url = "Start a new application", reverse("enrollment:selfcheck")
    elif current:
        label, url = current.action_label, current.action_url
    elif application and application.status != S.CERTIFIED:
        detail_url = reverse("enrollment:application-detail", args=[application.pk])
        label, url = "View your application", detail_url
    else:
        label, url = "", ""
    return Dashboard(application, steps, days_left, label, url)
