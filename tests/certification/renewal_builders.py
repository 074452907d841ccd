"""Builders for renewal tests: a certified holder (certificate issued in 2026, renewed first in
2027), a renewal ready to submit, and paying it through the fake provider."""

from datetime import date
from decimal import Decimal

from certification.models import AgencyMembership, AgencyRole, Renewal, VerificationStatus
from certification.models.renewals import RENEWAL_SECTIONS
from certification.services import renewals as services
from certification.services.certificates import certification_issue
from certification.services.verification import Answer, verification_confirm
from lms import clock
from payments.providers import EventKind
from tests.certification.builders import ready_application
from tests.factories import UserFactory
from tests.payments.conftest import fake_deliver

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
