"""Builders for certification tests: an application ready to certify (exam passed, employment
verified, as the enrollment factories and the other certification work leave it) and a
confirmed Employment row."""

from datetime import date, timedelta

from certification.models import Employment
from lms import clock
from tests.factories import ApplicationFactory, QualifyingAgencyFactory

CONFIRMED_AT = clock.now


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
    today = clock.today()
    data = {
        "track": track,
        "status": status,
        "submitted_on": today - timedelta(days=60),
        "expires_on": today + timedelta(days=120),
        "legal_first_name": "Dana",
        "legal_last_name": "Whitehorse",
    }
    if track in ("cm2", "cm2_cprp", "cm1_upgrade"):
        data["highest_education"] = "bachelor"
    application = ApplicationFactory(**{**data, **kwargs})
    if employed:
        employ(application.user, agency=application.agency)
    return application
