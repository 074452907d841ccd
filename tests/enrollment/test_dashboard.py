"""The applicant's dashboard: the nine steps, the clock and the one next action."""

from datetime import date

import pytest

from enrollment.models import (
    Application,
    ApplicationStatus,
    ApplicationUpload,
    ApprovedDegree,
    ContractType,
    QualifyingAgency,
)
from enrollment.rules import Track
from enrollment.selectors.dashboard import application_steps
from enrollment.services.applications import (
    application_approve,
    application_deny,
    application_return,
    application_start,
    application_submit,
)
from enrollment.services.expiry import applications_expire
from lms.clock import frozen_at
from tests.factories.enrollment import UserFactory

pytestmark = pytest.mark.django_db

S = ApplicationStatus
STEP_TITLES = (
    "Account",
    "Application",
    "Staff review",
    "Web-based training",
    "Classroom registration",
    "Attendance",
    "Competency exam",
    "Verification of employment",
    "Certification",
)


def complete(user, *, track: Track = Track.CM2) -> Application:
    """A draft with every required field filled and a transcript on file."""
    application = application_start(user=user, track=track)
    agency = QualifyingAgency.objects.create(
        name=f"Agency {application.pk}", contract_type=ContractType.CMHC
    )
    for name, value in {
        "legal_first_name": "Grace",
        "legal_last_name": f"Hopper{application.pk}",
        "date_of_birth": date(1985, 12, 9),
        "phone": "918-555-0123",
        "address_line1": "2 Elm St",
        "city": "Tulsa",
        "postal_code": "74103",
        "county": "Tulsa",
        "highest_education": "bachelor",
        "degree": ApprovedDegree.objects.get(name="Psychology"),
        "institution": "Oklahoma State University",
        "agency": agency,
        "job_title": "Case manager",
        "employment_start_date": date(2025, 3, 1),
    }.items():
        setattr(application, name, value)
    application.save()
    ApplicationUpload.objects.create(
        application=application,
        purpose=ApplicationUpload.Purpose.TRANSCRIPT,
        storage_name=f"uploads/test/{application.pk}.pdf",
        original_name="transcript.pdf",
        kind="pdf",
        size=42,
    )
    return application


def submitted(user, *, on: date = date(2026, 11, 22)) -> Application:
    return application_submit(application=complete(user), user=user, today=on)


def states(steps) -> str:
    """One letter a step: d(one), c(urrent), l(ocked)."""
    return "".join(step.state[0] for step in steps)


def board(client, user):
    client.force_login(user)
    response = client.get("/dashboard/")
    assert response.status_code == 200
    return response, response.content.decode()


def test_dashboard_needs_login(client):
    response = client.get("/dashboard/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_no_application_yet(client, applicant):
    response, html = board(client, applicant)
    steps = response.context["board"].steps
    assert [s.title for s in steps] == list(STEP_TITLES)
    assert states(steps) == "dclllllll"
    assert steps[1].action_url == "/apply/" and steps[1].action_label == "Find your track"
    assert html.count('<ol class="steps">') == 1 and html.count('<li class="step ') == 9
    assert html.count('aria-current="step"') == 1
    assert '<a class="button" href="/apply/">Find your track</a>' in html
    assert "Expires at the end of" not in html


def test_draft(client, applicant):
    application = application_start(user=applicant, track=Track.CM1)
    response, html = board(client, applicant)
    assert states(response.context["board"].steps) == "dclllllll"
    assert (
        f'<a class="button" href="/application/{application.pk}/">Continue your application' in html
    )
    assert "Opens once you submit your application" in html


def test_submitted(client, applicant):
    application = submitted(applicant)
    response, html = board(client, applicant)
    steps = response.context["board"].steps
    assert states(steps) == "ddcllllll"
    assert steps[1].detail == "Submitted on November 22, 2026"
    assert "Certification staff are reviewing your application." in html
    assert f'href="/application/{application.pk}/">View your application' in html
    assert "Opens once your application is approved" in html


def test_returned(client, applicant, cert_staff):
    application = submitted(applicant)
    application_return(application=application, actor=cert_staff, corrections={"phone": "Wrong."})
    response, html = board(client, applicant)
    steps = response.context["board"].steps
    assert states(steps) == "ddcllllll"
    assert steps[2].detail.startswith("Returned for correction: fix the fields marked")
    assert steps[2].action_url == f"/application/{application.pk}/"
    assert (
        f'<a class="button" href="/application/{application.pk}/">Correct your application' in html
    )


def test_approved_opens_the_web_based_training(client, applicant, cert_staff):
    application_approve(application=submitted(applicant), actor=cert_staff)
    response, html = board(client, applicant)
    steps = response.context["board"].steps
    assert states(steps) == "dddclllll"
    assert steps[3].action_url == "/training/"
    assert '<a class="button" href="/training/">Start the web-based training</a>' in html
    assert steps[4].detail == "Opens when the web-based training is complete and approved"


def test_training_complete_waits_for_approval(client, applicant, cert_staff):
    application = application_approve(application=submitted(applicant), actor=cert_staff)
    # No service for this transition yet (the training app brings it); set the row directly.
    Application.objects.filter(pk=application.pk).update(status=S.TRAINING_COMPLETE)
    response, html = board(client, applicant)
    steps = response.context["board"].steps
    assert states(steps) == "dddclllll"
    assert "checking your training" in steps[3].detail
    assert steps[4].state == "locked"
    assert html.count('aria-current="step"') == 1


STATUS_STEPS = [
    (S.DRAFT, "dclllllll"),
    (S.SUBMITTED, "ddcllllll"),
    (S.RETURNED, "ddcllllll"),
    (S.APPROVED, "dddclllll"),
    (S.TRAINING_COMPLETE, "dddclllll"),
    (S.TRAINING_APPROVED, "ddddcllll"),
    (S.CLASSROOM_COMPLETE, "ddddddcll"),
    (S.EXAM_PASSED, "dddddddcl"),
    (S.EMPLOYMENT_VERIFIED, "ddddddddc"),
    (S.CERTIFIED, "ddddddddd"),
    (S.DENIED, "dddllllll"),
]


@pytest.mark.parametrize(("status", "expected"), STATUS_STEPS)
def test_each_status_maps_to_its_steps(status, expected):
    application = Application(
        pk=1, user=UserFactory(), track=Track.CM2, status=status, expires_on=date(2027, 5, 22)
    )
    steps = application_steps(application, today=date(2026, 12, 1))
    assert states(steps) == expected
    current = [s for s in steps if s.state == "current"]
    assert len(current) == (0 if status in (S.CERTIFIED, S.DENIED) else 1)
    assert all(s.detail for s in steps)


def test_training_approved_names_the_days_to_book():
    application = Application(pk=1, track=Track.CM2, status=S.TRAINING_APPROVED)
    steps = application_steps(application, today=date(2026, 12, 1))
    assert "Day 2, Day 3 and Day 4" in steps[4].detail


def test_expired_stops_and_offers_a_new_application(client, applicant):
    application = submitted(applicant, on=date(2026, 1, 10))
    applications_expire(today=date(2026, 7, 11))
    response, html = board(client, applicant)
    steps = response.context["board"].steps
    assert states(steps) == "ddlllllll"
    assert all("expired" in s.detail for s in steps[2:])
    assert "Your application expired" in html
    assert "not completed within six months of January 10, 2026" in html
    assert '<a class="button" href="/apply/">Start a new application</a>' in html
    assert 'aria-current="step"' not in html
    assert response.context["board"].days_left is None
    assert application.pk == response.context["board"].application.pk


def test_expired_keeps_the_steps_it_had_done(client, applicant, cert_staff):
    application_approve(application=submitted(applicant, on=date(2026, 1, 10)), actor=cert_staff)
    applications_expire(today=date(2026, 7, 11))
    response, _ = board(client, applicant)
    assert states(response.context["board"].steps) == "dddllllll"


def test_denied_shows_the_reason(client, applicant, cert_staff):
    application_deny(application=submitted(applicant), actor=cert_staff, reason="No degree yet.")
    response, html = board(client, applicant)
    assert "Your application was denied" in html and "No degree yet." in html
    assert 'aria-current="step"' not in html
    assert '<a class="button" href="/apply/">Start a new application</a>' in html


def test_certified_has_every_step_done(client, applicant):
    application = submitted(applicant)
    Application.objects.filter(pk=application.pk).update(status=S.CERTIFIED)
    response, html = board(client, applicant)
    assert states(response.context["board"].steps) == "ddddddddd"
    assert "You are certified" in html and 'aria-current="step"' not in html
    assert 'class="button"' not in html


@pytest.mark.parametrize(
    ("today", "text"),
    [
        (date(2026, 11, 22), "Expires at the end of May 22, 2027 — 181 days left"),
        (date(2027, 5, 21), "Expires at the end of May 22, 2027 — 1 day left"),
        (date(2027, 5, 22), "Expires at the end of May 22, 2027 — 0 days left"),
    ],
)
def test_days_left(client, applicant, today, text):
    application = submitted(applicant, on=date(2026, 11, 22))
    assert application.expires_on == date(2027, 5, 22)
    with frozen_at(today):
        _, html = board(client, applicant)
    assert text in html


def test_overdue_but_not_yet_expired(client, applicant):
    submitted(applicant, on=date(2026, 11, 22))
    with frozen_at(date(2027, 5, 23)):
        response, html = board(client, applicant)
    assert "The time allowed ran out at the end of May 22, 2027" in html
    assert response.context["board"].steps[2].detail.startswith("The time allowed")


def test_follows_the_newest_open_application(client, applicant):
    old = submitted(applicant, on=date(2026, 1, 10))
    applications_expire(today=date(2026, 7, 11))
    new = application_start(user=applicant, track=Track.CM1)
    response, _ = board(client, applicant)
    assert response.context["board"].application.pk == new.pk != old.pk
    assert states(response.context["board"].steps) == "dclllllll"


@pytest.mark.parametrize(("who", "admin_link"), [("cert_staff", True), ("editor", True)])
def test_staff_see_a_note_pointing_to_the_admin(client, request, who, admin_link):
    response, html = board(client, request.getfixturevalue(who))
    assert "board" not in response.context
    assert ('href="/admin/"' in html) is admin_link
    assert '<ol class="steps">' not in html


def test_roles_without_admin_see_a_note_without_the_link(client, trainer):
    _, html = board(client, trainer)
    assert "your account does not apply" in html and 'href="/admin/"' not in html


def test_classroom_complete_points_at_the_exam(applicant):
    application = Application.objects.create(
        user=applicant, track=Track.CM2, status=S.CLASSROOM_COMPLETE, expires_on=date(2027, 5, 22)
    )
    exam_step = application_steps(application, today=date(2026, 12, 1))[6]
    assert (exam_step.state, exam_step.action_url) == ("current", "/exam/")


# --- Bookings, attendance, outcomes and the exam-open email --------------------------------------


def test_booked_days_show_with_place_and_time_and_attendance_becomes_current(
    client, trainer, cert_staff, django_capture_on_commit_callbacks
):
    from datetime import datetime, time, timedelta

    from django.core import mail

    from enrollment.services.booking import registration_book
    from enrollment.services.roster import session_attendance_lock, session_attendance_mark
    from lms import clock
    from tests.factories.enrollment import make_session, ready

    application = ready(track="cm1", paid=(1, 2))
    client.force_login(application.user)
    on = clock.today() + timedelta(days=10)
    day1 = make_session(day=1, on=on, start=time(9), end=time(16))
    day2 = make_session(day=2, on=on + timedelta(days=1), start=time(13, 30), end=time(17))
    for session in (day1, day2):
        session.trainers.add(trainer)
    registration_book(application=application, session=day1, user=application.user)
    board = client.get("/dashboard/").context["board"]
    step5 = board.steps[4]
    assert step5.state == "current" and "Booked Day 1; still to book: Day 2" in step5.detail
    assert "ODMHSAS Training Center" in step5.items[0] and "9 a.m. to 4 p.m." in step5.items[0]

    registration_book(application=application, session=day2, user=application.user)
    response = client.get("/dashboard/")
    html = response.content.decode()
    steps = response.context["board"].steps
    assert states(steps) == "dddddclll"
    assert steps[4].detail == "Booked Day 1 and Day 2"
    assert steps[5].state == "current" and len(steps[5].items) == 2
    assert "1:30 p.m. to 5 p.m." in steps[5].items[1]
    assert "Room 210" in html and "Pay each day" not in html
    assert ">Done<" not in html.replace('class="step-state">Done<', "")  # no bare "Done" detail

    # Both days attended and locked: the exam opens, and the applicant is told by email.
    for session in (day1, day2):
        after = datetime.combine(session.date, time(18), tzinfo=clock.LOCAL_TZ)
        reg = session.registrations.get()
        session_attendance_mark(
            session=session, actor=trainer, marks={reg.pk: ("present", "")}, now=after
        )
        with django_capture_on_commit_callbacks(execute=True):
            session_attendance_lock(session=session, actor=cert_staff, now=after)
    application.refresh_from_db()
    assert application.status == S.CLASSROOM_COMPLETE
    opened = [m for m in mail.outbox if m.subject == "Your competency exam is open"]
    assert len(opened) == 1 and opened[0].to == [application.user.email]
    assert "/exam/" in opened[0].body and opened[0].alternatives
    steps = client.get("/dashboard/").context["board"].steps
    assert states(steps) == "ddddddcll"
    assert steps[5].detail.startswith("Attended every required day on ")
    assert "(attendance: present)" in steps[5].items[0]


def test_finished_steps_say_their_outcome_and_date(client, applicant, cert_staff):
    application = complete(applicant)
    with frozen_at(date(2026, 11, 2)):
        application_submit(application=application, user=applicant)
    with frozen_at(date(2026, 11, 5)):
        application_approve(application=application, actor=cert_staff)
    client.force_login(applicant)
    steps = client.get("/dashboard/").context["board"].steps
    assert steps[1].detail == "Submitted on November 2, 2026"
    assert steps[2].detail == "Approved on November 5, 2026"
    assert all(step.detail != "Done" for step in steps)
