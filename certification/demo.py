"""Demo data for `seed_demo` (development only). `seed_certification_demo()` runs both parts:

The agency portal (`seed_agency_demo`): the demo agency with `agency@demo.bhcm.test` as its
attester, a pending verification request from a demo applicant, and a confirmed employment for
each certification demo account.

The certificates (`seed_certificate_demo`):
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

from certification.models import AgencyMembership, AgencyRole, Certification, Employment
from certification.services.calendar import certifications_suspend, certifications_terminate
from certification.services.certificates import certification_issue
from certification.services.credentials import status_lists_publish
from certification.services.verification import verification_request_open
from enrollment import rules
from enrollment.models import Application, ApplicationStatus, QualifyingAgency
from enrollment.models.applications import FINAL
from lms import clock
from lms.models import User
from lms.roles import Role

DEMO_AGENCY = ("Red Rock Behavioral Health Services", "111", "Oklahoma City")

ATTESTER = ("agency@demo.bhcm.test", "demo-agency-pass", "Agnes", "Agency")


def _attester(agency: QualifyingAgency) -> User:
    email, password, first, last = ATTESTER
    user, created = User.objects.get_or_create(
        email=email, defaults={"first_name": first, "last_name": last}
    )
    if created:
        user.set_password(password)
        user.save()
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    user.groups.add(Group.objects.get(name=Role.AGENCY.value))
    AgencyMembership.objects.update_or_create(
        user=user, defaults={"agency": agency, "role": AgencyRole.ATTESTER}
    )
    return user


def _pending_request(agency: QualifyingAgency, email: str) -> None:
    application = (
        Application.objects.filter(user__email=email, submitted_on__isnull=False)
        .exclude(status__in=FINAL)
        .first()
    )
    if application is None or application.verification_requests.exists():
        return
    if application.agency_id != agency.pk:  # the demo applicant works at the demo agency
        Application.objects.filter(pk=application.pk).update(agency=agency)
        application.refresh_from_db()
    verification_request_open(application=application)


def _employee(agency: QualifyingAgency, attester: User, email: str) -> None:
    person = User.objects.filter(email=email).first()
    if person is None or Employment.objects.filter(person=person, agency=agency).exists():
        return
    Employment.objects.create(
        person=person,
        agency=agency,
        started_on=date(clock.today().year - 2, 8, 1),
        position="Case manager",
        confirmed_at=clock.now(),
        confirmed_by=attester,
    )


def seed_agency_demo(
    *,
    applicant_emails: tuple[str, ...] = ("approved@demo.bhcm.test",),
    employee_emails: tuple[str, ...] = ("certified@demo.bhcm.test", "lapsed@demo.bhcm.test"),
) -> QualifyingAgency:
    """Create (or find) the demo agency, its attester, the pending request of each applicant in
    `applicant_emails` (those with a running application), and a confirmed employment for each
    existing account in `employee_emails`. Returns the demo agency."""
    name, contract_type, city = DEMO_AGENCY
    with transaction.atomic():
        agency, _ = QualifyingAgency.objects.get_or_create(
            name=name, defaults={"contract_type": contract_type, "city": city}
        )
        attester = _attester(agency)
        for email in applicant_emails:
            _pending_request(agency, email)
        for email in employee_emails:
            _employee(agency, attester, email)
    return agency


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


def seed_certificate_demo(*, agency: QualifyingAgency | None = None) -> dict[str, str]:
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
            # Its history as the daily jobs wrote it: suspended last Jul 1, terminated Jan 1.
            for job, day in (
                (certifications_suspend, date(today.year - 1, 7, 1)),
                (certifications_terminate, date(today.year, 1, 1)),
            ):
                with clock.frozen_at(day):
                    job(today=day)
        user, created = accounts[ready_email]
        if created:
            _verified_application(user, agency, today - timedelta(days=100))
        status_lists_publish(today=today)
    return {
        email: getattr(Certification.objects.filter(holder=user).first(), "number", "")
        for email, (user, _) in accounts.items()
    }


def seed_certification_demo() -> dict[str, str]:
    """Both parts, the agency first (the certificate holders are its employees). Returns email →
    certificate number of the certificate demo accounts."""
    agency = seed_agency_demo(employee_emails=())
    numbers = seed_certificate_demo(agency=agency)
    seed_agency_demo()  # now that the holders exist: their employment is confirmed (no-op if so)
    return numbers
