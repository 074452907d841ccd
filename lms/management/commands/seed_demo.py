"""Demo content and one account per role, for `make run`. Safe to run again: it converges."""

from datetime import date, time, timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from wagtail import hooks

from courses.demo import seed_curriculum
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
from enrollment.services.booking import registration_book
from enrollment.services.sessions import session_save
from exams.demo import seed_exam_bank
from lms import clock
from lms.models import HomePage, User
from lms.roles import Role
from payments.models import Payment, PaymentLineItem, PaymentStatus

DEMO_ACCOUNTS: list[tuple[str, str, str, Role | None, str]] = [
    # email, password, name, role, what it is for
    (
        "admin@demo.bhcm.test",
        "demo-admin-pass",
        "Ada Admin",
        None,
        "superuser: everything",
    ),
    (
        "staff@demo.bhcm.test",
        "demo-staff-pass",
        "Sam Staff",
        Role.CERTIFICATION_STAFF,
        "certification staff: reviews, audit log, policy (in /admin/)",
    ),
    (
        "trainer@demo.bhcm.test",
        "demo-trainer-pass",
        "Tess Trainer",
        Role.TRAINER,
        "trainer: rosters of own sessions",
    ),
    (
        "editor@demo.bhcm.test",
        "demo-editor-pass",
        "Ed Editor",
        Role.CONTENT_EDITOR,
        "content editor: curricula and pages (in /admin/)",
    ),
    (
        "agency@demo.bhcm.test",
        "demo-agency-pass",
        "Agnes Agency",
        Role.AGENCY,
        "agency: verifies employment",
    ),
    (
        "applicant@demo.bhcm.test",
        "demo-applicant-pass",
        "Alex Applicant",
        Role.APPLICANT,
        "applicant: applies, trains, books, sits the exam",
    ),
    (
        "approved@demo.bhcm.test",
        "demo-approved-pass",
        "Robin Ready",
        Role.APPLICANT,
        "applicant with an approved CM II application (training open)",
    ),
    (
        "submitted@demo.bhcm.test",
        "demo-submitted-pass",
        "Sky Submitted",
        Role.APPLICANT,
        "applicant whose application waits in the staff review queue",
    ),
    # One applicant at each later step of the path (CM II: classroom days 2, 3 and 4).
    (
        "returned@demo.bhcm.test",
        "demo-returned-pass",
        "Remy Returned",
        Role.APPLICANT,
        "applicant whose application staff returned for a correction (phone)",
    ),
    (
        "trained@demo.bhcm.test",
        "demo-trained-pass",
        "Tara Trained",
        Role.APPLICANT,
        "applicant who finished the web-based training (awaits staff approval)",
    ),
    (
        "booked@demo.bhcm.test",
        "demo-booked-pass",
        "Bo Booked",
        Role.APPLICANT,
        "applicant who paid and booked the three classroom days",
    ),
    (
        "attended@demo.bhcm.test",
        "demo-attended-pass",
        "Ari Attended",
        Role.APPLICANT,
        "applicant marked present at Day 2 last week (Days 3 and 4 booked)",
    ),
    (
        "examopen@demo.bhcm.test",
        "demo-examopen-pass",
        "Elle Examready",
        Role.APPLICANT,
        "applicant who attended every classroom day: the exam is open",
    ),
    (
        "passed@demo.bhcm.test",
        "demo-passed-pass",
        "Pat Passed",
        Role.APPLICANT,
        "applicant who passed the competency exam (employment to verify)",
    ),
]

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

HOME_BODY = [
    ("heading", "How certification works"),
    (
        "paragraph",
        "<ol><li>Create one account and tell us about your education and work.</li>"
        "<li>Certification staff review your application.</li>"
        "<li>Complete the web-based training.</li>"
        "<li>Pay the per-day classroom fee online and book the classroom days your track needs."
        "</li><li>Attend, pass the competency exam, and have your employer verify your employment."
        "</li></ol>",
    ),
]


class Command(BaseCommand):
    help = "Create demo content and one demo account per role (development only)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even when DEBUG is off (never in production).",
        )

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates accounts with known passwords; it runs only with DEBUG on."
            )
        with transaction.atomic():
            home = self._home_page()
            for email, password, name, role, _ in DEMO_ACCOUNTS:
                self._account(email, password, name, role)
            for name, contract_type, city in DEMO_AGENCIES:
                QualifyingAgency.objects.get_or_create(
                    name=name, defaults={"contract_type": contract_type, "city": city}
                )
            seed_curriculum(home)
            seed_exam_bank()  # after the curriculum: items link to its learning objectives
            sessions = self._sessions()
            self._application("approved@demo.bhcm.test", ApplicationStatus.APPROVED)
            self._application("submitted@demo.bhcm.test", ApplicationStatus.SUBMITTED)
            self._returned("returned@demo.bhcm.test")
            self._application("trained@demo.bhcm.test", ApplicationStatus.TRAINING_COMPLETE)
            self._booked("booked@demo.bhcm.test", sessions)
            self._attended("attended@demo.bhcm.test", sessions)
            self._application("examopen@demo.bhcm.test", ApplicationStatus.CLASSROOM_COMPLETE)
            self._application("passed@demo.bhcm.test", ApplicationStatus.EXAM_PASSED)
            # Hook `demo_seeders`: each registered `fn(stdout) -> None` adds a higher app's demo
            # data after the above (idempotent; certification adds its agency, verification
            # request and certificate holders); lms never imports those apps.
            for seed in hooks.get_hooks("demo_seeders"):
                seed(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo accounts (email / password):"))
        for email, password, _, _, purpose in DEMO_ACCOUNTS:
            self.stdout.write(f"  {email:<28} {password:<22} {purpose}")

    def _home_page(self) -> HomePage:
        home = HomePage.objects.first()
        if not home.body:
            home.body = HOME_BODY
            home.save_revision().publish()
        return home

    def _sessions(self) -> dict[int, ClassroomSession]:
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
                session = ClassroomSession(
                    day=day,
                    date=on,
                    start_time=time(9),
                    end_time=time(16),
                    venue=DEMO_VENUE[0],
                    address=DEMO_VENUE[1],
                    room="Room 210",
                    capacity=DEMO_SEATS,
                )
                session_save(session=session, actor=staff)
                session.trainers.set([trainer])
            sessions[day] = session
        return sessions

    def _returned(self, email: str) -> None:
        """Submitted, then returned by staff through `application_return` (audited, emailed)."""
        application = self._application(email, ApplicationStatus.SUBMITTED)
        if application is not None:
            application_return(
                application=application,
                actor=User.objects.get(email="staff@demo.bhcm.test"),
                corrections={"phone": "Give a daytime phone number where we can reach you."},
            )

    def _pay(self, application: Application) -> None:
        """Each required day's fee paid, as a verified Stripe webhook leaves it (demo only)."""
        for day in rules.required_days(application.track):
            payment = Payment.objects.create(
                application=application,
                status=PaymentStatus.PAID,
                amount_cents=2500,
                paid_at=clock.now(),
            )
            PaymentLineItem.objects.create(
                payment=payment,
                kind=PaymentLineItem.Kind.DAY_FEE,
                day=day,
                description=f"Classroom training fee, Day {day}",
                amount_cents=2500,
            )

    def _booked(self, email: str, sessions: dict[int, ClassroomSession]) -> None:
        """Training approved, every day paid, each day booked through `registration_book`."""
        application = self._application(email, ApplicationStatus.TRAINING_APPROVED)
        if application is None:
            return
        self._pay(application)
        for day in rules.required_days(application.track):
            registration_book(application=application, session=sessions[day], user=application.user)

    def _attended(self, email: str, sessions: dict[int, ClassroomSession]) -> None:
        """Like `_booked`, but the first day was last week and the trainer marked them present
        (a held session is written directly: scheduling refuses the past). Its attendance is
        not locked yet, so staff see a session to lock."""
        application = self._application(email, ApplicationStatus.TRAINING_APPROVED)
        if application is None:
            return
        self._pay(application)
        first, *rest = rules.required_days(application.track)
        held = ClassroomSession.objects.create(
            day=first,
            date=clock.today() - timedelta(days=7),
            start_time=time(9),
            end_time=time(16),
            venue=DEMO_VENUE[0],
            address=DEMO_VENUE[1],
            room="Room 210",
            capacity=DEMO_SEATS,
        )
        held.trainers.set([User.objects.get(email="trainer@demo.bhcm.test")])
        fee = PaymentLineItem.objects.filter(payment__application=application, day=first).first()
        Registration.objects.create(
            application=application,
            session=held,
            day=first,
            status=RegistrationStatus.CONFIRMED,
            fee_item=fee,
            attendance=Attendance.PRESENT,
        )
        for day in rest:
            registration_book(application=application, session=sessions[day], user=application.user)

    def _application(self, email: str, status: str) -> Application | None:
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

    def _account(self, email: str, password: str, name: str, role: Role | None) -> None:
        first, last = name.split(" ", 1)
        user, _ = User.objects.get_or_create(email=email)
        user.first_name, user.last_name = first, last
        user.is_superuser = user.is_staff = role is None
        user.set_password(password)
        user.save()
        if role is not None:
            user.groups.set([Group.objects.get(name=role.value)])
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
