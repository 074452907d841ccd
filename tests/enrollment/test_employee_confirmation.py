"""The ODMHSAS employment confirmation is state of its own (who confirmed it and when; who
revoked it, when and why), not an audit event read back: confirming waives the classroom day
fees, revoking makes them due again, and both are audited."""

import importlib
from datetime import date

import pytest
from django.apps import apps
from django.urls import reverse

from enrollment.models import ApplicationStatus, EmployeeConfirmation
from enrollment.rules import RuleViolation
from enrollment.services.applications import (
    application_employee_confirm,
    application_employee_revoke,
)
from enrollment.services.booking import registration_book
from lms.models import AuditEvent
from lms.services import audit_record
from payments.selectors import day_fee_status, fee_lines, is_day_fee_exempt
from tests.factories.enrollment import ApplicationFactory, make_session, ready

pytestmark = pytest.mark.django_db
S = ApplicationStatus
REVOKED = "application.employee_confirmation_revoked"


def _employee(**kwargs):
    return ApplicationFactory(
        status=S.TRAINING_APPROVED,
        track="cm2",
        odmhsas_employee=True,
        submitted_on=date(2026, 11, 1),
        expires_on=date(2027, 5, 1),
        **kwargs,
    )


def _events(application, verb):
    return list(AuditEvent.objects.filter(object_id=str(application.pk), verb=verb))


# --- Services -----------------------------------------------------------------------------------


def test_confirming_records_who_and_when_and_waives_the_day_fees(cert_staff):
    application = _employee()

    assert application_employee_confirm(application=application, actor=cert_staff) is True

    confirmation = EmployeeConfirmation.objects.get(application=application)
    assert confirmation.confirmed_by == cert_staff
    assert confirmation.confirmed_at is not None and confirmation.revoked_at is None
    assert set(day_fee_status(application).values()) == {"exempt"}
    [event] = _events(application, "application.employee_confirmed")
    assert event.actor == cert_staff


def test_a_revoked_confirmation_makes_the_day_fees_due_again_and_is_audited(cert_staff):
    application = _employee()
    application_employee_confirm(application=application, actor=cert_staff)

    assert application_employee_revoke(
        application=application, actor=cert_staff, reason="Left ODMHSAS in October."
    )

    assert not is_day_fee_exempt(application)
    assert set(day_fee_status(application).values()) == {"unpaid"}
    assert [(line.day, line.status) for line in fee_lines(application)] == [
        (2, "unpaid"),
        (3, "unpaid"),
        (4, "unpaid"),
    ]
    confirmation = EmployeeConfirmation.objects.get(application=application)
    assert (confirmation.revoked_by, confirmation.revoke_reason) == (
        cert_staff,
        "Left ODMHSAS in October.",
    )
    assert confirmation.revoked_at is not None
    [event] = _events(application, REVOKED)
    assert event.actor == cert_staff
    assert "Left ODMHSAS in October." in event.reason
    # The confirmation event stays in the log; the log is not what decides.
    assert len(_events(application, "application.employee_confirmed")) == 1


def test_after_a_revoke_booking_needs_the_day_fee_again(cert_staff):
    employee = ready(paid=(), odmhsas_employee=True)
    application_employee_confirm(application=employee, actor=cert_staff)
    application_employee_revoke(application=employee, actor=cert_staff, reason="Not employed.")

    with pytest.raises(RuleViolation, match="Pay the Day 1"):
        registration_book(application=employee, session=make_session(), user=None)
    assert not employee.registrations.exists()


def test_revoking_twice_or_without_a_confirmation_changes_nothing(cert_staff):
    never = _employee()
    assert application_employee_revoke(application=never, actor=cert_staff, reason="x") is False
    assert not _events(never, REVOKED)

    application = _employee()
    application_employee_confirm(application=application, actor=cert_staff)
    application_employee_revoke(application=application, actor=cert_staff, reason="First.")
    assert (
        application_employee_revoke(application=application, actor=cert_staff, reason="Again.")
        is False
    )
    assert EmployeeConfirmation.objects.get(application=application).revoke_reason == "First."
    assert len(_events(application, REVOKED)) == 1


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_revoke_needs_a_reason(cert_staff, reason):
    application = _employee()
    application_employee_confirm(application=application, actor=cert_staff)

    with pytest.raises(RuleViolation, match="Give the reason"):
        application_employee_revoke(application=application, actor=cert_staff, reason=reason)

    assert is_day_fee_exempt(application)
    assert not _events(application, REVOKED)


def test_only_certification_staff_revoke(cert_staff):
    application = _employee()
    application_employee_confirm(application=application, actor=cert_staff)

    with pytest.raises(RuleViolation, match="Only certification staff"):
        application_employee_revoke(
            application=application, actor=application.user, reason="Not employed."
        )

    assert is_day_fee_exempt(application)


def test_a_revoked_confirmation_can_be_confirmed_again(cert_staff):
    application = _employee()
    application_employee_confirm(application=application, actor=cert_staff)
    application_employee_revoke(application=application, actor=cert_staff, reason="Mistake?")

    assert application_employee_confirm(application=application, actor=cert_staff) is True

    assert is_day_fee_exempt(application)
    rows = EmployeeConfirmation.objects.filter(application=application)
    assert [row.revoked_at is None for row in rows.order_by("pk")] == [False, True]


# --- The staff admin ----------------------------------------------------------------------------


def _revoke_url(application):
    return f"/admin/applications/employee-revoke/{application.pk}/"


def test_staff_revoke_from_the_admin_after_a_confirmation_step(client, cert_staff):
    application = _employee()
    application_employee_confirm(application=application, actor=cert_staff)
    client.force_login(cert_staff)
    inspect = f"/admin/applications/inspect/{application.pk}/"

    page = client.get(inspect).content.decode()
    assert f"Confirmed by staff ({cert_staff.email}" in page
    assert _revoke_url(application) in page
    assert "Confirm ODMHSAS employment for application" not in page

    step = client.get(_revoke_url(application)).content.decode()
    assert "the classroom day fees not yet paid are due again" in step
    assert "Yes, revoke the confirmation" in step
    assert is_day_fee_exempt(application)  # looking at the step changes nothing

    response = client.post(_revoke_url(application), {"reason": "Works for an agency now."})
    assert response.status_code == 302
    assert not is_day_fee_exempt(application)
    assert [e.actor for e in _events(application, REVOKED)] == [cert_staff]

    page = client.get(inspect).content.decode()
    assert "Claimed by the applicant; not yet confirmed" in page
    assert f"revoked by {cert_staff.email}" in page and "Works for an agency now." in page
    assert "Confirm ODMHSAS employment for application" in page
    assert _revoke_url(application) not in page


def test_a_revoke_without_a_reason_is_refused_at_the_field(client, cert_staff):
    application = _employee()
    application_employee_confirm(application=application, actor=cert_staff)
    client.force_login(cert_staff)

    response = client.post(_revoke_url(application), {"reason": ""})

    assert response.status_code == 200
    assert "Give the reason for revoking the confirmation." in response.content.decode()
    assert is_day_fee_exempt(application)
    assert not _events(application, REVOKED)


def test_people_who_may_not_decide_cannot_revoke(client, cert_staff, editor, applicant):
    application = _employee()
    application_employee_confirm(application=application, actor=cert_staff)
    for user in (editor, applicant):
        client.force_login(user)
        assert client.get(_revoke_url(application)).status_code in (302, 403)
        response = client.post(_revoke_url(application), {"reason": "Not employed."})
        assert response.status_code in (302, 403)
    assert is_day_fee_exempt(application)
    assert not _events(application, REVOKED)


def test_the_applicant_sees_the_day_fees_due_again_after_a_revoke(client, cert_staff):
    application = _employee()
    application_employee_confirm(application=application, actor=cert_staff)
    client.force_login(application.user)
    assert "Exempt (ODMHSAS employee)" in client.get(reverse("payments:fees")).content.decode()

    application_employee_revoke(application=application, actor=cert_staff, reason="Not employed.")

    text = client.get(reverse("payments:fees")).content.decode()
    assert "Exempt (ODMHSAS employee)" not in text
    assert "Pay $75.00 online" in text


# --- The data migration ---------------------------------------------------------------------------


def test_the_migration_carries_confirmation_events_into_rows(cert_staff):
    migration = importlib.import_module("enrollment.migrations.0007_employee_confirmation")
    confirmed = _employee()
    claimed_only = _employee()
    audit_record(actor=cert_staff, verb="application.employee_confirmed", obj=confirmed)

    migration.carry_confirmations(apps, None)

    row = EmployeeConfirmation.objects.get()
    assert (row.application_id, row.confirmed_by) == (confirmed.pk, cert_staff)
    assert row.revoked_at is None
    assert is_day_fee_exempt(confirmed) and not is_day_fee_exempt(claimed_only)
