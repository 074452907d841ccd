"""Demo content and one account per role, for `make run`. Safe to run again: it converges.

lms makes the home page and the demo accounts; every app adds its own demo data through the hook
`demo_seeders`, in the order of DEMO_SEED_ORDER (each registers with `order=` that number)."""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from wagtail import hooks

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

# Who seeds what, in which order (the `order=` each app's `demo_seeders` registration uses).
DEMO_SEED_ORDER = {
    10: "enrollment: qualifying agencies, upcoming sessions, one application at each step",
    20: "courses: the demo curriculum (under the home page)",
    30: "exams: the item bank and exam (after the curriculum: items link to its objectives)",
    40: "payments: the classroom day fees of the demo applicants who book",
    50: "enrollment: their bookings (each takes its paid day fee)",
    90: "certification: the agency's attester, verifications and certificate holders",
}

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
            self._home_page()
            for email, password, name, role, _ in DEMO_ACCOUNTS:
                self._account(email, password, name, role)
            # Hook `demo_seeders`: each registered `fn(stdout) -> None` adds an app's demo data
            # (idempotent) once the home page and the accounts above exist; lms never imports
            # those apps. They run in the order they register with (`order=`), declared in
            # DEMO_SEED_ORDER.
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
