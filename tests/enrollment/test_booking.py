"""Booking classroom days: every refusal (and that nothing is written), a booking with its
calendar invitation, moves, cancellations, the ODMHSAS exemption, expiry, and reminders.

The helpers at the top are shared by the other classroom test modules.
"""

from datetime import date, datetime, time, timedelta

import pytest
from django.core import mail
from icalendar import Calendar

from enrollment.models import (
    ApplicationStatus,
    Registration,
    RegistrationStatus,
    WaitlistEntry,
    WaitlistStatus,
)
from enrollment.rules import RuleViolation
from enrollment.services import sessions
from enrollment.services.booking import (
    SessionFull,
    registration_book,
    registration_cancel,
    registration_move,
)
from enrollment.services.expiry import applications_expire
from enrollment.services.waitlist import waitlist_join
from lms import clock
from lms.models import AuditEvent
from payments.models import Payment
from payments.selectors import unused_paid_day_item
from tests.factories.enrollment import (
    confirm_employee,
    event_of,
    make_session,
    nothing_written,
    pay,
    ready,
)

pytestmark = pytest.mark.django_db
S = ApplicationStatus


# --- Refusals ------------------------------------------------------------------------------------


def test_booking_refused_for_an_unpaid_day(django_capture_on_commit_callbacks):
    application = ready(paid=(2,))
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuleViolation) as exc:
        registration_book(application=application, session=make_session(day=1), user=None)
    assert str(exc.value) == "Pay the Day 1 classroom fee before you book a session of that day."
    assert nothing_written(application)


def test_booking_refused_for_a_day_the_track_does_not_require():
    application = ready(paid=(1, 2, 3))
    with pytest.raises(RuleViolation) as exc:
        registration_book(application=application, session=make_session(day=3), user=None)
    assert str(exc.value) == (
        "Day 3 is not one of your track's classroom days; CM I requires Day 1 and Day 2."
    )
    assert nothing_written(application)


def test_a_second_booking_of_the_same_day_is_refused(django_capture_on_commit_callbacks):
    application = ready()
    with django_capture_on_commit_callbacks(execute=True):
        first = registration_book(
            application=application, session=make_session(), user=application.user
        )
    pay(application, 1)  # even with a second fee paid for that day
    later = make_session(on=clock.today() + timedelta(days=21))
    with pytest.raises(RuleViolation) as exc:
        registration_book(application=application, session=later, user=application.user)
    assert "You already have Day 1 booked" in str(exc.value)
    assert list(Registration.objects.filter(application=application)) == [first]
    with pytest.raises(RuleViolation):  # the same session twice
        registration_book(application=application, session=first.session, user=application.user)


@pytest.mark.parametrize(
    "status", [S.DRAFT, S.SUBMITTED, S.RETURNED, S.APPROVED, S.TRAINING_COMPLETE]
)
def test_booking_refused_before_the_training_is_approved(status):
    application = ready(status=status)
    with pytest.raises(RuleViolation) as exc:
        registration_book(application=application, session=make_session(), user=None)
    assert str(exc.value) == (
        "Classroom registration opens when your web-based training is complete and approved."
    )
    assert nothing_written(application)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"status": S.EXPIRED}, "This application has expired"),
        # Past its last day, before the nightly expiry has run.
        ({"expires_on": date(2020, 1, 1)}, "This application has expired"),
        ({"status": S.DENIED}, "This application was denied"),
        ({"status": S.CLASSROOM_COMPLETE}, "Your classroom days are complete"),
    ],
)
def test_booking_refused_for_expired_denied_or_finished_applications(fields, message):
    application = ready(**fields)
    with pytest.raises(RuleViolation) as exc:
        registration_book(application=application, session=make_session(), user=None)
    assert str(exc.value).startswith(message)
    assert nothing_written(application)


def test_booking_refused_for_a_cancelled_or_started_session():
    application = ready()
    cancelled = make_session(status="cancelled")
    with pytest.raises(RuleViolation, match="cancelled"):
        registration_book(application=application, session=cancelled, user=None)
    today = make_session(on=clock.today(), start=time(9), end=time(16))
    noon = datetime.combine(clock.today(), time(12), tzinfo=clock.LOCAL_TZ)
    with pytest.raises(RuleViolation, match="already started"):
        registration_book(application=application, session=today, user=None, now=noon)
    assert nothing_written(application)


def test_an_application_can_still_book_on_its_last_day():
    application = ready(expires_on=clock.today())
    registration = registration_book(application=application, session=make_session(), user=None)
    assert registration.status == RegistrationStatus.CONFIRMED


def test_from_the_minute_a_session_starts_it_cannot_be_booked_moved_or_cancelled():
    application = ready()
    session = make_session(on=clock.today() + timedelta(days=10), start=time(9), end=time(16))
    starts = datetime.combine(session.date, time(9), tzinfo=clock.LOCAL_TZ)
    with pytest.raises(RuleViolation, match="already started"):
        registration_book(application=application, session=session, user=None, now=starts)
    registration = registration_book(
        application=application, session=session, user=None, now=starts - timedelta(minutes=1)
    )
    later = make_session(on=session.date + timedelta(days=7))
    with pytest.raises(RuleViolation, match="already started"):
        registration_move(registration=registration, to_session=later, user=None, now=starts)
    with pytest.raises(RuleViolation, match="already started"):
        registration_cancel(registration=registration, actor=None, now=starts)
    registration.refresh_from_db()
    assert (registration.session, registration.status) == (session, RegistrationStatus.CONFIRMED)


def test_a_full_session_raises_session_full():
    session = make_session(capacity=1)
    registration_book(application=ready(), session=session, user=None)
    late = ready()
    with pytest.raises(SessionFull) as exc:
        registration_book(application=late, session=session, user=None)
    assert "is full" in str(exc.value) and "waitlist" in str(exc.value)
    assert not Registration.objects.filter(application=late).exists()


# --- A booking and its calendar invitation ------------------------------------------------------


def test_a_booking_uses_the_paid_fee_is_audited_and_emails_a_calendar_invitation(
    django_capture_on_commit_callbacks,
):
    application = ready()
    fee = unused_paid_day_item(application, 1)
    session = make_session(on=date(2031, 2, 4), start=time(8, 30), end=time(16, 30))
    with django_capture_on_commit_callbacks(execute=True):
        registration = registration_book(
            application=application, session=session, user=application.user
        )
    assert (
        registration.status,
        registration.day,
        registration.fee_item,
        registration.fee_exempt,
    ) == (
        RegistrationStatus.CONFIRMED,
        1,
        fee,
        False,
    )
    assert unused_paid_day_item(application, 1) is None  # the fee now backs this seat
    event = AuditEvent.objects.get(verb="registration.confirmed")
    assert (event.object_id, event.actor, event.to_state) == (
        str(registration.pk),
        application.user,
        "confirmed",
    )

    (message,) = mail.outbox
    assert message.to == [application.user.email]
    assert message.subject == "You are booked: classroom Day 1 on February 4, 2031"
    assert "ODMHSAS Training Center" in message.body
    assert message.alternatives[0][1] == "text/html"
    calendar, vevent = event_of(message)
    assert calendar["METHOD"] == "REQUEST"
    assert (
        str(vevent["UID"])
        == registration.calendar_uid
        == (f"registration-{registration.pk}@bhcm-certification")
    )
    assert vevent.decoded("DTSTART") == datetime(2031, 2, 4, 8, 30, tzinfo=clock.LOCAL_TZ)
    assert vevent["DTSTART"].params["TZID"] == "America/Chicago"
    assert vevent.decoded("DTEND") == datetime(2031, 2, 4, 16, 30, tzinfo=clock.LOCAL_TZ)
    assert str(vevent["LOCATION"]) == (
        "ODMHSAS Training Center, 2000 N Classen Blvd, Oklahoma City, OK, Room 210"
    )
    assert vevent["SEQUENCE"] == 0
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["America/Chicago"]


def test_a_confirmed_odmhsas_employee_books_without_paying(django_capture_on_commit_callbacks):
    employee = ready(paid=(), odmhsas_employee=True)
    with pytest.raises(RuleViolation, match="Pay the Day 1"):  # claimed, not yet confirmed
        registration_book(application=employee, session=make_session(), user=None)
    confirm_employee(employee)
    with django_capture_on_commit_callbacks(execute=True):
        registration = registration_book(
            application=employee, session=make_session(), user=employee.user
        )
    assert (registration.fee_item, registration.fee_exempt) == (None, True)
    assert "fee exempt" in AuditEvent.objects.get(verb="registration.confirmed").reason
    assert len(mail.outbox) == 1


# --- Moves ---------------------------------------------------------------------------------------


def test_a_move_keeps_the_fee_and_the_uid_and_bumps_the_sequence(
    django_capture_on_commit_callbacks,
):
    application = ready()
    first = make_session(on=clock.today() + timedelta(days=10))
    second = make_session(on=clock.today() + timedelta(days=17), venue="Tulsa Center")
    with django_capture_on_commit_callbacks(execute=True):
        registration = registration_book(application=application, session=first, user=None)
    fee, uid = registration.fee_item_id, registration.calendar_uid
    with django_capture_on_commit_callbacks(execute=True):
        moved = registration_move(registration=registration, to_session=second, user=None)
    moved.refresh_from_db()
    assert (moved.pk, moved.session, moved.fee_item_id, moved.calendar_sequence) == (
        registration.pk,
        second,
        fee,
        1,
    )
    assert Payment.objects.count() == 2  # no new fee
    assert mail.outbox[-1].subject.startswith("Booking moved")
    calendar, vevent = event_of(mail.outbox[-1])
    assert (calendar["METHOD"], str(vevent["UID"]), vevent["SEQUENCE"]) == ("REQUEST", uid, 1)
    assert vevent.decoded("DTSTART").date() == second.date
    assert str(vevent["LOCATION"]).startswith("Tulsa Center")
    event = AuditEvent.objects.get(verb="registration.moved")
    assert (event.from_state, event.to_state) == (f"session-{first.pk}", f"session-{second.pk}")

    # Moving to where it already is does nothing.
    again = registration_move(registration=moved, to_session=second, user=None)
    again.refresh_from_db()
    assert again.calendar_sequence == 1


def test_move_refusals():
    application = ready()
    booked = make_session(on=clock.today() + timedelta(days=10))
    registration = registration_book(application=application, session=booked, user=None)
    other_day = make_session(day=2)
    with pytest.raises(RuleViolation, match="same day"):
        registration_move(registration=registration, to_session=other_day, user=None)
    full = make_session(capacity=1, on=clock.today() + timedelta(days=12))
    registration_book(application=ready(), session=full, user=None)
    with pytest.raises(SessionFull):
        registration_move(registration=registration, to_session=full, user=None)
    later = make_session(on=clock.today() + timedelta(days=20))
    started = datetime.combine(booked.date, time(10), tzinfo=clock.LOCAL_TZ)
    with pytest.raises(RuleViolation, match="already started"):
        registration_move(registration=registration, to_session=later, user=None, now=started)
    registration.refresh_from_db()
    assert (registration.session, registration.calendar_sequence) == (booked, 0)
    assert not AuditEvent.objects.filter(verb="registration.moved").exists()


# --- Cancellation, expiry ---------------------------------------------------------------------


def test_cancelling_keeps_the_fee_with_the_day_and_sends_a_calendar_cancel(
    django_capture_on_commit_callbacks,
):
    application = ready()
    session = make_session()
    registration = registration_book(application=application, session=session, user=None)
    fee = registration.fee_item
    with django_capture_on_commit_callbacks(execute=True):
        registration_cancel(registration=registration, actor=application.user)
    registration.refresh_from_db()
    assert (registration.status, registration.fee_item, registration.calendar_sequence) == (
        RegistrationStatus.CANCELLED,
        None,
        1,
    )
    calendar, vevent = event_of(mail.outbox[-1])
    assert (calendar["METHOD"], str(vevent["UID"]), vevent["STATUS"]) == (
        "CANCEL",
        registration.calendar_uid,
        "CANCELLED",
    )
    event = AuditEvent.objects.get(verb="registration.cancelled")
    assert event.reason == (
        f"Cancelled by the applicant. Day fee item #{fee.pk} released for another session."
    )
    # The paid fee books another session of the same day; no new payment.
    again = registration_book(application=application, session=make_session(), user=None)
    assert again.fee_item == fee
    with django_capture_on_commit_callbacks(execute=True):
        registration_cancel(registration=registration, actor=None)  # twice: nothing happens
    assert AuditEvent.objects.filter(verb="registration.cancelled").count() == 1
    assert [m.subject.startswith("Booking cancelled") for m in mail.outbox].count(True) == 1


def test_expiry_cancels_future_bookings_and_waitlist_places_without_refund(
    django_capture_on_commit_callbacks,
):
    today = clock.today()
    application = ready(expires_on=today - timedelta(days=1))
    past = make_session(day=2, on=today - timedelta(days=3))
    attended = Registration.objects.create(
        application=application,
        session=past,
        day=2,
        fee_item=unused_paid_day_item(application, 2),
        attendance="present",
    )
    future = make_session(capacity=1)
    Registration.objects.create(
        application=application,
        session=future,
        day=1,
        fee_item=unused_paid_day_item(application, 1),
    )
    full = make_session(day=1, capacity=1, on=today + timedelta(days=20))
    registration_book(application=ready(), session=full, user=None)
    place = WaitlistEntry.objects.create(session=full, application=application)
    waiting = ready()
    WaitlistEntry.objects.create(session=future, application=waiting)

    with django_capture_on_commit_callbacks(execute=True):
        assert applications_expire(today=today) == [application.pk]

    booked = Registration.objects.get(application=application, session=future)
    assert (booked.status, booked.calendar_sequence) == (RegistrationStatus.CANCELLED, 1)
    assert booked.fee_item_id is not None  # nothing is refunded or released
    attended.refresh_from_db()
    assert attended.status == RegistrationStatus.CONFIRMED  # the past is kept
    place.refresh_from_db()
    assert place.status == WaitlistStatus.CANCELLED
    events = AuditEvent.objects.filter(verb="registration.cancelled")
    assert [(e.object_id, e.actor) for e in events] == [(str(booked.pk), None)]
    assert AuditEvent.objects.filter(verb="waitlist.cancelled", object_id=str(place.pk)).exists()

    cancel_mail = next(m for m in mail.outbox if m.subject.startswith("Booking cancelled"))
    calendar, vevent = event_of(cancel_mail)
    assert (calendar["METHOD"], str(vevent["UID"])) == ("CANCEL", booked.calendar_uid)
    assert "expired" in cancel_mail.body
    # The freed seat went to the person waiting for it.
    assert WaitlistEntry.objects.get(application=waiting).status == WaitlistStatus.OFFERED


# --- Reminders ---------------------------------------------------------------------------------


def test_reminders_three_days_before_once(django_capture_on_commit_callbacks):
    application = ready()
    session = make_session(on=date(2031, 3, 10))
    soon = registration_book(application=application, session=session, user=None)
    later = registration_book(
        application=ready(), session=make_session(on=date(2031, 3, 20)), user=None
    )
    mail.outbox.clear()
    from enrollment.tasks.classroom import registration_reminders_task

    with django_capture_on_commit_callbacks(execute=True):
        assert registration_reminders_task(today="2031-03-06") == 0  # four days before
        assert registration_reminders_task(today="2031-03-07") == 1
        assert registration_reminders_task(today="2031-03-07") == 0  # run twice
        assert registration_reminders_task(today="2031-03-08") == 0  # already reminded
    (message,) = mail.outbox
    assert message.subject == "Reminder: classroom Day 1 in 3 days"
    assert str(event_of(message)[1]["UID"]) == soon.calendar_uid
    reminded = AuditEvent.objects.filter(verb=sessions.REMINDED)
    assert [e.object_id for e in reminded] == [str(soon.pk)]
    assert str(later.pk) not in {e.object_id for e in reminded}


# --- The applicant's pages -------------------------------------------------------------------


def test_the_booking_page_lists_each_required_day_with_its_fee_and_sessions(client):
    application = ready(paid=(1,))
    open_session = make_session(capacity=5)
    full = make_session(capacity=1, on=clock.today() + timedelta(days=20))
    registration_book(application=ready(), session=full, user=None)
    make_session(day=2)
    client.force_login(application.user)
    page = client.get("/classroom/").content.decode()
    assert 'id="day-1"' in page and 'id="day-2"' in page and 'id="day-3"' not in page
    assert "Paid" in page and "Not paid" in page
    assert f"/classroom/sessions/{open_session.pk}/book/" in page
    assert f"/classroom/sessions/{full.pk}/waitlist/" in page and "Full" in page
    assert "Pay the fee first" in page  # Day 2


def test_booking_through_the_page_and_refusals_as_messages(
    client, django_capture_on_commit_callbacks
):
    application = ready(paid=(1,))
    client.force_login(application.user)
    session = make_session()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/classroom/sessions/{session.pk}/book/", follow=True)
    assert "Booked: Day 1" in response.content.decode()
    registration = Registration.objects.get(application=application)
    download = client.get(f"/classroom/bookings/{registration.pk}/calendar.ics")
    assert download["Content-Type"] == "text/calendar"
    vevent = Calendar.from_ical(download.content).walk("VEVENT")[0]
    assert str(vevent["UID"]) == registration.calendar_uid

    day_two = make_session(day=2)
    response = client.post(f"/classroom/sessions/{day_two.pk}/book/", follow=True)
    assert "Pay the Day 2 classroom fee" in response.content.decode()


def test_only_the_owner_sees_a_booking(client, make_user):
    registration = registration_book(application=ready(), session=make_session(), user=None)
    stranger = ready()
    client.force_login(stranger.user)
    assert client.get(f"/classroom/bookings/{registration.pk}/calendar.ics").status_code == 404
    booked_in, other = registration.session_id, make_session(on=clock.today() + timedelta(days=30))
    move = client.post(
        f"/classroom/bookings/{registration.pk}/move/", {"session": other.pk, "confirmed": "yes"}
    )
    assert move.status_code == 404
    cancel = client.post(f"/classroom/bookings/{registration.pk}/cancel/", {"confirmed": "yes"})
    assert cancel.status_code == 404
    registration.refresh_from_db()
    assert registration.session_id == booked_in  # not moved
    assert registration.status == RegistrationStatus.CONFIRMED  # not cancelled
    assert registration.calendar_sequence == 0
    assert not AuditEvent.objects.filter(
        verb__in=["registration.moved", "registration.cancelled"]
    ).exists()
    client.logout()
    assert client.get("/classroom/").status_code == 302  # to sign in


def test_joining_the_waitlist_is_refused_while_a_seat_is_free():
    with pytest.raises(RuleViolation, match="free seat"):
        waitlist_join(application=ready(), session=make_session(), user=None)


def test_moving_and_cancelling_through_the_page(client, django_capture_on_commit_callbacks):
    application = ready()
    registration = registration_book(application=application, session=make_session(), user=None)
    later = make_session(on=clock.today() + timedelta(days=30), venue="Lawton Center")
    client.force_login(application.user)
    page = client.get("/classroom/").content.decode()
    assert f'name="session" value="{later.pk}"' in page and "Move here" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/classroom/bookings/{registration.pk}/move/",
            {"session": later.pk, "confirmed": "yes"},
            follow=True,
        )
    assert "Moved to Day 1" in response.content.decode()
    registration.refresh_from_db()
    assert (registration.session, registration.calendar_sequence) == (later, 1)
    response = client.post(
        f"/classroom/bookings/{registration.pk}/cancel/", {"confirmed": "yes"}, follow=True
    )
    assert "fee stays with your application" in response.content.decode()
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED
