"""Staff's back office: every verification request (filters, CSV export), the paper form,
rejection, unlisted employers; agency users invited, given a role, removed."""

import csv
import io
from datetime import date

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from certification.models import AgencyMembership, VerificationStatus
from certification.services.verification import Answer, verification_confirm
from enrollment.models import ApplicationStatus
from lms.models import AuditEvent
from tests.factories.enrollment import set_status
from tests.samples import pdf_bytes

pytestmark = pytest.mark.django_db
V = VerificationStatus
LIST = "/admin/employment-verifications/"
USERS = "/admin/agency-users/"
PDF = pdf_bytes()  # a real PDF: uploads must parse as one


@pytest.fixture
def two_requests(agency, other_agency, attester, approve):
    return approve(agency).verification_requests.get(), approve(
        other_agency
    ).verification_requests.get()


def test_staff_see_every_request_filter_and_export(client, cert_staff, two_requests, agency):
    client.force_login(cert_staff)
    page = client.get(LIST)
    assert page.status_code == 200
    for request in two_requests:
        assert (
            request.person.email in page.content.decode()
            or str(request.pk) in page.content.decode()
        )
    response = client.get(LIST, {"export": "csv", "agency": agency.pk})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["ID", "Application id", "Applicant email"]
    assert [r[2] for r in rows[1:]] == [two_requests[0].person.email]


def test_others_cannot_open_the_back_office(client, applicant, attester, two_requests):
    for user in (applicant, attester):
        client.force_login(user)
        assert client.get(LIST).status_code in (302, 403)
        assert client.get(USERS).status_code in (302, 403)


def test_staff_accept_a_paper_form_and_the_application_moves_on(
    client, cert_staff, two_requests, django_capture_on_commit_callbacks
):
    request = two_requests[0]
    application = set_status(request.application, ApplicationStatus.EXAM_PASSED)
    client.force_login(cert_staff)
    url = f"{LIST}paper/{request.pk}/"
    data = {
        "paper-employed_since": "2024-03-01",
        "paper-position": "Case manager",
        "paper-is_case_management": "yes",
    }
    client.post(url, data)  # no document: refused
    request.refresh_from_db()
    assert request.status == V.PENDING
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {**data, "paper-document": SimpleUploadedFile("voe.pdf", PDF)})
    request.refresh_from_db()
    application.refresh_from_db()
    assert request.status == V.CONFIRMED and request.on_paper
    assert application.status == ApplicationStatus.EMPLOYMENT_VERIFIED
    document = client.get(f"{LIST}document/{request.pk}/")
    assert document.status_code == 200
    assert b"".join(document.streaming_content).startswith(b"%PDF")


def test_staff_reject_an_attestation(client, cert_staff, attester, two_requests):
    request = verification_confirm(
        request=two_requests[0],
        actor=attester,
        answer=Answer(date(2024, 3, 1), "Case manager", True),
        attester_name="D R",
        attested=True,
    )
    client.force_login(cert_staff)
    client.post(f"{LIST}reject/{request.pk}/", {"reject-reason": "Wrong agency."})
    request.refresh_from_db()
    assert (request.status, request.reason) == (V.REJECTED, "Wrong agency.")


def test_staff_invite_change_and_remove_agency_users(
    client, cert_staff, agency, django_capture_on_commit_callbacks
):
    client.force_login(cert_staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{USERS}new/", {"email": "hr@redrock.example", "agency": agency.pk, "role": "viewer"}
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    membership = AgencyMembership.objects.get(user__email="hr@redrock.example")
    assert mail.outbox[-1].to == ["hr@redrock.example"]
    again = client.post(
        f"{USERS}new/", {"email": "hr@redrock.example", "agency": agency.pk, "role": "viewer"}
    )
    assert again.status_code == 200 and "already belongs" in again.content.decode()
    client.post(f"{USERS}edit/{membership.pk}/", {"role": "attester"})
    membership.refresh_from_db()
    assert membership.role == "attester"
    client.post(f"{USERS}delete/{membership.pk}/")
    assert not AgencyMembership.objects.filter(pk=membership.pk).exists()
    verbs = set(
        AuditEvent.objects.filter(verb__startswith="agency_user.").values_list("verb", flat=True)
    )
    assert verbs == {"agency_user.invited", "agency_user.role_changed", "agency_user.removed"}
