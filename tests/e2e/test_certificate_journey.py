"""Certification in real Chromium: staff issue a certificate from the "ready to certify" list,
the holder downloads the PDF from /certificate/, and an anonymous visitor opens the URL the
PDF's QR code holds and reads whether the person may bill T1017 today."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from certification.models import Certification
from tests.factories.certification import ready_application
from tests.factories.enrollment import PASSWORD
from tests.readers import qr_codes

AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"


def axe_violations(page) -> list[str]:
    """axe-core's WCAG 2 A/AA violations on the page (the id and the first offending node)."""
    assert AXE.exists(), "axe-core is missing: npm ci --prefix tests/e2e (make test does it)"
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa']})")
    return [f"{v['id']}: {v['nodes'][0]['html'][:120]}" for v in result["violations"]]


pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _signed_in(browser, live_server, user):
    context = browser.new_context(base_url=live_server.url, accept_downloads=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    return page


def test_staff_issue_holder_downloads_public_reads_may_bill(
    page, browser, live_server, cert_staff, settings, screenshot, tmp_path
):
    settings.WAGTAILADMIN_BASE_URL = live_server.url
    application = ready_application(track="cm2")
    holder = application.user

    # 1. Staff: the ready list, the confirmation step, issue.
    staff = _signed_in(browser, live_server, cert_staff)
    staff.goto("/admin/certification/")
    row = staff.get_by_role("row").filter(has_text="Whitehorse, Dana")
    row.get_by_role("link", name="Issue certificate").click()
    expect(staff.get_by_role("heading", name="Issue the certificate?")).to_be_visible()
    staff.get_by_role("button", name="Yes, issue the certificate").click()
    certification = Certification.objects.get(application=application)
    expect(staff.get_by_text(f"Certificate {certification.number} issued")).to_be_visible()

    # 2. The holder: /certificate/, download the PDF.
    mine = _signed_in(browser, live_server, holder)
    mine.goto("/certificate/")
    expect(mine.get_by_text(certification.number).first).to_be_visible()
    with mine.expect_download() as download_info:
        mine.get_by_role("link", name="Download the certificate (PDF)").click()
    pdf_path = tmp_path / "certificate.pdf"
    download_info.value.save_as(pdf_path)
    assert pdf_path.read_bytes().startswith(b"%PDF")

    # 3. Anyone: the QR code's URL, read in the browser.
    (url,) = qr_codes(pdf_path, tmp_path)
    assert url == f"{live_server.url}/verify/{certification.number}/"
    page.goto(url)
    expect(page.get_by_role("heading", name="May bill T1017 today, modifier HN")).to_be_visible()
    expect(page.get_by_text("Dana Whitehorse")).to_be_visible()
    assert holder.email not in page.content()
    assert axe_violations(page) == []
    screenshot("public-page")
    mine.goto("/certificate/")
    assert axe_violations(mine) == []
    page.goto("/verify/")
    assert axe_violations(page) == []
