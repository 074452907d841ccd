"""Demo certificates for `seed_demo` (development only): `seed_certification_demo()` creates

- certified@demo.bhcm.test (demo-certified-pass): a CM II certified this year, employed by the
  demo agency (confirmed), who may bill T1017 today with modifier HN;
- lapsed@demo.bhcm.test (demo-lapsed-pass): certified two years ago and never renewed, so
  terminated today: may not bill;
- ready@demo.bhcm.test (demo-ready-pass): an application with the exam passed and employment
  verified, waiting in the staff "ready to certify" list.

Idempotent: each account is created once and left alone afterwards. Certificates are issued
through `certification_issue` (numbers, signed credentials, status lists as in real life).
"""

from datetime import date, timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.db import transaction

from certification.models import Certification, Employment
from certification.services.certificates import certification_issue
from certification.services.credentials import status_lists_publish
from enrollment import rules
from enrollment.models import Application, ApplicationStatus, QualifyingAgency
from lms import clock
from lms.models import User
from lms.roles import Role

DEMO_AGENCY = ("Red Rock Behavioral Health Services", "111", "Oklahoma City")
DEMO_CERTIFICATION_ACCOUNTS = [
    ("certified@demo.bhcm.test", "demo-certified-pass", "Carmen Certified"),
    ("lapsed@demo.bhcm.test", "demo-lapsed-pass", "Lee Lapsed"),
    ("ready@demo.bhcm.test", "demo-ready-pass", "Riley Ready"),
]


def _account(email: str, password: str, name: str) -> tuple[User, bool]:
    first, last = name.split(" ", 1)
    user, created = User.objects.get_or_create(
        email=email, defaults={"first_name": first, "last_name": last}
    )
    if created:
        user.set_password(password)
        user.save()
        user.groups.add(Group.objects.get(name=Role.APPLICANT.value))
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
    return user, created


def _verified_application(user: User, agency: QualifyingAgency, submitted_on: date) -> Application:
    """A complete CM II application whose exam is passed and employment verified, with the
    confirmed employment that goes with it (what the exam and agency steps leave behind)."""
    application = Application.objects.create(
        user=user,
        track="cm2",
        status=ApplicationStatus.EMPLOYMENT_VERIFIED,
        legal_first_name=user.first_name,
        legal_last_name=user.last_name,
        highest_education="bachelor",
        agency=agency,
        job_title="Case manager",
        employment_start_date=submitted_on - timedelta(days=200),
        submitted_on=submitted_on,
        expires_on=rules.application_expires_on(submitted_on),
    )
    Employment.objects.get_or_create(
        person=user,
        agency=agency,
        defaults={
            "started_on": submitted_on - timedelta(days=200),
            "position": "Case manager",
            "confirmed_at": clock.now(),
        },
    )
    return application


def seed_certification_demo(*, agency: QualifyingAgency | None = None) -> dict[str, str]:
    """Create the demo accounts above (safe to re-run). `agency` is the demo agency the
    agency demo account belongs to; by default the seed's first agency (get-or-created).
    Returns email → certificate number ("" for the one still waiting)."""
    if agency is None:
        name, contract_type, city = DEMO_AGENCY
        agency, _ = QualifyingAgency.objects.get_or_create(
            name=name, defaults={"contract_type": contract_type, "city": city}
        )
    today = clock.today()
    with transaction.atomic():
        (certified_email, *_), (lapsed_email, *_), (ready_email, *_) = DEMO_CERTIFICATION_ACCOUNTS
        accounts = {
            email: _account(email, pw, name) for email, pw, name in DEMO_CERTIFICATION_ACCOUNTS
        }

        user, created = accounts[certified_email]
        if created:
            issued_on = date(today.year, 1, 15) if today > date(today.year, 1, 15) else today
            with clock.frozen_at(issued_on):  # a back-dated issue, through the real service
                certification_issue(
                    application=_verified_application(user, agency, issued_on - timedelta(days=90)),
                    actor=None,
                )
        user, created = accounts[lapsed_email]
        if created:
            issued_on = date(today.year - 2, 3, 1)
            with clock.frozen_at(issued_on):
                certification_issue(
                    application=_verified_application(user, agency, issued_on - timedelta(days=90)),
                    actor=None,
                )
        user, created = accounts[ready_email]
        if created:
            _verified_application(user, agency, today - timedelta(days=100))
        status_lists_publish(today=today)
    return {
        email: getattr(Certification.objects.filter(holder=user).first(), "number", "")
        for email, (user, _) in accounts.items()
    }
