"""The agency portal and the applicant's verification page, role by role: each agency sees
only its own people (and no date of birth, address or uploads), another agency's request is a
404, a viewer cannot attest."""

import csv
import io
from datetime import date

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from certification.models import Employment, RosterEntry, VerificationRequest, VerificationStatus
from tests.factories.enrollment import UserFactory
from tests.samples import pdf_bytes

pytestmark = pytest.mark.django_db
V = VerificationStatus
PORTAL = reverse("certification:agency-portal")
CSV = reverse("certification:agency-staff-csv")
ROSTER = reverse("certification:agency-roster")
STATUS = reverse("certification:verification-status")


def _voe(pk):
    return reverse("certification:agency-verification", args=[pk])


@pytest.fixture
def pending(agency, attester, approve):
    application = approve(agency, legal_first_name="Ana", legal_last_name="Lopez")
    application.user.first_name, application.user.last_name = "Ana", "Lopez"
    application.user.save()
    return application.verification_requests.get()


def _confirm_data(**overrides):
    data = {
        "c-employed_since": "2024-03-01",
        "c-position": "Case manager",
        "c-is_case_management": "yes",
        "c-attester_name": "Dana Reyes",
        "c-attested": "on",
        "confirm": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_portal_needs_an_agency_membership(client, applicant, cert_staff, agency_user):
    assert client.get(PORTAL).status_code == 302  # anonymous: to sign in
    for user in (applicant, cert_staff, agency_user):  # agency group but no membership
        client.force_login(user)
        assert client.get(PORTAL).status_code == 403
        assert client.get(CSV).status_code == 403


def test_a_member_without_the_agency_role_is_refused(client, attester):
    attester.groups.clear()
    client.force_login(attester)
    assert client.get(PORTAL).status_code == 403


def test_portal_lists_only_the_agencys_own_people_and_nothing_personal(
    client, agency, other_agency, attester, pending, approve
):
    theirs = approve(other_agency, legal_first_name="Zed", legal_last_name="Other")
    Employment.objects.create(
        person=theirs.user, agency=other_agency, started_on=date(2024, 1, 1), confirmed_at=None
    )
    client.force_login(attester)
    page = client.get(PORTAL)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Ana Lopez" in html and _voe(pending.pk) in html
    assert theirs.user.get_full_name() not in html
    application = pending.application
    for private in (application.address_line1, application.postal_code, application.phone):
        assert private not in html
    assert application.date_of_birth.strftime("%B %-d, %Y") not in html


def test_staff_csv_has_the_portal_columns_and_is_filtered(client, attester, pending):
    client.force_login(attester)
    response = client.get(CSV)
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["Name", "Staff id", "Position"]
    assert {"Certificate number", "Status", "May bill T1017 today", "Modifier"} <= set(rows[0])
    assert rows[1][0] == "Ana Lopez" and rows[1][rows[0].index("May bill T1017 today")] == "no"
    assert pending.application.address_line1 not in response.content.decode()
    filtered = client.get(CSV, {"q": "nobody-matches"})
    assert len(list(csv.reader(io.StringIO(filtered.content.decode())))) == 1
    assert "Ana Lopez" in client.get(PORTAL, {"status": "pending"}).content.decode()
    assert "No case managers match." in client.get(PORTAL, {"bill": "yes"}).content.decode()
    assert '<th scope="row">Ana Lopez</th>' in client.get(PORTAL, {"bill": "no"}).content.decode()


def test_an_attester_of_another_agency_gets_404(client, other_agency, make_member, pending):
    stranger = make_member(other_agency)
    client.force_login(stranger)
    assert client.get(_voe(pending.pk)).status_code == 404
    assert client.post(_voe(pending.pk), _confirm_data()).status_code == 404
    pending.refresh_from_db()
    assert pending.status == V.PENDING


def test_a_viewer_sees_the_request_but_cannot_attest(client, viewer, pending):
    client.force_login(viewer)
    page = client.get(_voe(pending.pk))
    assert page.status_code == 200 and b"Confirm employment</button>" not in page.content
    assert client.post(_voe(pending.pk), _confirm_data()).status_code == 403
    assert client.get(ROSTER).status_code == 403
    pending.refresh_from_db()
    assert pending.status == V.PENDING


def test_attester_confirms_online_with_a_signed_form(
    client, attester, pending, django_capture_on_commit_callbacks
):
    client.force_login(attester)
    pdf = SimpleUploadedFile("voe.pdf", pdf_bytes())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_voe(pending.pk), {**_confirm_data(), "c-document": pdf})
    assert response.status_code == 302 and response["Location"] == PORTAL
    pending.refresh_from_db()
    assert (pending.status, pending.attester_name, pending.document_kind) == (
        V.CONFIRMED,
        "Dana Reyes",
        "pdf",
    )
    assert "confirmed" in client.get(PORTAL).content.decode()


def test_confirm_without_attestation_or_with_a_bad_file_shows_errors_and_changes_nothing(
    client, attester, pending
):
    client.force_login(attester)
    page = client.post(_voe(pending.pk), _confirm_data(**{"c-attested": None}))
    assert page.status_code == 200 and "This field is required" in page.content.decode()
    bad = SimpleUploadedFile("voe.pdf", b"MZ\x90\x00program")
    page = client.post(_voe(pending.pk), {**_confirm_data(), "c-document": bad})
    assert page.status_code == 200 and "Windows executable" in page.content.decode()
    pending.refresh_from_db()
    assert pending.status == V.PENDING and not Employment.objects.exists()


def test_attester_refuses_with_a_reason(client, attester, pending):
    client.force_login(attester)
    assert client.post(_voe(pending.pk), {"refuse": "", "r-reason": ""}).status_code == 200
    response = client.post(_voe(pending.pk), {"refuse": "", "r-reason": "Never worked here."})
    assert response.status_code == 302
    pending.refresh_from_db()
    assert (pending.status, pending.reason) == (V.REFUSED, "Never worked here.")


def test_roster_upload_page_reports_bad_lines_and_applies_nothing(client, attester):
    UserFactory(email="known@example.org")
    client.force_login(attester)
    data = b"email,staff_id,action\nknown@example.org,S1,add\nghost@example.org,S2,add\n"
    page = client.post(ROSTER, {"file": SimpleUploadedFile("roster.csv", data)})
    assert page.status_code == 200
    assert "Line 3: no person matches" in page.content.decode()
    assert not RosterEntry.objects.exists()


def test_attester_records_that_someone_left(client, attester, agency, viewer):
    person = UserFactory()
    employment = Employment.objects.create(
        person=person, agency=agency, started_on=date(2024, 1, 1), confirmed_at="2024-01-02T00:00Z"
    )
    url = reverse("certification:agency-employment-end", args=[employment.pk])
    client.force_login(viewer)
    assert client.post(url, {"ended_on": "2026-05-01"}).status_code == 403
    client.force_login(attester)
    assert client.post(url, {"ended_on": "2023-01-01"}).status_code == 200  # before the start
    assert client.post(url, {"ended_on": "2026-05-01"}).status_code == 302
    employment.refresh_from_db()
    assert employment.ended_on == date(2026, 5, 1)


def test_alert_choices_are_saved(client, attester):
    client.force_login(attester)
    url = reverse("certification:agency-alerts")
    assert client.post(url, {"weekly_digest": "on"}).status_code == 302
    attester.agency_membership.refresh_from_db()
    membership = attester.agency_membership
    assert (membership.alert_status_changes, membership.alert_weekly_digest) == (False, True)


def test_applicant_sees_waiting_and_may_remind_only_their_own(client, pending, applicant):
    client.force_login(pending.person)
    page = client.get(STATUS).content.decode()
    assert "Waiting for your employer" in page and pending.agency.name in page
    remind = reverse("certification:verification-remind", args=[pending.pk])
    follow = client.post(remind, follow=True).content.decode()
    assert "once a day" in follow  # asked moments ago at approval
    client.force_login(applicant)
    assert client.post(remind).status_code == 404


def test_applicant_names_an_unlisted_employer(client, pending, cert_staff):
    client.force_login(pending.person)
    assert "Choose your employer" in client.post(STATUS, {"agency": ""}).content.decode()
    mail.outbox.clear()
    response = client.post(STATUS, {"agency": "", "unlisted_name": "Cimarron Family Care"})
    assert response.status_code == 302
    new = VerificationRequest.objects.get(status=V.UNLISTED)
    assert new.unlisted_agency_name == "Cimarron Family Care"
    pending.refresh_from_db()
    assert pending.status == V.CLOSED
    assert "Waiting for staff" in client.get(STATUS).content.decode()
