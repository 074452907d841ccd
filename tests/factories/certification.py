"""Builders for certification tests: applications ready to certify, employment, certified
holders and renewals, many certifications at once, and rows laid out by hand for the
insights."""

import secrets
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from itertools import count

from certification.models import (
    AgencyMembership,
    AgencyRole,
    Certification,
    Employment,
    Level,
    Renewal,
    RenewalEvent,
    VerificationStatus,
)
from certification.models.renewals import RENEWAL_SECTIONS
from certification.services import renewals as services
from certification.services.certificates import certification_issue
from certification.services.verification import Answer, verification_confirm
from lms import clock
from lms.clock import LOCAL_TZ
from lms.models import User
from payments.providers import EventKind
from tests.factories.enrollment import (
    QualifyingAgencyFactory,
    UserFactory,
    application_at,
)
from tests.factories.payments import fake_deliver

# --- Applications ready to certify, and employment -----------------------------------------


def employ(person, *, agency=None, started_on=None, ended_on=None, confirmed=True) -> Employment:
    agency = agency or QualifyingAgencyFactory()
    return Employment.objects.create(
        person=person,
        agency=agency,
        started_on=started_on or date(2020, 1, 1),
        ended_on=ended_on,
        position="Case manager",
        confirmed_at=clock.now() if confirmed else None,
    )


def ready_application(*, track="cm2", status="employment_verified", employed=True, **kwargs):
    data = {"track": track, "legal_first_name": "Dana", "legal_last_name": "Whitehorse"}
    if track in ("cm2", "cm2_cprp", "cm1_upgrade"):
        data["highest_education"] = "bachelor"
    submitted_on = kwargs.pop("submitted_on", clock.today() - timedelta(days=60))
    application = application_at(status, submitted_on=submitted_on, **{**data, **kwargs})
    if employed:
        employ(application.user, agency=application.agency)
    return application


# --- Certified holders and their renewals (issued 2026, renewed first in 2027) ---------------

ISSUED = date(2026, 3, 10)  # valid through 2027-06-30: renewal year 2027
YEAR = 2027
IN_WINDOW = date(2026, 9, 15)


def certified(actor, **kwargs):
    with clock.frozen_at(ISSUED):
        return certification_issue(application=ready_application(**kwargs), actor=actor)


def attester_of(agency):
    user = UserFactory()
    AgencyMembership.objects.create(user=user, agency=agency, role=AgencyRole.ATTESTER)
    return user


def ceu(renewal, category="general", hours="6", on=IN_WINDOW, **kwargs):
    data = services.CeuData(
        category=category,
        title=kwargs.pop("title", f"{category} course"),
        provider=kwargs.pop("provider", "Red Rock Training"),
        provider_type=kwargs.pop("provider_type", "other"),
        hours=Decimal(hours),
        completed_on=on,
        unit=kwargs.pop("unit", "ceu_hours"),
    )
    return services.ceu_entry_save(renewal=renewal, user=renewal.certification.holder, data=data)


def full_ceus(renewal):
    ceu(renewal, "ethics", "3")
    ceu(renewal, "strengths_based", "3")
    ceu(renewal, "general", "6")


def confirm_employment(renewal):
    renewal = Renewal.objects.get(pk=renewal.pk)
    request = renewal.verification
    if request.status != VerificationStatus.CONFIRMED:
        verification_confirm(
            request=request,
            actor=attester_of(request.agency),
            answer=Answer(
                employed_since=date(2020, 1, 1), position="Case manager", is_case_management=True
            ),
            attester_name="Pat Attester",
            attested=True,
        )


def ready_renewal(certification, *, on=date(2027, 3, 1), confirm=True) -> Renewal:
    """A renewal with every section confirmed, the CEUs met, employment asked (and confirmed)
    and signed, as of `on`."""
    holder = certification.holder
    with clock.frozen_at(on):
        renewal = services.renewal_start(certification=certification, user=holder)
        for section in RENEWAL_SECTIONS:
            values = renewal.profile.get(section, {})
            renewal = services.renewal_section_save(
                renewal=renewal, user=holder, section=section, values=values
            )
        full_ceus(renewal)
        renewal = services.renewal_employment_request(renewal=renewal, user=holder)
        if confirm:
            confirm_employment(renewal)
        services.renewal_sign(
            renewal=renewal, user=holder, signed_name="Dana Whitehorse", attested=True
        )
    return Renewal.objects.get(pk=renewal.pk)


def pay_and_submit(renewal, *, on=date(2027, 3, 2)):
    with clock.frozen_at(on):
        payment = services.renewal_checkout(renewal=renewal, user=renewal.certification.holder)
        if payment is not None:
            fake_deliver(EventKind.PAID, payment)
            payment.refresh_from_db()
    return Renewal.objects.get(pk=renewal.pk), payment


# --- Many certifications in a few inserts (the yearly clock's tests and bench) --------------


def bulk_certifications(
    count: int,
    *,
    valid_through: date,
    issued_on: date | None = None,
    offset: int = 0,
    applications=None,
    level: str = Level.CM2,
) -> list[Certification]:
    """`count` certifications (CM II unless `level` says), each with its own holder, created in
    two bulk inserts (no credential: the calendar jobs never re-sign one). Given saved
    `applications`, their applicants are the holders and each certificate is its application's."""
    run = secrets.token_hex(3)
    issued_on = issued_on or date(valid_through.year - 1, 3, 1)
    if applications is None:
        users = User.objects.bulk_create(
            [
                User(email=f"holder-{run}-{i}@example.org", first_name="Holder", last_name=str(i))
                for i in range(count)
            ],
            batch_size=5000,
        )
    else:
        users = [application.user for application in applications]
    top = Certification.objects.order_by("-status_index").values_list("status_index", flat=True)
    start = (top.first() or 0) + 1 + offset
    return Certification.objects.bulk_create(
        [
            Certification(
                holder=user,
                holder_name=f"{user.first_name} {user.last_name}",
                level=level,
                number=f"BHCM-T{run}-{i:06d}",
                application=applications[i] if applications is not None else None,
                issued_on=issued_on,
                valid_through=valid_through,
                status_index=start + i,
            )
            for i, user in enumerate(users)
        ],
        batch_size=5000,
    )


# --- Certificates and renewals written directly, laid out by hand for the insights ----------

_numbers = count(1)


def certificate(
    *,
    valid_through: date,
    issued_on: date = date(2025, 3, 1),
    holder=None,
    name: str = "",
    agency=None,
    **kwargs,
) -> Certification:
    n = next(_numbers)
    holder = holder or UserFactory()
    certification = Certification.objects.create(
        holder=holder,
        holder_name=name or f"Holder {n:03d}",
        level=kwargs.pop("level", "CM II"),
        number=f"T-{n:05d}",
        issued_on=issued_on,
        valid_through=valid_through,
        status_index=100_000 + n,
        **kwargs,
    )
    if agency is not None:
        employ(holder, agency=agency)
    return certification


def at(day: date, hour: int = 12) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=LOCAL_TZ)


def renewal(certification, year: int, status: str, *, started=None, submitted=None, **kwargs):
    """A renewal of `year` in `status`; `started`/`submitted` are its dates."""
    row = Renewal.objects.create(
        certification=certification,
        year=year,
        status=status,
        created_at=at(started or date(year, 1, 5)),
        first_submitted_on=submitted,
        submitted_at=at(submitted) if submitted else None,
        **kwargs,
    )
    return row


def returned_event(renewal_row, on: date) -> None:
    RenewalEvent.objects.create(
        renewal=renewal_row, verb="returned", from_state="submitted", to_state="returned", at=at(on)
    )
