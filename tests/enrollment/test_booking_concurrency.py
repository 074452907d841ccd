"""Real concurrency on PostgreSQL: many people booking the last seats at the same moment, one
person double-booking a day from two tabs, a seat lock held too long (busy, not a crash), and
while it is held a full session still says full at once, a cancellation still goes through, the
person's lessons are not held up, and a missed booking staff confirm again meanwhile makes the
booking a polite refusal.

Each thread has its own database connection (closed when it ends); a Barrier releases them
together. Transactional tests: the rows are committed, so every connection sees them.
"""

import logging
import threading
import time
from collections import Counter
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.db import connection, connections, transaction

from courses.services import lesson_progress_open
from enrollment.models import (
    ClassroomSession,
    Registration,
    RegistrationStatus,
    WaitlistEntry,
    WaitlistStatus,
)
from enrollment.rules import RuleViolation
from enrollment.services import booking
from enrollment.services.booking import (
    BookingBusy,
    SessionFull,
    registration_book,
    registration_cancel,
)
from enrollment.services.waitlist import waitlist_join
from enrollment.tasks.classroom import waitlist_offers_expire_task
from lms import clock
from lms.models import AuditEvent
from tests.factories.courses import course, lesson, module
from tests.factories.enrollment import make_session, pay, ready

pytestmark = pytest.mark.django_db(transaction=True)

PEOPLE = 40


def _race(attempts) -> list[str]:
    """Run each attempt in its own thread, all released at once; returns their outcomes."""
    barrier = threading.Barrier(len(attempts))
    outcomes = [""] * len(attempts)

    def run(index, attempt):
        try:
            barrier.wait(timeout=30)
            attempt()
            outcomes[index] = "booked"
        except SessionFull:
            outcomes[index] = "full"
        except BookingBusy:
            outcomes[index] = "busy"
        except RuleViolation as refusal:
            outcomes[index] = f"refused: {refusal}"
        except Exception as exc:  # reported in the assertion, never swallowed
            outcomes[index] = f"error: {exc!r}"
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes


@pytest.mark.parametrize("round_no", range(5))
def test_the_last_five_seats_go_to_exactly_five_of_forty(round_no):
    session = make_session(capacity=8)
    for _ in range(3):  # five seats left
        registration_book(application=ready(), session=session, user=None)
    applications = [ready() for _ in range(PEOPLE)]

    outcomes = _race(
        [
            lambda a=a: registration_book(application=a, session=session, user=a.user)
            for a in applications
        ]
    )

    assert Counter(outcomes) == {"booked": 5, "full": PEOPLE - 5}, Counter(outcomes)
    confirmed = Registration.objects.filter(session=session, status=RegistrationStatus.CONFIRMED)
    assert confirmed.count() == session.capacity == 8
    winners = {
        a.pk for a, outcome in zip(applications, outcomes, strict=True) if outcome == "booked"
    }
    assert set(confirmed.values_list("application_id", flat=True)) >= winners


def test_one_person_booking_the_same_day_from_many_tabs_gets_one_seat():
    application = ready()
    sessions = [make_session(on=clock.today() + timedelta(days=10 + i)) for i in range(10)]

    outcomes = _race(
        [
            lambda s=s: registration_book(application=application, session=s, user=None)
            for s in sessions
        ]
    )

    assert outcomes.count("booked") == 1, outcomes
    assert all(
        o.startswith("refused: You already have Day 1 booked") for o in outcomes if o != "booked"
    )
    assert Registration.objects.filter(application=application, status="confirmed").count() == 1


@contextmanager
def _seat_lock_held(session):
    """Another connection holds the session's row lock until the block ends."""
    locked, release = threading.Event(), threading.Event()

    def hold_the_lock():
        try:
            with transaction.atomic():
                ClassroomSession.objects.select_for_update().get(pk=session.pk)
                locked.set()
                release.wait(timeout=30)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold_the_lock)
    holder.start()
    assert locked.wait(timeout=30)
    try:
        yield
    finally:
        release.set()
        holder.join(timeout=30)


def test_a_seat_lock_held_too_long_is_a_polite_busy_then_works(monkeypatch, caplog):
    monkeypatch.setattr(booking, "LOCK_TIMEOUT_MS", 150)
    caplog.set_level(logging.INFO, logger=booking.__name__)
    session = make_session(capacity=5)
    application = ready()
    with _seat_lock_held(session):
        with pytest.raises(BookingBusy) as exc:
            registration_book(application=application, session=session, user=None)
        assert str(exc.value) == booking.BUSY
        assert not Registration.objects.filter(application=application).exists()
    # What the operator reads: tried twice, then the polite refusal.
    assert [r.getMessage() for r in caplog.records if r.name == booking.__name__] == [
        "Seat lock not granted (attempt 1).",
        "Seat lock not granted (attempt 2).",
    ]
    registration = registration_book(application=application, session=session, user=None)
    assert registration.status == RegistrationStatus.CONFIRMED


def test_a_full_session_says_full_at_once_even_while_its_seat_lock_is_held(monkeypatch):
    """Full is answered before queuing for the lock: the person is offered the waitlist, not
    told to try again."""
    monkeypatch.setattr(booking, "LOCK_TIMEOUT_MS", 150)
    session = make_session(capacity=1)
    registration_book(application=ready(), session=session, user=None)
    late = ready()
    with _seat_lock_held(session), pytest.raises(SessionFull):
        registration_book(application=late, session=session, user=None)
    assert not Registration.objects.filter(application=late).exists()


def test_a_cancellation_goes_through_while_the_seat_lock_is_held_and_the_task_offers_later(
    monkeypatch,
):
    monkeypatch.setattr(booking, "LOCK_TIMEOUT_MS", 150)
    session = make_session(capacity=1)
    booked = registration_book(application=ready(), session=session, user=None)
    waiting = ready()
    waitlist_join(application=waiting, session=session, user=None)
    with _seat_lock_held(session):
        cancelled = registration_cancel(registration=booked, actor=None)
    assert cancelled.status == RegistrationStatus.CANCELLED
    entry = WaitlistEntry.objects.get(application=waiting)
    assert entry.status == WaitlistStatus.WAITING  # the offer could not take the seat lock
    waitlist_offers_expire_task()
    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.OFFERED


def _in_thread(fn) -> tuple[threading.Thread, list]:
    """`fn` started on its own connection; the list receives its result (or its exception)."""
    result = []

    def run():
        try:
            result.append(fn())
        except Exception as exc:  # reported by the test, never swallowed
            result.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, result


def _until_a_lock_is_awaited() -> None:
    """Returns once one connection of the test database waits for a row lock."""
    for _ in range(500):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0] == 1:
                return
        time.sleep(0.02)
    raise AssertionError("nobody waited for the lock")


def test_a_booking_waiting_for_a_busy_seat_does_not_hold_up_the_persons_lessons(monkeypatch):
    """While a booking waits for the seat lock it holds the person's application row against
    other bookings and payments only (FOR NO KEY UPDATE): opening a lesson they have not opened
    before (a new row naming the application) goes through at once, not after the booking."""
    monkeypatch.setattr(booking, "LOCK_TIMEOUT_MS", 20_000)
    session = make_session(capacity=5)
    application = ready()
    added = lesson(module(course()), "Crisis plans")  # added to the course after approval
    with _seat_lock_held(session):
        booker, booked = _in_thread(
            lambda: registration_book(application=application, session=session, user=None)
        )
        _until_a_lock_is_awaited()  # the booking holds the application, waits for the seat
        reader, opened = _in_thread(
            lambda: lesson_progress_open(application=application, lesson=added)
        )
        reader.join(timeout=5)
        assert not reader.is_alive(), "the lesson waited for the booking"
        assert opened[0].lesson_id == added.pk and not booked  # the booking is still waiting
    booker.join(timeout=30)
    reader.join(timeout=30)
    assert booked[0].status == RegistrationStatus.CONFIRMED


def _a_missed_day_to_book_again(cert_staff):
    """A person marked absent from a session whose attendance staff then locked (the booking
    closed as missed), the day paid again, and another session of that day a week later.
    Returns (application, the missed registration, when the session ended, the other one)."""
    from enrollment.selectors.classroom import session_ends_at
    from enrollment.services.roster import session_attendance_lock

    application = ready()
    missed_session = make_session()
    missed = registration_book(application=application, session=missed_session, user=None)
    Registration.objects.filter(pk=missed.pk).update(attendance="absent")
    ended = session_ends_at(missed_session)
    session_attendance_lock(session=missed_session, actor=cert_staff, now=ended)
    pay(application, 1)  # the day paid again, to book it again
    again = make_session(on=missed_session.date + timedelta(days=7))
    return application, missed, ended, again


def test_a_missed_booking_reopened_while_the_day_is_being_booked_again_is_a_polite_refusal(
    monkeypatch, cert_staff
):
    """Staff unlock a session's attendance, which confirms again a booking the lock closed as
    missed, while the person is booking that day elsewhere (their booking waits for a busy
    seat). The database keeps one booking per day; the person is told so, not shown an error."""
    from enrollment.services.roster import session_attendance_unlock

    monkeypatch.setattr(booking, "LOCK_TIMEOUT_MS", 20_000)
    application, missed, ended, again = _a_missed_day_to_book_again(cert_staff)
    missed_session = missed.session
    with _seat_lock_held(again):
        booker, booked = _in_thread(
            lambda: registration_book(application=application, session=again, user=None, now=ended)
        )
        _until_a_lock_is_awaited()
        session_attendance_unlock(
            session=missed_session, actor=cert_staff, reason="Marked absent by mistake."
        )
    booker.join(timeout=30)
    (refusal,) = booked
    assert isinstance(refusal, RuleViolation), refusal
    assert str(refusal) == "You already have this day booked."
    confirmed = Registration.objects.filter(application=application, status="confirmed")
    assert list(confirmed) == [missed]


def test_an_attendance_unlock_racing_a_new_booking_of_the_day_leaves_the_missed_one_closed(
    cert_staff,
):
    """The other order: the person's new booking of the day is written (not yet committed) when
    staff unlock the missed session's attendance. The unlock does not see it, tries to confirm
    the missed booking again, and meets the database's one-booking-per-day rule when the new
    booking commits: the unlock still goes through, and the missed booking stays closed."""
    from enrollment.services.roster import session_attendance_unlock

    application, missed, ended, again = _a_missed_day_to_book_again(cert_staff)
    missed_session = missed.session
    written, commit = threading.Event(), threading.Event()

    def book_and_hold():
        with transaction.atomic():
            registration = registration_book(
                application=application, session=again, user=None, now=ended
            )
            written.set()
            commit.wait(timeout=30)
        return registration

    booker, booked = _in_thread(book_and_hold)
    assert written.wait(timeout=30)
    unlocker, unlocked = _in_thread(
        lambda: session_attendance_unlock(
            session=missed_session, actor=cert_staff, reason="Marked absent by mistake."
        )
    )
    _until_a_lock_is_awaited()  # the unlock's update waits for the new booking's row
    commit.set()
    booker.join(timeout=30)
    unlocker.join(timeout=30)
    assert booked[0].status == RegistrationStatus.CONFIRMED, booked
    assert not isinstance(unlocked[0], Exception), unlocked[0]
    assert unlocked[0].attendance_locked_at is None
    missed.refresh_from_db()
    assert missed.status == RegistrationStatus.CANCELLED
    confirmed = Registration.objects.filter(application=application, status="confirmed")
    assert list(confirmed) == [booked[0]]
    assert not AuditEvent.objects.filter(verb="registration.reopened").exists()


@pytest.mark.parametrize("round_no", range(3))
def test_bookings_racing_a_lock_and_a_move_never_overfill_or_book_a_locked_session(
    round_no, cert_staff
):
    """Issue 11: 20 people book the last 3 seats while staff lock the session's attendance and
    someone moves into it from another date. Whoever wins, the session never holds more than
    its capacity, and nothing is booked into it once it is locked."""
    from datetime import datetime, time

    from enrollment.selectors.classroom import session_ends_at
    from enrollment.services.booking import registration_move
    from enrollment.services.roster import session_attendance_lock

    target = make_session(capacity=5)
    other = make_session(on=target.date + timedelta(days=1))
    before_start = datetime.combine(target.date - timedelta(days=1), time(9), tzinfo=clock.LOCAL_TZ)
    for _ in range(2):
        seated = registration_book(application=ready(), session=target, user=None)
        Registration.objects.filter(pk=seated.pk).update(attendance="present")
    mover = ready()
    moving = registration_book(application=mover, session=other, user=None)
    applications = [ready() for _ in range(20)]
    locked_at = session_ends_at(target) + timedelta(minutes=5)

    outcomes = _race(
        [
            lambda a=a: registration_book(
                application=a, session=target, user=a.user, now=before_start
            )
            for a in applications
        ]
        + [
            lambda: session_attendance_lock(session=target, actor=cert_staff, now=locked_at),
            lambda: registration_move(
                registration=moving, to_session=target, user=mover.user, now=before_start
            ),
        ]
    )

    assert not [o for o in outcomes if o.startswith("error")], outcomes
    target.refresh_from_db()
    confirmed = Registration.objects.filter(session=target, status=RegistrationStatus.CONFIRMED)
    assert confirmed.count() <= target.capacity
    if target.attendance_locked_at is not None:
        # The lock went through: only people marked before it are in the session.
        assert outcomes[20] == "booked"
        assert not confirmed.filter(attendance="").exists()
        assert confirmed.count() == 2
    else:
        # Bookings (or the move) came first, so the lock was refused for unmarked people, and
        # the free seats were filled exactly.
        assert "no attendance mark" in outcomes[20]
        assert confirmed.count() == target.capacity
