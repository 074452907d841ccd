"""Calendars and staff's sessions: the .ics files, the public training calendar (list, month,
feed), scheduling and changing sessions, cancelling one (METHOD:CANCEL for the same UIDs), and
the sessions admin (listing, seats left, filters, CSV export, cancel, attendance lock)."""

import csv
import io
from datetime import date, datetime, time, timedelta

import pytest
from django.core import mail
from icalendar import Calendar

from enrollment.calendar import registration_ics
from enrollment.models import (
    ClassroomSession,
    Registration,
    RegistrationStatus,
    SessionStatus,
    WaitlistEntry,
    WaitlistStatus,
)
from enrollment.rules import RuleViolation
from enrollment.services.booking import registration_book
from enrollment.services.sessions import session_cancel, session_save
from enrollment.services.waitlist import waitlist_join
from lms import clock
from lms.models import AuditEvent
from lms.roles import Role
from tests.factories.enrollment import event_of, make_session, ready

pytestmark = pytest.mark.django_db


ADMIN = "/admin/classroom-sessions/"


# --- Calendar files -------------------------------------------------------------------------------


def test_a_booking_calendar_file_in_local_time_with_its_timezone():
    session = make_session(on=date(2031, 7, 15), start=time(9), end=time(15, 30), room="")
    registration = registration_book(application=ready(), session=session, user=None)
    calendar = Calendar.from_ical(registration_ics(registration, method="REQUEST"))
    (vevent,) = calendar.walk("VEVENT")
    assert vevent.decoded("DTSTART") == datetime(2031, 7, 15, 9, tzinfo=clock.LOCAL_TZ)
    assert vevent.decoded("DTSTART").utcoffset() == timedelta(hours=-5)  # daylight time
    assert vevent["DTEND"].params["TZID"] == "America/Chicago"
    assert str(vevent["LOCATION"]) == (
        "ODMHSAS Training Center, 2000 N Classen Blvd, Oklahoma City, OK"
    )
    assert str(vevent["ORGANIZER"]).startswith("mailto:")
    assert str(vevent["ATTENDEE"]) == f"mailto:{registration.application.user.email}"
    assert calendar.walk("VTIMEZONE")[0]["TZID"] == "America/Chicago"


# --- The public training calendar ----------------------------------------------------------------


def test_the_public_calendar_lists_upcoming_sessions_with_seats_left(client):
    soon = make_session(day=1, capacity=3, venue="Norman Center")
    registration_book(application=ready(), session=soon, user=None)
    make_session(day=3, capacity=10, venue="Tulsa Center")
    make_session(day=2, on=clock.today() - timedelta(days=1), venue="Past Center")
    make_session(day=2, status=SessionStatus.CANCELLED, venue="Cancelled Center")
    page = client.get("/classroom/calendar/").content.decode()  # no sign-in needed
    assert "Norman Center" in page and "Tulsa Center" in page
    assert "Past Center" not in page and "Cancelled Center" not in page
    assert ">2</span>" in page  # seats left in the Norman session
    only_day_three = client.get("/classroom/calendar/?day=3").content.decode()
    assert "Tulsa Center" in only_day_three and "Norman Center" not in only_day_three


def test_the_month_view_and_the_feed(client):
    make_session(day=2, on=date(2031, 2, 11), venue="February Center")
    make_session(day=2, on=date(2031, 3, 11), venue="March Center")
    page = client.get("/classroom/calendar/?month=2031-02").content.decode()
    assert "February 2031" in page and "February Center" in page
    assert "March Center" not in page
    assert "?month=2031-01" in page and "?month=2031-03" in page
    assert client.get("/classroom/calendar/?month=2031-13").status_code == 200  # falls back

    feed = client.get("/classroom/calendar/feed.ics")
    assert feed["Content-Type"] == "text/calendar"
    calendar = Calendar.from_ical(feed.content)
    assert calendar["METHOD"] == "PUBLISH"
    locations = sorted(str(e["LOCATION"]).split(",")[0] for e in calendar.walk("VEVENT"))
    assert locations == ["February Center", "March Center"]


# --- Staff: schedule, change, cancel --------------------------------------------------------------


def test_changing_a_sessions_date_updates_everyones_calendar(
    cert_staff, django_capture_on_commit_callbacks
):
    session = make_session(on=clock.today() + timedelta(days=20))
    registration = registration_book(application=ready(), session=session, user=None)
    session.date = clock.today() + timedelta(days=21)
    session.start_time = time(10)
    with django_capture_on_commit_callbacks(execute=True):
        session_save(session=session, actor=cert_staff, changed=["date", "start_time"])
    registration.refresh_from_db()
    assert registration.calendar_sequence == 1
    message = mail.outbox[-1]
    assert message.subject.startswith("Changed: classroom Day 1")
    calendar, vevent = event_of(message)
    assert (calendar["METHOD"], str(vevent["UID"]), vevent["SEQUENCE"]) == (
        "REQUEST",
        registration.calendar_uid,
        1,
    )
    assert vevent.decoded("DTSTART").hour == 10
    assert AuditEvent.objects.get(verb="session.updated").reason == "Changed: date, start_time."


def test_session_changes_that_are_refused(cert_staff):
    session = make_session(capacity=2)
    registration_book(application=ready(), session=session, user=None)
    registration_book(application=ready(), session=session, user=None)
    session.capacity = 1
    with pytest.raises(RuleViolation, match="2 seats are booked"):
        session_save(session=session, actor=cert_staff, changed=["capacity"])
    session.capacity, session.day = 2, 2
    with pytest.raises(RuleViolation, match="its day cannot change"):
        session_save(session=session, actor=cert_staff, changed=["day"])
    past = ClassroomSession(
        day=1,
        date=clock.today() - timedelta(days=1),
        start_time=time(9),
        end_time=time(16),
        venue="X",
        address="Y",
        capacity=5,
    )
    with pytest.raises(RuleViolation, match="in the future"):
        session_save(session=past, actor=cert_staff)
    assert past.pk is None


def test_raising_capacity_offers_the_new_seat_to_the_waitlist(cert_staff):
    session = make_session(capacity=1)
    registration_book(application=ready(), session=session, user=None)
    person = ready()
    waitlist_join(application=person, session=session, user=None)
    session.capacity = 2
    session_save(session=session, actor=cert_staff, changed=["capacity"])
    assert WaitlistEntry.objects.get(application=person).status == WaitlistStatus.OFFERED


def test_cancelling_a_session_cancels_bookings_and_tells_everyone(
    cert_staff, django_capture_on_commit_callbacks
):
    session = make_session(capacity=2)
    booked = [registration_book(application=ready(), session=session, user=None) for _ in range(2)]
    waiting = ready()
    waitlist_join(application=waiting, session=session, user=None)
    mail.outbox.clear()

    with pytest.raises(RuleViolation, match="reason"):
        session_cancel(session=session, actor=cert_staff, reason=" ")
    with django_capture_on_commit_callbacks(execute=True):
        session_cancel(session=session, actor=cert_staff, reason="The trainer is ill.")
    session.refresh_from_db()
    assert session.status == SessionStatus.CANCELLED
    for registration in booked:
        registration.refresh_from_db()
        assert (registration.status, registration.fee_item, registration.calendar_sequence) == (
            RegistrationStatus.CANCELLED,
            None,  # the day fee stays with the application for another session
            1,
        )
    assert WaitlistEntry.objects.get(application=waiting).status == WaitlistStatus.CANCELLED

    by_person = {m.to[0]: m for m in mail.outbox}
    assert len(mail.outbox) == 3
    for registration in booked:
        message = by_person[registration.application.user.email]
        assert "The trainer is ill." in message.body
        calendar, vevent = event_of(message)
        assert (calendar["METHOD"], str(vevent["UID"]), vevent["STATUS"]) == (
            "CANCEL",
            registration.calendar_uid,
            "CANCELLED",
        )
    assert by_person[waiting.user.email].attachments == []
    assert AuditEvent.objects.get(verb="session.cancelled").reason == "The trainer is ill."
    assert AuditEvent.objects.filter(verb="registration.cancelled").count() == 2

    # Each person books another session of the day with the same fee, paying nothing more.
    fee_owner = booked[0].application
    again = registration_book(application=fee_owner, session=make_session(), user=None)
    assert again.fee_item is not None
    session_cancel(session=session, actor=cert_staff, reason="again")  # a no-op
    assert AuditEvent.objects.filter(verb="session.cancelled").count() == 1


# --- The sessions admin ---------------------------------------------------------------------------


def test_staff_find_the_sessions_admin_in_the_menu(client, cert_staff):
    """The app's own hooks register the sessions admin: nothing in the tests does."""
    make_session(day=1, venue="Norman Center")
    client.force_login(cert_staff)

    home = client.get("/admin/").content.decode()
    assert "Classroom sessions" in home and ADMIN in home
    listing = client.get(ADMIN)
    assert listing.status_code == 200
    assert "Norman Center" in listing.content.decode()


def test_the_admin_listing_shows_seats_left_filters_and_exports(client, cert_staff, make_user):
    trainer = make_user(Role.TRAINER, first_name="Tina", last_name="Trainer")
    taught = make_session(day=1, capacity=4, venue="Norman Center")
    taught.trainers.add(trainer)
    registration_book(application=ready(), session=taught, user=None)
    make_session(day=3, capacity=9, venue="Tulsa Center", status=SessionStatus.CANCELLED)
    client.force_login(cert_staff)
    page = client.get(ADMIN).content.decode()
    assert "Norman Center" in page and "Tulsa Center" in page and "Seats left" in page
    assert "Tina Trainer" in page
    assert "Tulsa Center" not in client.get(ADMIN + "?day=1").content.decode()
    assert "Norman Center" not in client.get(ADMIN + "?status=cancelled").content.decode()
    by_trainer = client.get(ADMIN + f"?trainer={trainer.pk}").content.decode()
    assert "Norman Center" in by_trainer and "Tulsa Center" not in by_trainer

    export = client.get(ADMIN + "?export=csv&day=1")
    rows = list(csv.DictReader(io.StringIO(b"".join(export.streaming_content).decode())))
    assert [
        (r["Place"], r["Capacity"], r["Booked"], r["Seats left"], r["Trainers"]) for r in rows
    ] == [("Norman Center", "4", "1", "3", "Tina Trainer")]


def test_staff_schedule_a_session_with_trainers_from_the_trainer_group(
    client, cert_staff, make_user
):
    trainer = make_user(Role.TRAINER)
    not_a_trainer = make_user(Role.APPLICANT)
    client.force_login(cert_staff)
    form = client.get(ADMIN + "new/").content.decode()
    assert f'value="{trainer.pk}"' in form and f'value="{not_a_trainer.pk}"' not in form
    on = clock.today() + timedelta(days=30)
    response = client.post(
        ADMIN + "new/",
        {
            "day": "2",
            "date": on.isoformat(),
            "start_time": "09:00",
            "end_time": "16:00",
            "venue": "Lawton Center",
            "address": "1 Main St, Lawton, OK",
            "room": "",
            "capacity": "25",
            "trainers": [str(trainer.pk)],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    session = ClassroomSession.objects.get(venue="Lawton Center")
    assert (session.day, session.date, session.status, list(session.trainers.all())) == (
        2,
        on,
        SessionStatus.SCHEDULED,
        [trainer],
    )
    assert AuditEvent.objects.get(verb="session.scheduled").actor == cert_staff


def test_staff_cancel_and_lock_from_the_session_page(client, cert_staff, trainer, make_user):
    future = make_session()
    registration_book(application=ready(), session=future, user=None)
    client.force_login(cert_staff)
    page = client.get(ADMIN + f"inspect/{future.pk}/").content.decode()
    assert "Cancel the session" in page and "Roster" in page
    response = client.post(ADMIN + f"cancel/{future.pk}/", {"reason": "Flooding"}, follow=True)
    assert "is cancelled" in response.content.decode()
    future.refresh_from_db()
    assert future.status == SessionStatus.CANCELLED

    today = make_session(on=clock.today() - timedelta(days=1))  # locked once it has ended
    response = client.post(ADMIN + f"lock/{today.pk}/", {"confirmed": "yes"}, follow=True)
    today.refresh_from_db()
    assert today.attendance_locked_at is not None  # nobody booked: nothing to mark

    client.force_login(trainer)  # trainers have no admin
    assert client.post(ADMIN + f"lock/{future.pk}/").status_code in (302, 403)
    assert client.get(ADMIN).status_code in (302, 403)


def test_nobody_deletes_a_session(client, superuser):
    session = make_session()
    client.force_login(superuser)
    assert client.post(ADMIN + f"delete/{session.pk}/").status_code in (302, 403)
    assert ClassroomSession.objects.filter(pk=session.pk).exists()
    assert Registration.objects.count() == 0
