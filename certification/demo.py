"""Demo data for the agency portal (development only), called by `seed_demo`: the demo agency
with `agency@demo.bhcm.test` as its attester, a pending verification request from a demo
applicant, and the confirmed employees the certification demo accounts need. Idempotent: a
second run changes nothing."""

from datetime import date

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.db import transaction

from certification.models import AgencyMembership, AgencyRole, Employment
from certification.services.verification import verification_request_open
from enrollment.models import Application, QualifyingAgency
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


def seed_certification_demo(
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
