"""Roles are groups made by a migration; each sees only what it needs."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser, Group

from enrollment.models import CertificationPolicy
from enrollment.selectors.applications import policy_get
from lms.roles import ROLE_PERMISSIONS, Capability, Role, can, roles_of
from tests.factories.enrollment import POLICY_FORM

pytestmark = pytest.mark.django_db


def test_migration_creates_every_role_with_its_permissions():
    for role in Role:
        group = Group.objects.get(name=role.value)
        held = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
        assert held == set(ROLE_PERMISSIONS[role]), role


CAPABILITY_TABLE = [
    # role, capabilities it has; every other capability it must not have
    (Role.APPLICANT, {Capability.OWN_RECORDS}),
    (
        Role.CERTIFICATION_STAFF,
        {
            Capability.ALL_APPLICANT_RECORDS,
            Capability.AUDIT_LOG,
            Capability.POLICY,
            Capability.ADMIN,
        },
    ),
    (Role.TRAINER, {Capability.OWN_ROSTERS}),
    (Role.CONTENT_EDITOR, {Capability.CURRICULA, Capability.ADMIN}),
    (Role.AGENCY, {Capability.AGENCY_STAFF}),
]


@pytest.mark.parametrize(("role", "allowed"), CAPABILITY_TABLE)
def test_each_role_can_exactly_its_capabilities(make_user, role, allowed):
    user = make_user(role)
    assert roles_of(user) == {role}
    for capability in Capability:
        assert can(user, capability) == (capability in allowed), capability


def test_editor_sees_no_applicant_data_and_anonymous_sees_nothing(editor):
    assert not can(editor, Capability.ALL_APPLICANT_RECORDS)
    assert not can(editor, Capability.OWN_RECORDS)
    assert not any(can(AnonymousUser(), c) for c in Capability)


ADMIN_ACCESS = [
    # Without admin rights: the 403 page with the way to their work (was a redirect loop).
    ("applicant", 403),
    ("trainer", 403),
    ("agency_user", 403),
    ("editor", 200),
    ("cert_staff", 200),
]


@pytest.mark.parametrize(("who", "status"), ADMIN_ACCESS)
def test_admin_dashboard_only_for_roles_that_work_there(client, request, who, status):
    client.force_login(request.getfixturevalue(who))
    response = client.get("/admin/")
    assert response.status_code == status


@pytest.mark.parametrize(("who", "status"), [("cert_staff", 200), ("editor", 302)])
def test_audit_log_is_for_certification_staff(client, request, who, status):
    client.force_login(request.getfixturevalue(who))
    assert client.get("/admin/audit/").status_code == status


@pytest.mark.parametrize(
    ("who", "day_fee"), [("cert_staff", Decimal("30")), ("editor", Decimal("25"))]
)
def test_policy_settings_editable_by_certification_staff_only(client, request, who, day_fee):
    client.force_login(request.getfixturevalue(who))
    url = f"/admin/settings/enrollment/certificationpolicy/{CertificationPolicy.load().pk}/"
    client.post(url, POLICY_FORM)
    assert policy_get().day_fee == day_fee


def test_policy_refuses_a_bad_reminder_list_at_the_field(client, cert_staff):
    client.force_login(cert_staff)
    url = f"/admin/settings/enrollment/certificationpolicy/{CertificationPolicy.load().pk}/"
    response = client.post(url, {**POLICY_FORM, "expiry_reminder_days": "sixty"})
    assert response.status_code == 200
    assert "expiry_reminder_days" in response.context["form"].errors
    assert policy_get().expiry_reminder_days == (60, 30, 7)
    assert policy_get().day_fee == Decimal("25")
