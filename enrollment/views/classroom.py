"""Classroom pages: the public training calendar, the applicant's "Book your classroom days",
and the trainer's rosters.

Views only route: reads come from `selectors.classroom` (scoped to who asks: someone else's
booking, waitlist place or session is a 404), writes go through the services, and a refusal
(`RuleViolation`) becomes a message the person can read.
"""

import re
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.views.decorators.http import require_GET, require_POST

from enrollment.calendar import registration_ics, sessions_feed_ics
from enrollment.models import Attendance, RegistrationStatus, SessionStatus
from enrollment.rules import RuleViolation
from enrollment.selectors import classroom as sel
from enrollment.selectors.applications import application_current_for_user
from enrollment.services import booking, waitlist
from enrollment.services.roster import (
    NO_WALK_INS,
    roster_csv,
    session_attendance_mark,
    signin_sheet_pdf,
)
from lms import clock
from lms.roles import Capability, can

BOOKING_PAGE = "classroom:registration-list"
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def _when(session) -> str:
    return f"Day {session.day} on {date_format(session.date, 'l, F j, Y')}"


def _back(day: int | None = None):
    url = reverse(BOOKING_PAGE)
    return redirect(f"{url}#day-{day}" if day else url)


# --- Public training calendar --------------------------------------------------------------------


def _day_filter(request) -> int | None:
    value = request.GET.get("day", "")
    return int(value) if value in {"1", "2", "3", "4"} else None


@require_GET
def calendar_view(request):
    """Upcoming sessions (no sign-in needed): a list, or a month grid with `?month=2027-02`."""
    today, day = clock.today(), _day_filter(request)
    context = {"day": day, "days": (1, 2, 3, 4), "today": today}
    match = _MONTH.match(request.GET.get("month", ""))
    if match and 1 <= int(match[2]) <= 12 and 2000 <= int(match[1]) <= 2100:
        first = date(int(match[1]), int(match[2]), 1)
        prev_month = date(first.year - (first.month == 1), (first.month - 2) % 12 + 1, 1)
        next_month = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
        context |= {
            "month": first,
            "weeks": sel.public_month_get(year=first.year, month=first.month, day=day),
            "prev_month": prev_month,
            "next_month": next_month,
        }
    else:
        context |= {"sessions": sel.public_session_list(today=today, day=day)}
    return render(request, "enrollment/classroom/calendar.html", context)


@require_GET
def calendar_feed(request):
    """The upcoming sessions as an iCalendar feed to subscribe to."""
    sessions = sel.public_session_list(today=clock.today(), day=_day_filter(request))
    response = HttpResponse(sessions_feed_ics(sessions), content_type="text/calendar")
    response["Content-Disposition"] = 'inline; filename="classroom-training.ics"'
    return response


# --- The applicant ----------------------------------------------------------------------------


@login_required
@require_GET
def booking_page(request):
    """ "Book your classroom days" for the person's current application."""
    now = clock.now()
    page = sel.booking_page_get(user=request.user, now=now)
    context = {
        "page": page,
        "application": page.application,
        "opens_when": booking.OPENS_WHEN,
        "offers": [
            e for e in sel.waitlist_list_for_user(user=request.user) if e.status == "offered"
        ],
        "now": now,
    }
    return render(request, "enrollment/classroom/booking.html", context)


def _own_application(request):
    application = application_current_for_user(user=request.user)
    if application is None:
        raise Http404("No application.")
    return application


def _session(pk: int):
    session = sel.session_get_bookable(pk=pk)
    if session is None:
        raise Http404("No such session.")
    return session


@login_required
@require_POST
def registration_book(request, session_pk):
    application, session = _own_application(request), _session(session_pk)
    try:
        booking.registration_book(application=application, session=session, user=request.user)
    except booking.SessionFull as full:
        messages.warning(request, str(full))
    except RuleViolation as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(
            request,
            f"Booked: {_when(session)}. A confirmation with a calendar file is on its way.",
        )
    return _back(session.day)


def _own_registration(request, pk):
    registration = sel.registration_get_for_user(user=request.user, pk=pk)
    if registration is None:
        raise Http404("No such booking.")
    return registration


def _confirm(request, *, title: str, consequences: list[str], button: str, back_day: int):
    """The step between a click and a change: what will happen, and a button to go ahead."""
    hidden = [
        (name, value)
        for name, values in request.POST.lists()
        if name not in ("csrfmiddlewaretoken", "confirmed")
        for value in values
    ]
    context = {
        "title": title,
        "consequences": consequences,
        "button": button,
        "hidden": hidden,
        "action_url": request.path,
        "back_url": f"{reverse(BOOKING_PAGE)}#day-{back_day}",
    }
    return render(request, "enrollment/classroom/confirm.html", context)


def _confirmed(request) -> bool:
    return request.POST.get("confirmed") == "yes"


@login_required
@require_POST
def registration_move(request, pk):
    registration = _own_registration(request, pk)
    value = request.POST.get("session", "")
    to_session = _session(int(value) if value.isdigit() else 0)
    if not _confirmed(request) and registration.status == RegistrationStatus.CONFIRMED:
        return _confirm(
            request,
            title=f"Move your Day {registration.day} booking?",
            consequences=[
                f"You leave {_when(registration.session)}: this frees your seat there for "
                "someone else, and you may not get it back.",
                f"You take a seat on {_when(to_session)} at {to_session.venue}.",
                "Your paid fee moves with you; an updated calendar file is emailed.",
            ],
            button=f"Yes, move to {date_format(to_session.date, 'F j')}",
            back_day=registration.day,
        )
    try:
        booking.registration_move(
            registration=registration, to_session=to_session, user=request.user
        )
    except RuleViolation as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(
            request, f"Moved to {_when(to_session)}. An updated calendar file is on its way."
        )
    return _back(registration.day)


@login_required
@require_POST
def registration_cancel(request, pk):
    registration = _own_registration(request, pk)
    if not _confirmed(request) and registration.status == RegistrationStatus.CONFIRMED:
        return _confirm(
            request,
            title=f"Cancel your booking of {_when(registration.session)}?",
            consequences=[
                "This frees your seat for someone else.",
                f"Nothing is refunded: your Day {registration.day} fee stays with your "
                f"application, and you book another date of Day {registration.day}.",
                "A calendar cancellation is emailed to you.",
            ],
            button="Yes, cancel this booking",
            back_day=registration.day,
        )
    try:
        booking.registration_cancel(registration=registration, actor=request.user)
    except RuleViolation as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(
            request,
            f"Your booking of {_when(registration.session)} is cancelled. Your Day "
            f"{registration.day} fee stays with your application: book another date of that day.",
        )
    return _back(registration.day)


@login_required
@require_GET
def registration_calendar(request, pk):
    """The booking's calendar file (a cancelled booking's file removes the event)."""
    registration = _own_registration(request, pk)
    cancelled = registration.status == RegistrationStatus.CANCELLED
    content = registration_ics(registration, method="CANCEL" if cancelled else "REQUEST")
    response = HttpResponse(content, content_type="text/calendar")
    response["Content-Disposition"] = (
        f'attachment; filename="classroom-day-{registration.day}-{registration.session.date}.ics"'
    )
    return response


@login_required
@require_POST
def waitlist_join(request, session_pk):
    application, session = _own_application(request), _session(session_pk)
    try:
        waitlist.waitlist_join(application=application, session=session, user=request.user)
    except RuleViolation as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(
            request,
            f"You are on the waitlist for {_when(session)}. If a seat frees, we email you an "
            "offer to claim it.",
        )
    return _back(session.day)


def _own_entry(request, pk):
    entry = sel.waitlist_entry_get_for_user(user=request.user, pk=pk)
    if entry is None:
        raise Http404("No such waitlist place.")
    return entry


@login_required
@require_POST
def waitlist_claim(request, pk):
    entry = _own_entry(request, pk)
    try:
        waitlist.waitlist_claim(entry=entry, user=request.user)
    except RuleViolation as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, f"Booked: {_when(entry.session)}. A confirmation is on its way.")
    return _back(entry.session.day)


@login_required
@require_POST
def waitlist_leave(request, pk):
    entry = _own_entry(request, pk)
    waitlist.waitlist_leave(entry=entry, user=request.user)
    messages.success(request, f"You left the waitlist for {_when(entry.session)}.")
    return _back(entry.session.day)


# --- Trainers ---------------------------------------------------------------------------------


def _trainer_only(request) -> None:
    if not can(request.user, Capability.OWN_ROSTERS):
        raise PermissionDenied("Only trainers have rosters.")


def _own_session(request, pk):
    _trainer_only(request)
    session = sel.trainer_session_get(user=request.user, pk=pk)
    if session is None:
        raise Http404("No such session.")
    return session


@login_required
@require_GET
def trainer_sessions(request):
    """The sessions this trainer teaches, with seats left."""
    _trainer_only(request)
    sessions = sel.trainer_session_list(user=request.user)
    today = clock.today()
    context = {
        "upcoming": [s for s in sessions if s.date >= today][::-1],
        "past": [s for s in sessions if s.date < today],
        "no_walk_ins": NO_WALK_INS,
    }
    return render(request, "enrollment/classroom/trainer_sessions.html", context)


@login_required
def trainer_session(request, pk):
    """One session's roster, waitlist and attendance form (POST records the marks)."""
    session = _own_session(request, pk)
    if request.method == "POST":
        try:
            changed = session_attendance_mark(
                session=session, actor=request.user, marks=_marks(request.POST)
            )
        except RuleViolation as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, f"Attendance saved ({changed} changed).")
        return redirect("classroom:trainer-session-detail", pk=session.pk)
    context = {
        "session": session,
        "rows": sel.roster_get(session),
        "waitlist": sel.session_waitlist_get(session),
        "seats_left": sel.session_seats_left(session),
        "marks": Attendance.choices,
        "can_mark": session.status == SessionStatus.SCHEDULED
        and session.attendance_locked_at is None
        and session.date <= clock.today(),
        "no_walk_ins": NO_WALK_INS,
    }
    return render(request, "enrollment/classroom/trainer_session.html", context)


def _marks(data) -> dict[int, tuple[str, str]]:
    """{registration id: (attendance, note)} from the roster form's `attendance-<id>` fields."""
    marks = {}
    for key, value in data.items():
        if key.startswith("attendance-") and key[11:].isdigit():
            pk = int(key[11:])
            marks[pk] = (value, data.get(f"note-{pk}", ""))
    return marks


@login_required
@require_GET
def signin_sheet(request, pk):
    session = _own_session(request, pk)
    response = HttpResponse(signin_sheet_pdf(session), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="sign-in-day-{session.day}-{session.date}.pdf"'
    )
    return response


@login_required
@require_GET
def roster_export(request, pk):
    session = _own_session(request, pk)
    response = HttpResponse(roster_csv(session), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="roster-day-{session.day}-{session.date}.csv"'
    )
    return response
