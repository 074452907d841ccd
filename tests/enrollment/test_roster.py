"""Trainers' rosters: only their own sessions, attendance marks (audited, changeable until staff
lock them), no walk-ins, completion of the classroom step, missed days, the sign-in sheet PDF
and the roster CSV."""

import csv
import io
from datetime import datetime, time, timedelta

import pytest

from enrollment.models import ApplicationStatus, Registration, RegistrationStatus
from enrollment.rules import RuleViolation
from enrollment.selectors.classroom import session_ends_at
from enrollment.services.booking import registration_book, registration_cancel
from enrollment.services.roster import (
    NO_WALK_INS,
    roster_csv,
    session_attendance_lock,
    session_attendance_mark,
    session_attendance_unlock,
    signin_sheet_pdf,
)
from lms import clock
from lms.models import AuditEvent
from payments.selectors import day_fee_status, unused_paid_day_item
from tests.factories.enrollment import confirm_employee, make_session, pay, ready
from tests.readers import csv_rows, pdf_text

pytestmark = pytest.mark.django_db
S = ApplicationStatus


def ended(session):
    """A minute after the session ends: the earliest its attendance can be locked."""
    return session_ends_at(session) + timedelta(minutes=1)


def held(trainer, *, day=1, on=None, applications=None, people=2):
    """A session (today by default) taught by `trainer`, with people booked a week before."""
    on = on or clock.today()
    session = make_session(day=day, on=on)
    session.trainers.add(trainer)
    week_before = datetime.combine(on - timedelta(days=7), time(9), tzinfo=clock.LOCAL_TZ)
    applications = applications or [ready() for _ in range(people)]
    registrations = [
        registration_book(application=a, session=session, user=None, now=week_before)
        for a in applications
    ]
    return session, registrations


def test_trainers_see_only_their_own_sessions(client, trainer, make_user, applicant):
    from lms.roles import Role

    mine, _ = held(trainer)
    colleague = make_user(Role.TRAINER)
    theirs, (their_booking,) = held(colleague, people=1)
    client.force_login(trainer)
    listing = client.get("/classroom/trainer/").content.decode()
    assert f"/classroom/trainer/sessions/{mine.pk}/" in listing
    assert f"/classroom/trainer/sessions/{theirs.pk}/" not in listing
    base = f"/classroom/trainer/sessions/{theirs.pk}/"
    for url in (base, base + "sign-in-sheet.pdf", base + "roster.csv"):
        assert client.get(url).status_code == 404, url
    post = client.post(base, {f"attendance-{their_booking.pk}": "present"})
    assert post.status_code == 404
    their_booking.refresh_from_db()
    assert their_booking.attendance == ""

    client.force_login(applicant)
    assert client.get("/classroom/trainer/").status_code == 403
    assert client.get(f"/classroom/trainer/sessions/{mine.pk}/").status_code == 403
    client.logout()
    assert client.get("/classroom/trainer/").status_code == 302


def test_the_roster_page_shows_who_is_booked_and_states_there_are_no_walk_ins(client, trainer):
    employee = ready(paid=(), odmhsas_employee=True, legal_last_name="Zamora")
    confirm_employee(employee)
    payer = ready(legal_last_name="Adams", legal_first_name="Ruth")
    session, _ = held(trainer, applications=[employee, payer])
    client.force_login(trainer)
    page = client.get(f"/classroom/trainer/sessions/{session.pk}/").content.decode()
    assert NO_WALK_INS in page
    assert "Adams, Ruth" in page and "Zamora" in page
    assert page.index("Adams, Ruth") < page.index("Zamora")  # by last name
    assert "CM I" in page and "Training approved" in page
    assert ">exempt<" in page and ">paid<" in page
    assert "Seats left" in page and "Waitlist" in page


def test_marking_attendance_is_audited_and_changeable_until_staff_lock_it(trainer, cert_staff):
    session, (ana, ben) = held(trainer)
    changed = session_attendance_mark(
        session=session,
        actor=trainer,
        marks={ana.pk: ("present", ""), ben.pk: ("late", "Arrived 9:40")},
    )
    assert changed == 2
    assert (
        session_attendance_mark(session=session, actor=trainer, marks={ana.pk: ("present", "")})
        == 0
    )
    session_attendance_mark(
        session=session, actor=trainer, marks={ana.pk: ("left_early", "Left at 2")}
    )
    ana.refresh_from_db()
    ben.refresh_from_db()
    assert (ana.attendance, ana.attendance_note) == ("left_early", "Left at 2")
    assert (ben.attendance, ben.attendance_note) == ("late", "Arrived 9:40")
    events = AuditEvent.objects.filter(verb="registration.attendance", object_id=str(ana.pk))
    assert [(e.from_state, e.to_state, e.actor) for e in events.order_by("id")] == [
        ("", "present", trainer),
        ("present", "left_early", trainer),
    ]

    session_attendance_lock(session=session, actor=cert_staff, now=ended(session))
    with pytest.raises(RuleViolation, match="locked this session's attendance"):
        session_attendance_mark(session=session, actor=trainer, marks={ben.pk: ("absent", "")})
    ben.refresh_from_db()
    assert ben.attendance == "late"
    assert AuditEvent.objects.filter(verb="session.attendance_locked").get().actor == cert_staff


def test_marking_refusals_no_walk_ins_other_trainers_and_future_sessions(trainer, make_user):
    from lms.roles import Role

    session, (ana, _) = held(trainer)
    elsewhere = Registration.objects.get(pk=held(make_user(Role.TRAINER), people=1)[1][0].pk)
    with pytest.raises(RuleViolation) as exc:
        session_attendance_mark(
            session=session, actor=trainer, marks={elsewhere.pk: ("present", "")}
        )
    assert str(exc.value) == NO_WALK_INS
    with pytest.raises(RuleViolation, match="Only this session's trainers"):
        session_attendance_mark(
            session=session, actor=make_user(Role.TRAINER), marks={ana.pk: ("present", "")}
        )
    with pytest.raises(RuleViolation, match="not an attendance mark"):
        session_attendance_mark(session=session, actor=trainer, marks={ana.pk: ("asleep", "")})
    future, (later,) = held(trainer, on=clock.today() + timedelta(days=3), people=1)
    with pytest.raises(RuleViolation, match="from the day of the session"):
        session_attendance_mark(session=future, actor=trainer, marks={later.pk: ("present", "")})
    assert not AuditEvent.objects.filter(verb="registration.attendance").exists()


def test_the_attendance_form_on_the_roster_page(client, trainer, cert_staff):
    session, (ana, ben) = held(trainer)
    client.force_login(trainer)
    response = client.post(
        f"/classroom/trainer/sessions/{session.pk}/",
        {f"attendance-{ana.pk}": "present", f"note-{ana.pk}": "", f"attendance-{ben.pk}": ""},
        follow=True,
    )
    assert "Attendance saved (1 changed)." in response.content.decode()
    ana.refresh_from_db()
    ben.refresh_from_db()
    assert (ana.attendance, ben.attendance) == ("present", "")

    with pytest.raises(RuleViolation, match="1 person has no attendance mark"):
        session_attendance_lock(session=session, actor=cert_staff, now=ended(session))
    session_attendance_mark(session=session, actor=trainer, marks={ben.pk: ("absent", "")})
    session_attendance_lock(session=session, actor=cert_staff, now=ended(session))
    response = client.post(
        f"/classroom/trainer/sessions/{session.pk}/",
        {f"attendance-{ana.pk}": "absent"},
        follow=True,
    )
    assert "locked this session" in response.content.decode()
    ana.refresh_from_db()
    assert ana.attendance == "present"


def test_attending_every_required_day_completes_the_classroom_step(trainer, cert_staff):
    application = ready()  # CM I: Day 1 and Day 2
    day_one, (first,) = held(
        trainer, day=1, on=clock.today() - timedelta(days=7), applications=[application]
    )
    day_two, (second,) = held(trainer, day=2, applications=[application])
    with clock.frozen_at(day_one.date):
        session_attendance_mark(session=day_one, actor=trainer, marks={first.pk: ("present", "")})
    session_attendance_mark(session=day_two, actor=trainer, marks={second.pk: ("late", "")})
    session_attendance_lock(session=day_two, actor=cert_staff, now=ended(day_two))
    application.refresh_from_db()
    assert application.status == S.TRAINING_APPROVED  # Day 1 is not final yet
    session_attendance_lock(session=day_one, actor=cert_staff, now=ended(day_one))
    application.refresh_from_db()
    assert application.status == S.CLASSROOM_COMPLETE
    event = AuditEvent.objects.get(verb="application.classroom_complete")
    assert (event.from_state, event.to_state) == ("training_approved", "classroom_complete")


@pytest.mark.parametrize("mark", ["absent", "left_early"])
def test_a_missed_day_must_be_paid_and_booked_again(trainer, cert_staff, mark):
    application = ready()
    session, (missed,) = held(trainer, applications=[application])
    other, (done,) = held(trainer, day=2, applications=[application])
    session_attendance_mark(session=session, actor=trainer, marks={missed.pk: (mark, "")})
    session_attendance_mark(session=other, actor=trainer, marks={done.pk: ("present", "")})
    session_attendance_lock(session=session, actor=cert_staff, now=ended(session))
    session_attendance_lock(session=other, actor=cert_staff, now=ended(other))

    missed.refresh_from_db()
    assert (missed.status, missed.attendance) == (RegistrationStatus.CANCELLED, mark)
    assert missed.fee_item_id is not None  # the fee stays consumed
    assert AuditEvent.objects.filter(verb="registration.missed", object_id=str(missed.pk)).exists()
    application.refresh_from_db()
    assert application.status == S.TRAINING_APPROVED  # Day 1 not attended
    assert day_fee_status(application)[1] == "unpaid"
    assert unused_paid_day_item(application, 1) is None

    again = make_session(on=clock.today() + timedelta(days=14))
    with pytest.raises(RuleViolation, match="Pay the Day 1"):
        registration_book(application=application, session=again, user=None)
    fee = pay(application, 1)
    rebooked = registration_book(application=application, session=again, user=None)
    assert rebooked.fee_item == fee


def test_the_sign_in_sheet_lists_who_registered_online_and_says_no_walk_ins(client, trainer):
    people = [
        ready(legal_last_name="Baker", legal_first_name="Tom"),
        ready(legal_last_name="Nguyen", legal_first_name="Ann"),
    ]
    session, (_, ann) = held(trainer, applications=people)
    days_before = datetime.combine(session.date - timedelta(days=6), time(9), tzinfo=clock.LOCAL_TZ)
    registration_cancel(registration=ann, actor=None, now=days_before)  # not on the sheet
    client.force_login(trainer)

    response = client.get(f"/classroom/trainer/sessions/{session.pk}/sign-in-sheet.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(pdf_text(response.content).split())
    assert "sign-in sheet" in text
    assert f"Day 1 — {session.date:%A, %B} {session.date.day}, {session.date.year}" in text
    assert "Baker, Tom" in text and f"{session.date:%m/%d/%Y}" in text
    assert "Nguyen" not in text
    assert NO_WALK_INS in text  # no walk-ins
    assert text == " ".join(pdf_text(signin_sheet_pdf(session)).split())


def test_the_roster_exports_as_csv(client, trainer):
    employee = ready(paid=(), odmhsas_employee=True, legal_last_name="=cmd", legal_first_name="Eve")
    confirm_employee(employee)
    payer = ready(legal_last_name="Baker", legal_first_name="Tom")
    session, (_, tom) = held(trainer, applications=[employee, payer])
    session_attendance_mark(session=session, actor=trainer, marks={tom.pk: ("late", "bus")})
    rows = list(csv.reader(io.StringIO(roster_csv(session))))
    assert rows[0] == ["Name", "Email", "Track", "Application status", "Fee", "Attendance", "Note"]
    assert rows[1][0] == "'=cmd, Eve"  # a formula-looking name stays text
    assert rows[1][4] == "exempt"
    assert rows[2][:1] + rows[2][2:] == [
        "Baker, Tom",
        "CM I",
        "Training approved",
        "paid",
        "Late",
        "bus",
    ]
    client.force_login(trainer)
    response = client.get(f"/classroom/trainer/sessions/{session.pk}/roster.csv")
    assert response["Content-Type"].startswith("text/csv")
    assert csv_rows(response.content) == rows


# --- Money stays with the booking until the lock; lock timing; unlock (issue 11) -----------------


def test_a_mark_before_the_lock_changes_nothing_about_money(
    trainer, cert_staff, settings, django_capture_on_commit_callbacks
):
    from django.core import mail

    from payments.models import Payment
    from payments.services import payment_start

    settings.PAYMENT_PROVIDER = "fake"
    application = ready()
    session, (booking,) = held(trainer, applications=[application])
    session_attendance_mark(session=session, actor=trainer, marks={booking.pk: ("absent", "")})

    assert day_fee_status(application)[1] == "paid"
    before = Payment.objects.count()
    with pytest.raises(RuleViolation, match="Day 1 is already paid"):
        payment_start(application=application, items=[("day_fee", 1)], user=application.user)
    assert Payment.objects.count() == before  # no second checkout
    # The trainer corrects the mark: still one fee, still paid, nothing to pay twice.
    session_attendance_mark(session=session, actor=trainer, marks={booking.pk: ("present", "")})
    assert day_fee_status(application)[1] == "paid"
    session_attendance_mark(session=session, actor=trainer, marks={booking.pk: ("absent", "")})

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        session_attendance_lock(session=session, actor=cert_staff, now=ended(session))
    assert day_fee_status(application)[1] == "unpaid"  # consumed at the lock
    (message,) = [m for m in mail.outbox if "booked and paid again" in m.subject]
    assert message.to == [application.user.email]
    assert "pay its fee again and book another session" in message.body  # the plain-text part
    assert message.alternatives[0].mimetype == "text/html"


def test_attendance_can_be_locked_only_after_the_session_has_ended(trainer, cert_staff):
    evening = make_session(on=clock.today(), start=time(18), end=time(21))
    evening.trainers.add(trainer)
    early_afternoon = datetime.combine(evening.date, time(13, 15), tzinfo=clock.LOCAL_TZ)
    during = datetime.combine(evening.date, time(20, 59), tzinfo=clock.LOCAL_TZ)
    for now in (early_afternoon, during):
        with pytest.raises(RuleViolation, match="once the session has ended"):
            session_attendance_lock(session=evening, actor=cert_staff, now=now)
    evening.refresh_from_db()
    assert evening.attendance_locked_at is None
    assert not AuditEvent.objects.filter(verb="session.attendance_locked").exists()
    at_nine = datetime.combine(evening.date, time(21), tzinfo=clock.LOCAL_TZ)
    session_attendance_lock(session=evening, actor=cert_staff, now=at_nine)
    evening.refresh_from_db()
    assert evening.attendance_locked_at == at_nine


def test_a_locked_session_takes_no_bookings_moves_or_cancellations(trainer, cert_staff):
    from enrollment.services.booking import LOCKED, registration_cancel, registration_move

    on = clock.today() + timedelta(days=10)
    locked = make_session(on=on, capacity=5)
    other = make_session(on=on + timedelta(days=1), capacity=5)
    inside, outside, newcomer = ready(), ready(), ready()
    kept = registration_book(application=inside, session=locked, user=None)
    waiting = registration_book(application=outside, session=other, user=None)
    kept.attendance = "present"
    kept.save()
    # Staff lock it (the services take `now`: a lock "after the end" while the clock is before
    # the start is what a wrong-time lock would be; the refusals must hold regardless).
    session_attendance_lock(session=locked, actor=cert_staff, now=ended(locked))
    audits = AuditEvent.objects.count()
    registrations = list(Registration.objects.values_list("pk", "session_id", "status"))

    with pytest.raises(RuleViolation) as booked:
        registration_book(application=newcomer, session=locked, user=None)
    with pytest.raises(RuleViolation) as moved_in:
        registration_move(registration=waiting, to_session=locked, user=None)
    with pytest.raises(RuleViolation) as moved_out:
        registration_move(registration=kept, to_session=make_session(on=on), user=None)
    with pytest.raises(RuleViolation) as cancelled:
        registration_cancel(registration=kept, actor=None)
    assert {str(e.value) for e in (booked, moved_in, moved_out, cancelled)} == {LOCKED}
    assert list(Registration.objects.values_list("pk", "session_id", "status")) == registrations
    assert AuditEvent.objects.count() == audits


def test_staff_unlock_with_a_reason_to_correct_a_mark_then_lock_again(client, trainer, cert_staff):
    application = ready()
    day_one, (first,) = held(trainer, applications=[application])
    day_two, (second,) = held(trainer, day=2, applications=[application])
    session_attendance_mark(session=day_one, actor=trainer, marks={first.pk: ("absent", "")})
    session_attendance_mark(session=day_two, actor=trainer, marks={second.pk: ("present", "")})
    session_attendance_lock(session=day_two, actor=cert_staff, now=ended(day_two))
    session_attendance_lock(session=day_one, actor=cert_staff, now=ended(day_one))
    first.refresh_from_db()
    assert first.status == RegistrationStatus.CANCELLED
    assert day_fee_status(application)[1] == "unpaid"

    with pytest.raises(RuleViolation, match="Give a reason"):
        session_attendance_unlock(session=day_one, actor=cert_staff, reason="  ")
    day_one.refresh_from_db()
    assert day_one.attendance_locked_at is not None
    assert not AuditEvent.objects.filter(verb="session.attendance_unlocked").exists()

    client.force_login(cert_staff)
    admin = f"/admin/classroom-sessions/unlock/{day_one.pk}/"
    page = client.post(admin, {"reason": "Ana signed in late"}, follow=True).content.decode()
    assert "is unlocked" in page
    day_one.refresh_from_db()
    first.refresh_from_db()
    assert day_one.attendance_locked_at is None
    assert first.status == RegistrationStatus.CONFIRMED  # the missed booking reopens
    assert day_fee_status(application)[1] == "paid"  # its fee is no longer used up
    event = AuditEvent.objects.get(verb="session.attendance_unlocked")
    assert (event.actor, event.reason) == (cert_staff, "Ana signed in late")
    assert AuditEvent.objects.filter(verb="registration.reopened", object_id=str(first.pk)).exists()

    session_attendance_mark(session=day_one, actor=trainer, marks={first.pk: ("late", "")})
    session_attendance_lock(session=day_one, actor=cert_staff, now=ended(day_one))
    application.refresh_from_db()
    assert application.status == S.CLASSROOM_COMPLETE
    assert AuditEvent.objects.filter(verb="session.attendance_locked").count() == 3
