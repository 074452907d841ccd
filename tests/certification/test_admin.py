"""The staff back office: ready to certify, issue (with a confirmation step), the certificates
list with its CSV export, revoke with a reason and endorsements; other roles are refused."""

import pytest

from certification.models import Certification
from certification.services.certificates import certification_issue
from enrollment.models import ApplicationStatus
from tests.factories.certification import ready_application

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _site(settings):
    settings.WAGTAILADMIN_BASE_URL = "https://bhcm.example.org"


def test_staff_see_the_ready_list_confirm_and_issue(client, cert_staff):
    application = ready_application()
    not_ready = ready_application(status="exam_passed", employed=False)
    client.force_login(cert_staff)

    listing = client.get("/admin/certification/")
    assert listing.status_code == 200
    assert f"/admin/certification/issue/{application.pk}/" in listing.text
    assert f"/admin/certification/issue/{not_ready.pk}/" not in listing.text
    export = client.get("/admin/certification/?export=csv")
    assert export["Content-Type"].startswith("text/csv") and "Whitehorse, Dana" in export.text

    confirm = client.get(f"/admin/certification/issue/{application.pk}/")
    assert "Yes, issue the certificate" in confirm.text
    assert not Certification.objects.exists()  # a GET changes nothing

    issued = client.post(f"/admin/certification/issue/{application.pk}/", follow=True)
    certification = Certification.objects.get()
    assert certification.number in issued.text
    application.refresh_from_db()
    assert application.status == ApplicationStatus.CERTIFIED


def test_issue_refused_shows_why_and_changes_nothing(client, cert_staff):
    application = ready_application(status="exam_passed", employed=False)
    client.force_login(cert_staff)
    page = client.get(f"/admin/certification/issue/{application.pk}/")
    assert "employment is confirmed" in page.text and "Yes, issue" not in page.text
    response = client.post(f"/admin/certification/issue/{application.pk}/", follow=True)
    assert "employment is confirmed" in response.text
    assert not Certification.objects.exists()


def test_certificate_list_filters_exports_and_revokes(client, cert_staff):
    first = certification_issue(application=ready_application(), actor=cert_staff)
    second = certification_issue(
        application=ready_application(track="cm1", highest_education="high_school"),
        actor=cert_staff,
    )
    client.force_login(cert_staff)
    cm1_only = client.get("/admin/certification/certificates/?level=CM+I")
    assert second.number in cm1_only.text and first.number not in cm1_only.text
    export = client.get("/admin/certification/certificates/?export=csv")
    assert first.number in export.text and second.number in export.text

    url = f"/admin/certification/certificates/{first.pk}/"
    empty = client.post(url, {"action": "revoke", "reason": ""})
    assert empty.status_code == 400 and "This field is required" in empty.text
    first.refresh_from_db()
    assert first.revoked_on is None
    client.post(url, {"action": "revoke", "reason": "Falsified transcript."})
    first.refresh_from_db()
    assert first.revocation_reason == "Falsified transcript."
    assert "Falsified transcript." in client.get(url).text


def test_endorsement_added_from_the_certificate_page(client, cert_staff):
    certification = certification_issue(application=ready_application(), actor=cert_staff)
    client.force_login(cert_staff)
    url = f"/admin/certification/certificates/{certification.pk}/"
    future = client.post(
        url,
        {
            "action": "endorse",
            "kind": "wraparound_facilitator",
            "earned_on": "2999-01-01",
            "evidence": "Wraparound training.",
        },
    )
    assert future.status_code == 400 and "cannot be in the future" in future.text
    client.post(
        url,
        {
            "action": "endorse",
            "kind": "wraparound_facilitator",
            "earned_on": "2026-01-05",
            "evidence": "Wraparound training and credentialing.",
        },
    )
    assert [e.kind for e in certification.endorsements.all()] == ["wraparound_facilitator"]


@pytest.mark.parametrize("role", ["applicant", "trainer", "editor", "agency_user"])
def test_other_roles_are_refused(client, request, role):
    application = ready_application()
    client.force_login(request.getfixturevalue(role))
    for url in (
        "/admin/certification/",
        f"/admin/certification/issue/{application.pk}/",
        "/admin/certification/certificates/",
    ):
        assert client.get(url).status_code in (302, 403), url
    assert client.post(f"/admin/certification/issue/{application.pk}/").status_code in (302, 403)
    assert not Certification.objects.exists()
