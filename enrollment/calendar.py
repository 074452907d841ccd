"""Calendar files (.ics, RFC 5545 / iTIP RFC 5546) for classroom bookings and the public feed.

A booking's event keeps one UID (`Registration.calendar_uid`) for its whole life: a move sends the
same UID with a higher SEQUENCE (METHOD:REQUEST) so calendars update the event, and a
cancellation sends METHOD:CANCEL for that UID so calendars remove it. Times are local
(America/Chicago) with a TZID and the matching VTIMEZONE.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from email.utils import parseaddr
from functools import lru_cache
from typing import Literal

from django.conf import settings
from icalendar import Calendar, Event, Timezone, vCalAddress, vText

from enrollment.models import ClassroomSession, Registration
from enrollment.selectors.classroom import session_ends_at, session_starts_at
from lms import clock
from lms.services import Attachment

Method = Literal["REQUEST", "CANCEL", "PUBLISH"]
PRODID = "-//BHCM Certification//Classroom sessions//EN"
ICS_MIMETYPE = "text/calendar"


def session_location(session: ClassroomSession) -> str:
    """ "Place, address, room" as one line."""
    return ", ".join(p for p in (session.venue, session.address, session.room) if p)


def session_summary(session: ClassroomSession) -> str:
    return f"BHCM classroom training, Day {session.day}"


def _calendar(method: Method) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    return cal


def _organizer() -> vCalAddress:
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    organizer = vCalAddress(f"mailto:{address}")
    organizer.params["cn"] = vText(name or settings.WAGTAIL_SITE_NAME)
    return organizer


def _event(session: ClassroomSession, *, uid: str, sequence: int, now: datetime) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("sequence", sequence)
    event.add("dtstamp", now)
    event.add("dtstart", session_starts_at(session))
    event.add("dtend", session_ends_at(session))
    event.add("summary", session_summary(session))
    event.add("location", session_location(session))
    return event


def _finish(cal: Calendar, sessions: list[ClassroomSession]) -> bytes:
    if sessions:
        first = min(s.date for s in sessions) - timedelta(days=366)
        last = max(s.date for s in sessions) + timedelta(days=366)
        # as cal.add_missing_timezones(), with each VTIMEZONE built once (a sweep attaches the
        # same one to every booking of a session; building it is most of an .ics file's cost)
        for index, tzid in enumerate(sorted(cal.get_missing_tzids())):
            cal.subcomponents.insert(index, _vtimezone(tzid, first, last))
    return cal.to_ical()


@lru_cache(maxsize=64)
def _vtimezone(tzid: str, first: date, last: date) -> Timezone:
    return Timezone.from_tzid(tzid, first_date=first, last_date=last)


def registration_ics(
    registration: Registration, *, method: Literal["REQUEST", "CANCEL"], now: datetime | None = None
) -> bytes:
    """The booking as a calendar invitation (REQUEST) or its withdrawal (CANCEL)."""
    session = registration.session
    cal = _calendar(method)
    event = _event(
        session,
        uid=registration.calendar_uid,
        sequence=registration.calendar_sequence,
        now=now or clock.now(),
    )
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    event.add("transp", "OPAQUE")
    event.add(
        "description",
        f"Classroom Day {session.day} of the Behavioral Health Case Manager certification. "
        "Bring a photo ID. Only people registered online are admitted.",
    )
    event.add("organizer", _organizer())
    attendee = vCalAddress(f"mailto:{registration.application.user.email}")
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    attendee.params["rsvp"] = vText("FALSE")
    event.add("attendee", attendee)
    cal.add_component(event)
    return _finish(cal, [session])


def registration_attachment(
    registration: Registration, *, method: Literal["REQUEST", "CANCEL"]
) -> Attachment:
    name = "cancelled" if method == "CANCEL" else "classroom"
    return Attachment(
        filename=f"{name}-day-{registration.day}-{registration.session.date:%Y-%m-%d}.ics",
        content=registration_ics(registration, method=method),
        mimetype=ICS_MIMETYPE,
    )


def sessions_feed_ics(
    sessions: Iterable[ClassroomSession], *, now: datetime | None = None
) -> bytes:
    """The public training calendar as a subscribable feed (METHOD:PUBLISH)."""
    now = now or clock.now()
    cal = _calendar("PUBLISH")
    cal.add("x-wr-calname", f"{settings.WAGTAIL_SITE_NAME}: classroom training")
    sessions = list(sessions)
    for session in sessions:
        event = _event(session, uid=f"session-{session.pk}@bhcm-certification", sequence=0, now=now)
        seats = getattr(session, "seats_left", None)
        if seats is not None:
            event.add("description", f"Seats left: {seats}. Register online; no walk-ins.")
        cal.add_component(event)
    return _finish(cal, sessions)
