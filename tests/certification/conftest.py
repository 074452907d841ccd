"""Fixtures for the agency portal and employment verification."""

from datetime import date

import pytest
from django.contrib.auth.models import Group

from certification.models import AgencyMembership, AgencyRole
from enrollment.models import Application
from enrollment.services.applications import application_approve, application_submit
from lms.roles import Role
from tests.factories.enrollment import ApplicationFactory, QualifyingAgencyFactory, UserFactory


@pytest.fixture
def agency(db):
    return QualifyingAgencyFactory(name="Red Rock Behavioral Health")


@pytest.fixture
def other_agency(db):
    return QualifyingAgencyFactory(name="Prairie Wraparound")


@pytest.fixture
def make_member(db):
    def make(agency, role=AgencyRole.ATTESTER, **kwargs):
        user = UserFactory(**kwargs)
        user.groups.add(Group.objects.get(name=Role.AGENCY.value))
        AgencyMembership.objects.create(user=user, agency=agency, role=role)
        return user

    return make


@pytest.fixture
def attester(agency, make_member):
    return make_member(agency, AgencyRole.ATTESTER, email="attester@redrock.example")


@pytest.fixture
def viewer(agency, make_member):
    return make_member(agency, AgencyRole.VIEWER, email="viewer@redrock.example")


@pytest.fixture
def approve(django_capture_on_commit_callbacks, cert_staff):
    """Submit and approve an application naming `agency`; returns it with the outbox cleared."""

    def run(agency, **kwargs) -> Application:
        application = ApplicationFactory(agency=agency, **kwargs)
        with django_capture_on_commit_callbacks(execute=True):
            application_submit(
                application=application, user=application.user, today=date(2026, 3, 2)
            )
            application_approve(application=application, actor=cert_staff)
        return Application.objects.get(pk=application.pk)

    return run
