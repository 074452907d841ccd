"""Trainers' rosters: only their own sessions, attendance marks (audited, changeable until staff
lock them), no walk-ins, completion of the classroom step, missed days, the sign-in sheet PDF
and the roster CSV."""

import csv
import io
from datetime import datetime, time, timedelta

import pytest

from enrollment.models import ApplicationStatus, Registration, RegistrationStatus
from enrollment.rules import RuleViolation
from enrollment.services.booking import registration_book
from enrollment.services.roster import (
    NO_WALK_INS,
    roster_csv,
    session_attendance_lock,
    session_attendance_mark,
    signin_sheet_pdf,
)
from lms import clock
from lms.models import AuditEvent
from payments.selectors import day_fee_status, unused_paid_day_item
from tests.enrollment.test_booking import confirm_employee, make_session, pay, ready

pytestmark = pytest.mark.django_db
S = ApplicationStatus


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

    session_attendance_lock(session=session, actor=cert_staff)
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
        session_attendance_lock(session=session, actor=cert_staff)
    session_attendance_mark(session=session, actor=trainer, marks={ben.pk: ("absent", "")})
    session_attendance_lock(session=session, actor=cert_staff)
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
    session_attendance_lock(session=day_two, actor=cert_staff)
    application.refresh_from_db()
    assert application.status == S.TRAINING_APPROVED  # Day 1 is not final yet
    session_attendance_lock(session=day_one, actor=cert_staff)
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
    session_attendance_lock(session=session, actor=cert_staff)
    session_attendance_lock(session=other, actor=cert_staff)

    missed.refresh_from_db()
    assert (missed.status, missed.attendance) == (RegistrationStatus.CANCELLED, mark)
    assert missed.fee_item_id is not None  # the fee stays consumed
    assert AuditEvent.objects.filter(verb="registration.missed", object_id=str(missed.pk)).exists()
    application.refresh_from_db()
    assert application.status == S.TRAINING_APPROVED  # Day 1 not attended
    if mark == "absent":
        assert day_fee_status(application)[1] == "unpaid"
    assert unused_paid_day_item(application, 1) is None

    again = make_session(on=clock.today() + timedelta(days=14))
    with pytest.raises(RuleViolation, match="Pay the Day 1"):
        registration_book(application=application, session=again, user=None)
    fee = pay(application, 1)
    rebooked = registration_book(application=application, session=again, user=None)
    assert rebooked.fee_item == fee


def test_the_sign_in_sheet_is_a_pdf(client, trainer):
    session, _ = held(trainer)
    pdf = signin_sheet_pdf(session)
    assert pdf.startswith(b"%PDF")
    client.force_login(trainer)
    response = client.get(f"/classroom/trainer/sessions/{session.pk}/sign-in-sheet.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


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
    assert b"Baker, Tom" in response.content
