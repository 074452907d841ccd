"""The renewal pages for every role (holder, another holder → 404, staff, agency, anonymous),
the section form refusing at the field, the live shortfall endpoint, the staff queue (filters,
CSV, return with one correction) and the Renewal Summary Form read back with pdftotext."""

import shutil
import subprocess
from datetime import date

import pytest
from django.urls import reverse

from certification.models import AuditSeed, Renewal, RenewalStatus
from certification.services import renewals as services
from lms import clock
from tests.factories.certification import YEAR, certified, ceu, pay_and_submit, ready_renewal

pytestmark = pytest.mark.django_db
TODAY = date(2027, 3, 2)


@pytest.fixture(autouse=True)
def _fake(settings):
    settings.PAYMENT_PROVIDER = "fake"
    AuditSeed.objects.create(year=YEAR, seed="all", rate="1")  # every renewal drawn


@pytest.fixture
def renewal(cert):
    with clock.frozen_at(TODAY):
        return services.renewal_start(certification=cert, user=cert.holder)


def _holder_urls(renewal):
    pk = renewal.pk
    return [
        reverse("certification:renewal-detail", args=[pk]),
        reverse("certification:renewal-section", args=[pk, "personal"]),
        reverse("certification:renewal-ceus", args=[pk]),
        reverse("certification:renewal-sign", args=[pk]),
    ]


def test_holder_sees_every_step(client, renewal):
    client.force_login(renewal.certification.holder)
    with clock.frozen_at(TODAY):
        for url in _holder_urls(renewal):
            assert client.get(url).status_code == 200, url
        home = client.get(reverse("certification:renewal-home"))
    assert home.status_code == 302 and home["Location"].endswith(f"/renewal/{renewal.pk}/")


@pytest.mark.parametrize("who", ["other_holder", "cert_staff", "agency_user"])
def test_anyone_else_gets_404(client, renewal, who, request, cert_staff):
    user = certified(cert_staff).holder if who == "other_holder" else request.getfixturevalue(who)
    client.force_login(user)
    with clock.frozen_at(TODAY):
        for url in _holder_urls(renewal):
            assert client.get(url).status_code == 404, url
        shortfall = client.post(reverse("certification:renewal-shortfall", args=[renewal.pk]))
    assert shortfall.status_code == 404


def test_anonymous_is_sent_to_sign_in(client, renewal):
    for url in _holder_urls(renewal):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_start_page_before_jan_1_says_when_it_opens(client, cert):
    client.force_login(cert.holder)
    with clock.frozen_at(date(2026, 12, 31)):
        page = client.get(reverse("certification:renewal-home"))
        notice = client.get(reverse("certification:certificate-detail"))
    assert "open on January 1, 2027" in page.text
    assert "renewal is open" not in notice.text


def test_certificate_page_and_dashboard_show_the_renewal(client, cert):
    client.force_login(cert.holder)
    with clock.frozen_at(TODAY):
        page = client.get(reverse("certification:certificate-detail"))
        dashboard = client.get(reverse("enrollment:dashboard"))
    assert "Your 2027 renewal is open" in page.text
    assert "Your 2027 renewal is open" in dashboard.text


def test_section_form_refuses_a_blank_required_field_at_the_field(client, renewal):
    client.force_login(renewal.certification.holder)
    url = reverse("certification:renewal-section", args=[renewal.pk, "personal"])
    with clock.frozen_at(TODAY):
        response = client.post(url, {"legal_first_name": "", "legal_last_name": "Whitehorse"})
    assert response.status_code == 400
    assert "Required to renew." in response.text
    renewal.refresh_from_db()
    assert "personal" not in renewal.sections_reviewed


def test_shortfall_endpoint_counts_the_ceu_being_typed(client, renewal):
    client.force_login(renewal.certification.holder)
    with clock.frozen_at(TODAY):
        ceu(renewal, "ethics", "3")
        url = reverse("certification:renewal-shortfall", args=[renewal.pk])
        before = client.post(url, {}).json()
        typed = client.post(
            url,
            {
                "category": "strengths_based",
                "hours": "3",
                "completed_on": "2026-10-01",
                "unit": "ceu_hours",
                "provider_type": "other",
            },
        ).json()
    assert "Strengths-Based practice: 3 hours" in before["html"]
    assert "Strengths-Based practice" not in typed["html"].split("Counted")[0]
    assert "In all: 6 hours" in typed["html"]


def test_ceu_add_without_js_updates_the_panel(client, renewal):
    client.force_login(renewal.certification.holder)
    url = reverse("certification:renewal-ceus", args=[renewal.pk])
    with clock.frozen_at(TODAY):
        response = client.post(
            url,
            {
                "category": "ethics",
                "title": "Ethics in CM",
                "provider": "ODMHSAS",
                "provider_type": "other",
                "unit": "ceu_hours",
                "hours": "3",
                "completed_on": "2026-08-01",
            },
            follow=True,
        )
        bad = client.post(url, {"category": "ethics", "title": "", "hours": "x"})
    assert "Ethics in CM" in response.text and "In all: 9 hours" in response.text
    assert bad.status_code == 400 and renewal.ceus.count() == 1


def _pdftotext(data: bytes, tmp_path) -> str:
    path = tmp_path / "summary.pdf"
    path.write_bytes(data)
    tool = shutil.which("pdftotext")
    return subprocess.run(
        [tool, "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_summary_pdf_reads_back(client, cert, tmp_path):
    renewal = ready_renewal(cert)
    renewal, _ = pay_and_submit(renewal)
    client.force_login(cert.holder)
    response = client.get(reverse("certification:renewal-summary-pdf", args=[renewal.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(_pdftotext(response.content, tmp_path).split())
    for expected in [
        "Renewal Summary Form",
        cert.number,
        "You have been randomly selected to send in the documentation of all listed CEUs",
        "ethics course",
        "Dana Whitehorse",
        "I attested",
        "$15.00",
    ]:
        assert expected in text, expected


def test_summary_pdf_is_404_before_submission(client, renewal):
    client.force_login(renewal.certification.holder)
    assert (
        client.get(reverse("certification:renewal-summary-pdf", args=[renewal.pk])).status_code
        == 404
    )


@pytest.fixture
def submitted(cert):
    renewal = ready_renewal(cert)
    renewal, _ = pay_and_submit(renewal)
    return renewal


def test_staff_queue_filters_and_exports(client, cert_staff, submitted):
    client.force_login(cert_staff)
    listing = client.get("/admin/certification/renewals/?status=submitted&drawn=yes")
    assert submitted.certification.number in listing.text
    none = client.get("/admin/certification/renewals/?drawn=no")
    assert submitted.certification.number not in none.text
    export = client.get("/admin/certification/renewals/?export=csv")
    assert export["Content-Type"].startswith("text/csv")
    assert submitted.certification.number in export.content.decode()
    detail = client.get(f"/admin/certification/renewals/{submitted.pk}/")
    assert detail.status_code == 200 and "certificate or transcript is missing" in detail.text


def test_staff_return_with_one_correction(client, cert_staff, submitted):
    client.force_login(cert_staff)
    ceu_row = submitted.ceus.first()
    with clock.frozen_at(date(2027, 3, 5)):
        response = client.post(
            f"/admin/certification/renewals/{submitted.pk}/",
            {
                "action": "return",
                "target": "ceu",
                "ceu": ceu_row.pk,
                "message": "Add the provider's full name.",
            },
        )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == RenewalStatus.RETURNED
    assert submitted.corrections.get().ceu == ceu_row


def test_staff_approve_is_refused_with_reasons(client, cert_staff, submitted):
    client.force_login(cert_staff)
    with clock.frozen_at(date(2027, 3, 5)):
        response = client.post(
            f"/admin/certification/renewals/{submitted.pk}/", {"action": "approve"}
        )
    assert response.status_code == 400 and "missing" in response.text
    assert Renewal.objects.get(pk=submitted.pk).status == RenewalStatus.SUBMITTED


@pytest.mark.parametrize("who", ["applicant", "agency_user"])
def test_the_queue_is_staff_only(client, who, request, submitted):
    client.force_login(request.getfixturevalue(who))
    for url in ["/admin/certification/renewals/", f"/admin/certification/renewals/{submitted.pk}/"]:
        assert client.get(url).status_code in (302, 403), url
