"""Demo content and one account per role, for `make run`. Safe to run again: it converges."""

from datetime import date

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from courses.demo import seed_curriculum
from enrollment import rules
from enrollment.models import Application, ApplicationStatus, ApprovedDegree, QualifyingAgency
from enrollment.rules import Track
from exams.demo import seed_exam_bank
from lms import clock
from lms.models import HomePage, User
from lms.roles import Role

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
]

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
        "<li>Pay the $25 per-day fee online and book the classroom days your track needs.</li>"
        "<li>Attend, pass the competency exam, and have your employer verify your employment."
        "</li></ol><p>Finish within six months of submitting, or the application expires.</p>",
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
            self._application("approved@demo.bhcm.test", ApplicationStatus.APPROVED)
            self._application("submitted@demo.bhcm.test", ApplicationStatus.SUBMITTED)
        self.stdout.write(self.style.SUCCESS("Demo accounts (email / password):"))
        for email, password, _, _, purpose in DEMO_ACCOUNTS:
            self.stdout.write(f"  {email:<28} {password:<22} {purpose}")

    def _home_page(self) -> HomePage:
        home = HomePage.objects.first()
        if not home.body:
            home.body = HOME_BODY
            home.save_revision().publish()
        return home

    def _application(self, email: str, status: str) -> None:
        """A complete CM II application in `status`, submitted today (demo only)."""
        user = User.objects.get(email=email)
        if user.applications.exists():
            return
        today = clock.today()
        Application.objects.create(
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
