"""Demo content and one account per role, for `make run`. Safe to run again: it converges."""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

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
            self._home_page()
            for email, password, name, role, _ in DEMO_ACCOUNTS:
                self._account(email, password, name, role)
        self.stdout.write(self.style.SUCCESS("Demo accounts (email / password):"))
        for email, password, _, _, purpose in DEMO_ACCOUNTS:
            self.stdout.write(f"  {email:<28} {password:<22} {purpose}")

    def _home_page(self) -> None:
        home = HomePage.objects.first()
        if home is not None and not home.body:
            home.body = HOME_BODY
            home.save_revision().publish()

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
