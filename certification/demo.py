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

The renewals (`seed_renewal_demo`, from Jan 1 to Dec 30): renewing@ (demo-renewing-pass) with a
renewal in progress, audited@ (demo-audited-pass) submitted and drawn for the CEU audit, waiting
for its documents, corrections@ (demo-corrections-pass) returned with one correction.

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
    with transaction.atomic():
        numbers |= seed_renewal_demo(agency=agency)
    return numbers


# --- Renewals ------------------------------------------------------------------------------------

DEMO_RENEWAL_ACCOUNTS = [
    ("renewing@demo.bhcm.test", "demo-renewing-pass", "Rory Renewing"),
    ("audited@demo.bhcm.test", "demo-audited-pass", "Avery Audited"),
    ("corrections@demo.bhcm.test", "demo-corrections-pass", "Corey Corrections"),
]


def _demo_seed(year: int, drawn: str, not_drawn: str) -> None:
    """The year's audit seed, if staff have not recorded one: the first demo seed under which
    `drawn` is selected and `not_drawn` is not (the draw itself stays the real HMAC)."""
    from certification.models import AuditSeed
    from certification.renewal_rules import is_audit_selected
    from enrollment.selectors.applications import policy_get

    if AuditSeed.objects.filter(year=year).exists():
        return
    rate = policy_get().audit_rate
    for i in range(10_000):
        seed = f"demo-{year}-{i}"
        if is_audit_selected(seed, drawn, year, rate) and not is_audit_selected(
            seed, not_drawn, year, rate
        ):
            AuditSeed.objects.create(year=year, seed=seed, rate=rate)
            return


def _demo_renewal(certification, attester, *, submit: bool):
    """A renewal with the sections confirmed, three CEUs and (when `submit`) the employment
    confirmed, signed and paid through the fake provider, so it is submitted as in real life."""
    from decimal import Decimal

    from certification.models.renewals import RENEWAL_SECTIONS
    from certification.services import renewals as services
    from certification.services.verification import Answer, verification_confirm
    from payments.providers import EventKind
    from payments.providers.fake import FakeProvider
    from payments.services import webhook_receive

    holder = certification.holder
    renewal = services.renewal_start(certification=certification, user=holder)
    sections = RENEWAL_SECTIONS if submit else RENEWAL_SECTIONS[:2]
    for section in sections:
        values = renewal.profile.get(section, {})
        if section == "education":
            values = {**values, "degree_other": "Social Work", "institution": "OU"}
        renewal = services.renewal_section_save(
            renewal=renewal, user=holder, section=section, values=values
        )
    done = date(renewal.year - 1, 9, 15)
    courses = [("ethics", "Ethics in case management", "3"), ("general", "Crisis skills", "6")]
    if submit:
        courses.append(("strengths_based", "Strengths-based practice", "3"))
    for category, title, hours in courses:
        data = services.CeuData(category, title, "Red Rock Training", "other", Decimal(hours), done)
        services.ceu_entry_save(renewal=renewal, user=holder, data=data)
    if not submit:
        return renewal
    renewal = services.renewal_employment_request(renewal=renewal, user=holder)
    verification_confirm(
        request=renewal.verification,
        actor=attester,
        answer=Answer(date(clock.today().year - 2, 8, 1), "Case manager", True),
        attester_name="Agnes Agency",
        attested=True,
    )
    services.renewal_sign(
        renewal=renewal, user=holder, signed_name=certification.holder_name, attested=True
    )
    payment = services.renewal_checkout(renewal=renewal, user=holder, provider=FakeProvider())
    if payment is not None:
        payload, signature = FakeProvider.event(EventKind.PAID, payment)
        webhook_receive(provider=FakeProvider(), payload=payload, signature=signature)
    return renewal


def seed_renewal_demo(*, agency: QualifyingAgency) -> dict[str, str]:
    """`renewing@` (a renewal in progress), `audited@` (submitted, drawn by the year's seed,
    waiting for its CEU documents) and `corrections@` (returned with one correction), each
    certified last year so this year's renewal is open. Nothing is made on Dec 31, when no
    renewal is accepted. Safe to re-run: each account is made once."""
    from certification.services import renewals as services

    today = clock.today()
    year = today.year
    if rules.renewal_phase(year, today) not in ("open", "late"):
        return {}
    attester = User.objects.get(email=ATTESTER[0])
    accounts = {email: _account(email, pw, name) for email, pw, name in DEMO_RENEWAL_ACCOUNTS}
    if not any(created for _, created in accounts.values()):
        return {
            email: getattr(Certification.objects.filter(holder=user).first(), "number", "")
            for email, (user, _) in accounts.items()
        }
    certifications = []
    for user, _ in accounts.values():
        with clock.frozen_at(date(year - 1, 3, 1)):
            certifications.append(
                certification_issue(
                    application=_verified_application(user, agency, date(year - 1, 1, 10)),
                    actor=None,
                )
            )
    renewing, audited, corrections = certifications
    _demo_seed(year, audited.number, corrections.number)
    _demo_renewal(renewing, attester, submit=False)
    _demo_renewal(audited, attester, submit=True)
    returned = _demo_renewal(corrections, attester, submit=True)
    staff = (
        User.objects.filter(groups__name=Role.CERTIFICATION_STAFF.value).order_by("pk").first()
        or User.objects.filter(is_superuser=True).order_by("pk").first()
    )
    if staff is not None:
        ceu = returned.ceus.order_by("pk").last()
        services.renewal_return(
            renewal=returned,
            actor=staff,
            corrections=[
                services.Correction("ceu", "Give the provider's full name.", ceu_id=ceu.pk)
            ],
        )
    return {c.holder.email: c.number for c in certifications}
