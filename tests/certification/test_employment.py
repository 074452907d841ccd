from datetime import UTC, date, datetime

import pytest

from certification.models import Employment
from certification.selectors.employment import is_employed_on
from enrollment.models import QualifyingAgency
from tests.factories.enrollment import UserFactory

pytestmark = pytest.mark.django_db

CONFIRMED = datetime(2026, 1, 5, 15, 0, tzinfo=UTC)


@pytest.fixture
def agency():
    return QualifyingAgency.objects.create(name="Red Rock Behavioral Health", contract_type="111")


@pytest.mark.parametrize(
    "started, ended, confirmed, on, employed",
    [
        (date(2026, 1, 1), None, CONFIRMED, date(2026, 1, 1), True),
        (date(2026, 1, 1), None, CONFIRMED, date(2025, 12, 31), False),  # before the start
        (date(2026, 1, 1), None, None, date(2026, 6, 1), False),  # never confirmed
        (date(2026, 1, 1), date(2026, 7, 1), CONFIRMED, date(2026, 6, 30), True),
        (date(2026, 1, 1), date(2026, 7, 1), CONFIRMED, date(2026, 7, 1), False),  # ended that day
    ],
)
def test_employment_counts_only_confirmed_and_not_ended(
    agency, started, ended, confirmed, on, employed
):
    person = UserFactory()
    Employment.objects.create(
        person=person, agency=agency, started_on=started, ended_on=ended, confirmed_at=confirmed
    )
    assert is_employed_on(person=person, on=on) is employed


def test_an_agency_that_no_longer_qualifies_stops_counting(agency):
    person = UserFactory()
    Employment.objects.create(
        person=person, agency=agency, started_on=date(2026, 1, 1), confirmed_at=CONFIRMED
    )
    agency.active = False
    agency.save()
    assert not is_employed_on(person=person, on=date(2026, 3, 1))


def test_one_of_two_employments_is_enough(agency):
    other = QualifyingAgency.objects.create(name="Prairie Wraparound", contract_type="110")
    person = UserFactory()
    Employment.objects.create(
        person=person,
        agency=agency,
        started_on=date(2025, 1, 1),
        ended_on=date(2026, 2, 1),
        confirmed_at=CONFIRMED,
    )
    Employment.objects.create(
        person=person, agency=other, started_on=date(2026, 1, 15), confirmed_at=CONFIRMED
    )
    assert is_employed_on(person=person, on=date(2026, 3, 1))
