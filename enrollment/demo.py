"""`seed_demo`'s enrollment part (hook `demo_seeders`, registered in `enrollment/wagtail_hooks.py`):
the qualifying agencies, one upcoming session of each classroom day with the demo trainer, and one
demo applicant's application at each step of the path; then, once payments has paid their days,
the bookings of `booked@` and `attended@`. Safe to run again: it converges.

The demo accounts themselves are lms's (`lms/management/commands/seed_demo.py`)."""

from datetime import date, time, timedelta

from enrollment import rules
from enrollment.models import (
    Application,
    ApplicationStatus,
    ApprovedDegree,
    Attendance,
    ClassroomSession,
    QualifyingAgency,
    Registration,
    RegistrationStatus,
    SessionStatus,
)
from enrollment.rules import Track
from enrollment.services.applications import application_return
from enrollment.services.booking import fee_source, registration_book
from enrollment.services.sessions import session_save
from lms import clock
from lms.models import User

# Upcoming sessions of Days 1-4 (days from today), taught by the demo trainer.
DEMO_SESSIONS = [(1, 14), (2, 15), (3, 21), (4, 22)]
DEMO_SEATS = 20
DEMO_VENUE = ("ODMHSAS Training Center", "2000 N Classen Blvd, Oklahoma City, OK 73106")

DEMO_AGENCIES = [
    ("Red Rock Behavioral Health Services", "111", "Oklahoma City"),
    ("Grand Lake Mental Health Center", "111", "Nowata"),
    ("Hope Community Services", "110", "Oklahoma City"),
    ("Family & Children's Services", "114", "Tulsa"),
]

# The demo applicants whose classroom days are paid (by payments' seeder) and then booked.
DEMO_BOOKED = "booked@demo.bhcm.test"
DEMO_ATTENDED = "attended@demo.bhcm.test"
S = ApplicationStatus


def seed_enrollment_demo() -> None:
    """The agencies, the sessions and one application at each step (one each, never twice)."""
    for name, contract_type, city in DEMO_AGENCIES:
        QualifyingAgency.objects.get_or_create(
            name=name, defaults={"contract_type": contract_type, "city": city}
        )
    demo_sessions()
    _application("approved@demo.bhcm.test", S.APPROVED)
    _application("submitted@demo.bhcm.test", S.SUBMITTED)
    _returned("returned@demo.bhcm.test")
    _application("trained@demo.bhcm.test", S.TRAINING_COMPLETE)
    _application(DEMO_BOOKED, S.TRAINING_APPROVED)
    _application(DEMO_ATTENDED, S.TRAINING_APPROVED)
    _application("examopen@demo.bhcm.test", S.CLASSROOM_COMPLETE)
    _application("passed@demo.bhcm.test", S.EXAM_PASSED)


def seed_booking_demo() -> None:
    """`booked@` books each paid day through `registration_book`; `attended@` was present at
    its first day last week and books the others. Nothing when they already have bookings."""
    sessions = demo_sessions()
    booked = _unbooked(DEMO_BOOKED)
    if booked is not None:
        for day in rules.required_days(booked.track):
            registration_book(application=booked, session=sessions[day], user=booked.user)
    attended = _unbooked(DEMO_ATTENDED)
    if attended is not None:
        _attended(attended, sessions)


def demo_applications_to_pay() -> list[Application]:
    """The demo applications whose classroom days payments' seeder pays (before any booking)."""
    return [
        a
        for a in Application.objects.filter(
            user__email__in=(DEMO_BOOKED, DEMO_ATTENDED), status=S.TRAINING_APPROVED
        )
        if not a.registrations.exists()
    ]


def demo_sessions() -> dict[int, ClassroomSession]:
    """One upcoming session of each day, scheduled through `session_save` (audited)."""
    trainer = User.objects.get(email="trainer@demo.bhcm.test")
    staff = User.objects.get(email="staff@demo.bhcm.test")
    today = clock.today()
    sessions = {}
    for day, ahead in DEMO_SESSIONS:
        on = today + timedelta(days=ahead)
        session = ClassroomSession.objects.filter(
            day=day, date__gt=today, venue=DEMO_VENUE[0], status=SessionStatus.SCHEDULED
        ).first()
        if session is None:
            session = _demo_session(day, on)
            session_save(session=session, actor=staff)
            session.trainers.set([trainer])
        sessions[day] = session
    return sessions


def _demo_session(day: int, on: date) -> ClassroomSession:
    """An unsaved demo session of `day` on `on`, 9 to 4 at the demo venue."""
    return ClassroomSession(
        day=day,
        date=on,
        start_time=time(9),
        end_time=time(16),
        venue=DEMO_VENUE[0],
        address=DEMO_VENUE[1],
        room="Room 210",
        capacity=DEMO_SEATS,
    )


def _unbooked(email: str) -> Application | None:
    application = Application.objects.filter(user__email=email, status=S.TRAINING_APPROVED).first()
    if application is None or application.registrations.exists():
        return None
    return application


def _returned(email: str) -> None:
    """Submitted, then returned by staff through `application_return` (audited, emailed)."""
    application = _application(email, S.SUBMITTED)
    if application is not None:
        application_return(
            application=application,
            actor=User.objects.get(email="staff@demo.bhcm.test"),
            corrections={"phone": "Give a daytime phone number where we can reach you."},
        )


def _attended(application: Application, sessions: dict[int, ClassroomSession]) -> None:
    """Like `booked@`, but the first day was last week and the trainer marked them present
    (a held session is written directly: scheduling refuses the past). Its attendance is
    not locked yet, so staff see a session to lock."""
    first, *rest = rules.required_days(application.track)
    held = _demo_session(first, clock.today() - timedelta(days=7))
    held.save()
    held.trainers.set([User.objects.get(email="trainer@demo.bhcm.test")])
    fee, exempt = fee_source(application, first)  # the paid Day fee (through `booking_checks`)
    Registration.objects.create(
        application=application,
        session=held,
        day=first,
        status=RegistrationStatus.CONFIRMED,
        fee_item=fee,
        fee_exempt=exempt,
        attendance=Attendance.PRESENT,
    )
    for day in rest:
        registration_book(application=application, session=sessions[day], user=application.user)


def _application(email: str, status: str) -> Application | None:
    """A complete CM II application in `status`, submitted today (demo only); None when the
    account already has one (the seed converges)."""
    user = User.objects.get(email=email)
    if user.applications.exists():
        return None
    today = clock.today()
    return Application.objects.create(
        user=user,
        track=Track.CM2,
        status=status,
        legal_first_name=user.first_name,
        legal_last_name=user.last_name,
        date_of_birth=date(1991, 5, 17) if status == "approved" else date(1988, 9, 3),
        phone="405-555-0142",
        address_line1="2000 N Classen Blvd",
        city="Oklahoma City",
        state="OK",
        postal_code="73106",
        county="Oklahoma",
        highest_education="bachelor",
        degree=ApprovedDegree.objects.get(name="Psychology"),
        institution="University of Oklahoma",
        agency=QualifyingAgency.objects.order_by("name").first(),
        job_title="Case manager",
        employment_start_date=date(2025, 8, 4),
        submitted_on=today,
        expires_on=rules.application_expires_on(today),
        last_submitted_at=clock.now(),
    )
