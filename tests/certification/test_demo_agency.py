"""The agency demo data: the demo agency, its attester, a pending request, the employees."""

from datetime import date

import pytest

from certification.demo import seed_agency_demo
from certification.models import AgencyMembership, Employment, VerificationRequest
from certification.selectors.employment import is_employed_on
from enrollment.models import ApplicationStatus
from lms import clock
from lms.roles import Role
from tests.factories.enrollment import ApplicationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_seed_is_idempotent_and_gives_the_agency_an_attester_and_a_pending_request():
    applicant = UserFactory(email="approved@demo.bhcm.test")
    ApplicationFactory(
        user=applicant,
        status=ApplicationStatus.APPROVED,
        submitted_on=date(2026, 11, 2),
        expires_on=date(2027, 5, 2),
    )
    certified = UserFactory(email="certified@demo.bhcm.test")
    for _ in range(2):
        agency = seed_agency_demo()
    membership = AgencyMembership.objects.get(user__email="agency@demo.bhcm.test")
    assert membership.agency == agency and membership.is_attester
    assert membership.user.check_password("demo-agency-pass")
    assert membership.user.groups.filter(name=Role.AGENCY.value).exists()
    request = VerificationRequest.objects.get()
    assert (request.person, request.agency, request.status) == (applicant, agency, "pending")
    assert Employment.objects.count() == 1
    assert is_employed_on(person=certified, on=clock.today())
