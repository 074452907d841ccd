"""Agency accounts, employment that ends, status alerts and the weekly digest, roster upload."""

from datetime import date, datetime

import pytest
from django.core import mail
from django.test import Client

from certification.models import (
    AgencyAlert,
    AgencyMembership,
    AgencyRole,
    AlertChange,
    Employment,
    RosterEntry,
)
from certification.selectors import agency as agency_selectors
from certification.selectors.agency import CertificateFacts, agency_staff_list
from certification.selectors.employment import is_employed_on
from certification.services.agencies import (
    agency_user_invite,
    agency_user_remove,
    agency_user_role_change,
)
from certification.services.alerts import agency_alert_status_changed, agency_digest_send
from certification.services.employment import employment_end
from certification.services.roster import RosterRejected, roster_upload
from enrollment.rules import RuleViolation
from lms.models import AuditEvent, User
from lms.roles import Role
from tests.factories.enrollment import UserFactory

pytestmark = pytest.mark.django_db
CONFIRMED = datetime(2025, 1, 6, 15, 0)


def _audit_verbs(obj):
    return list(AuditEvent.objects.filter(object_id=str(obj.pk)).values_list("verb", flat=True))


def _employ(person, agency, **kwargs):
    from django.utils import timezone

    return Employment.objects.create(
        person=person,
        agency=agency,
        started_on=kwargs.pop("started_on", date(2025, 1, 1)),
        confirmed_at=timezone.make_aware(CONFIRMED),
        **kwargs,
    )


# --- Agency accounts --------------------------------------------------------------------------


def test_staff_invite_a_new_agency_user_who_sets_a_password_and_signs_in(
    agency, cert_staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        membership = agency_user_invite(
            email="New.Person@RedRock.example", agency=agency, role="attester", actor=cert_staff
        )
    user = membership.user
    assert user.email == "new.person@redrock.example" and not user.has_usable_password()
    assert user.groups.filter(name=Role.AGENCY.value).exists()
    assert _audit_verbs(membership) == ["agency_user.invited"]
    (message,) = mail.outbox
    assert message.to == [user.email] and message.alternatives
    link = next(w for w in message.body.split() if "/accounts/password/reset/key/" in w)
    client = Client()
    path = link.split("testserver")[-1] if "testserver" in link else link[link.index("/accounts") :]
    page = client.get(path, follow=True)
    assert page.status_code == 200
    form_url = page.redirect_chain[-1][0] if page.redirect_chain else path
    done = client.post(
        form_url, {"password1": "a-long-new-pass-2026", "password2": "a-long-new-pass-2026"}
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a-long-new-pass-2026")


def test_invite_refuses_someone_already_in_an_agency_and_non_staff(
    agency, other_agency, attester, cert_staff
):
    with pytest.raises(RuleViolation, match="already belongs"):
        agency_user_invite(
            email=attester.email, agency=other_agency, role="viewer", actor=cert_staff
        )
    with pytest.raises(RuleViolation, match="staff"):
        agency_user_invite(email="x@example.org", agency=agency, role="viewer", actor=attester)
    assert not User.objects.filter(email="x@example.org").exists()


def test_staff_change_a_role_and_remove_an_agency_user(
    viewer, cert_staff, django_capture_on_commit_callbacks
):
    membership = viewer.agency_membership
    with django_capture_on_commit_callbacks(execute=True):
        agency_user_role_change(membership=membership, role=AgencyRole.ATTESTER, actor=cert_staff)
        agency_user_role_change(membership=membership, role=AgencyRole.ATTESTER, actor=cert_staff)
    membership.refresh_from_db()
    assert membership.is_attester
    events = AuditEvent.objects.filter(
        verb="agency_user.role_changed", object_id=str(membership.pk)
    )
    assert [(e.from_state, e.to_state) for e in events] == [("viewer", "attester")]
    with django_capture_on_commit_callbacks(execute=True):
        agency_user_remove(membership=membership, actor=cert_staff)
    assert not AgencyMembership.objects.filter(user=viewer).exists()
    assert not viewer.groups.filter(name=Role.AGENCY.value).exists()
    assert AuditEvent.objects.filter(verb="agency_user.removed").exists()
    assert [m.to for m in mail.outbox] == [[viewer.email], [viewer.email]]


# --- Employment over time --------------------------------------------------------------------


def test_employment_ended_stops_counting_from_that_day_and_tells_everyone(
    agency, attester, cert_staff, make_member, django_capture_on_commit_callbacks
):
    person = UserFactory(first_name="Ana", last_name="Lopez")
    employment = _employ(person, agency)
    muted = make_member(agency, AgencyRole.VIEWER, email="muted@redrock.example")
    AgencyMembership.objects.filter(user=muted).update(alert_status_changes=False)
    with django_capture_on_commit_callbacks(execute=True):
        employment_end(employment=employment, actor=attester, ended_on=date(2026, 5, 1))
    assert is_employed_on(person=person, on=date(2026, 4, 30))
    assert not is_employed_on(person=person, on=date(2026, 5, 1))
    assert "employment.ended" in _audit_verbs(employment)
    to = sorted(m.to[0] for m in mail.outbox)
    assert to == sorted([person.email, cert_staff.email, attester.email])
    assert AgencyAlert.objects.filter(change=AlertChange.EMPLOYMENT_ENDED).count() == 1


def test_employment_end_refused_for_a_viewer_another_agency_and_bad_dates(
    agency, other_agency, viewer, attester, make_member
):
    employment = _employ(UserFactory(), agency, started_on=date(2025, 6, 1))
    stranger = make_member(other_agency)
    for actor in (viewer, stranger):
        with pytest.raises(RuleViolation, match="attester"):
            employment_end(employment=employment, actor=actor, ended_on=date(2026, 1, 1))
    with pytest.raises(RuleViolation, match="before it started"):
        employment_end(employment=employment, actor=attester, ended_on=date(2025, 5, 1))
    employment.refresh_from_db()
    assert employment.ended_on is None and not AuditEvent.objects.filter(verb="employment.ended")


def test_a_person_may_work_for_two_agencies(agency, other_agency, attester):
    person = UserFactory()
    first = _employ(person, agency)
    _employ(person, other_agency)
    employment_end(employment=first, actor=attester, ended_on=date(2026, 2, 1))
    assert is_employed_on(person=person, on=date(2026, 3, 1))  # still at the other one


# --- Alerts ------------------------------------------------------------------------------------


def test_status_alert_sent_once_per_change_to_the_agencies_that_employ_the_person(
    agency, other_agency, attester, make_member, django_capture_on_commit_callbacks
):
    make_member(other_agency, email="hr@prairie.example")
    person = UserFactory(first_name="Ana", last_name="Lopez")
    _employ(person, agency)
    with django_capture_on_commit_callbacks(execute=True):
        sent = agency_alert_status_changed(
            person=person, change="suspended", key="BHCM-0001:2026-07-01"
        )
        again = agency_alert_status_changed(
            person=person, change="suspended", key="BHCM-0001:2026-07-01"
        )
    assert (sent, again) == (1, 0)
    assert [m.to for m in mail.outbox] == [[attester.email]]
    assert "suspended" in mail.outbox[0].subject.lower() and "Ana Lopez" in mail.outbox[0].body
    assert AgencyAlert.objects.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert agency_alert_status_changed(person=person, change="renewed", key="2027") == 1


def test_weekly_digest_lists_renewals_due_and_suspensions(
    agency, attester, viewer, monkeypatch, django_capture_on_commit_callbacks
):
    due, suspended, fine = (UserFactory(first_name=n, last_name="X") for n in ("Due", "Sus", "Ok"))
    for person in (due, suspended, fine):
        _employ(person, agency)
    facts = {
        due.pk: CertificateFacts("BHCM-1", "CM II", "active", date(2026, 6, 30), "HN", "not filed"),
        suspended.pk: CertificateFacts("BHCM-2", "CM I", "suspended", date(2025, 6, 30), "HM"),
        fine.pk: CertificateFacts("BHCM-3", "CM I", "active", date(2027, 6, 30), "HM", "renewed"),
    }
    monkeypatch.setattr(
        agency_selectors, "_certificate_facts", lambda person, today: facts[person.pk]
    )
    AgencyMembership.objects.filter(user=viewer).update(alert_weekly_digest=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert agency_digest_send(today=date(2026, 5, 4)) == 1
        assert agency_digest_send(today=date(2026, 5, 4)) == 0  # once a week, however often
    (message,) = mail.outbox
    assert message.to == [attester.email]
    assert "Due X (BHCM-1)" in message.body and "Sus X (BHCM-2)" in message.body
    assert "BHCM-3" not in message.body
    rows = {
        r.name: r
        for r in agency_staff_list(membership=attester.agency_membership, today=date(2026, 5, 4))
    }
    assert (rows["Due X"].may_bill_t1017, rows["Due X"].modifier) == (True, "HN")
    assert (rows["Sus X"].may_bill_t1017, rows["Sus X"].modifier) == (False, "")


def test_digest_job_is_scheduled_weekly():
    from lms.celery import app

    schedule = app.conf.beat_schedule
    assert any(e["task"] == "certification.tasks.agency_digest_task" for e in schedule.values())


# --- Roster upload -----------------------------------------------------------------------------


def test_roster_with_bad_lines_reports_each_by_line_and_applies_nothing(agency, attester):
    known = UserFactory(email="known@example.org")
    data = (
        b"email,certificate_number,staff_id,action\n"
        b"known@example.org,,E-100,add\n"
        b"nobody@example.org,,E-101,add\n"
        b",,E-102,add\n"
        b"known@example.org,,E-103,fire\n"
    )
    with pytest.raises(RosterRejected) as rejected:
        roster_upload(membership=attester.agency_membership, actor=attester, data=data)
    lines = [line for line, _ in rejected.value.problems]
    assert lines == [3, 4, 5]
    assert not RosterEntry.objects.exists()
    assert not AuditEvent.objects.filter(verb="agency.roster_uploaded").exists()
    assert known.pk  # matched, but nothing applied


def test_roster_adds_updates_and_removes_in_one_go(agency, attester):
    a, b = UserFactory(email="a@example.org"), UserFactory(email="b@example.org")
    membership = attester.agency_membership
    roster_upload(membership=membership, actor=attester, data=b"email,staff_id\na@example.org,S1\n")
    counts = roster_upload(
        membership=membership,
        actor=attester,
        data=b"email,staff_id,action\nA@example.org,S9,add\nb@example.org,S2,add\n",
    )
    assert counts == {"added": 1, "updated": 1, "removed": 0}
    assert dict(RosterEntry.objects.values_list("person__email", "staff_id")) == {
        "a@example.org": "S9",
        "b@example.org": "S2",
    }
    roster_upload(
        membership=membership, actor=attester, data=b"email,action\nb@example.org,remove\n"
    )
    assert list(RosterEntry.objects.values_list("person", flat=True)) == [a.pk]
    assert b.pk not in [
        r.person_id for r in agency_staff_list(membership=membership, today=date.today())
    ]
    assert AuditEvent.objects.filter(verb="agency.roster_uploaded").count() == 3
