"""Employment verification in real Chromium: an applicant who passed the exam sees "waiting for
your employer"; the agency's attester signs in, lands on the agency portal, confirms the
employment; the application becomes ready to certify. axe-core checks the portal pages at
1280 px and 390 px."""

from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from certification.models import AgencyMembership, AgencyRole
from certification.selectors.verification import verification_dashboard_step
from certification.services.verification import verification_request_open
from enrollment.models import Application, ApplicationStatus
from lms.roles import Role
from tests.factories.enrollment import (
    PASSWORD,
    ApplicationFactory,
    QualifyingAgencyFactory,
    UserFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = (1280, 390)


def axe_violations(page) -> list[dict]:
    """Run axe-core (WCAG 2.1 A and AA rules) on the current page; its violations, summarised."""
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `npm ci` in tests/e2e.")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "() => axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']})"
    )
    return [
        {"id": v["id"], "targets": [n["target"] for n in v["nodes"]]} for v in result["violations"]
    ]


def assert_accessible(page, screenshot, label: str) -> None:
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        assert axe_violations(page) == [], f"{label} at {width}px"
        # Reflow: nothing makes the page itself scroll sideways (the table scrolls on its own).
        assert page.evaluate("document.documentElement.scrollWidth") <= width, label
        if screenshot is not None:
            screenshot(f"{label}-{width}")
    page.set_viewport_size({"width": 1280, "height": 900})


def _sign_in(page, email: str, next_url: str) -> None:
    page.goto(f"/accounts/login/?next={next_url}")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()


def test_applicant_waits_then_the_agency_confirms_on_the_portal(
    browser, live_server, page, screenshot
):
    agency = QualifyingAgencyFactory(name="Red Rock Behavioral Health Services")
    attester = UserFactory(email="hr@redrock.example", first_name="Dana", last_name="Reyes")
    attester.groups.add(Group.objects.get(name=Role.AGENCY.value))
    AgencyMembership.objects.create(user=attester, agency=agency, role=AgencyRole.ATTESTER)
    person = UserFactory(email="ana@example.org", first_name="Ana", last_name="Lopez")
    person.groups.add(Group.objects.get(name=Role.APPLICANT.value))
    application = ApplicationFactory(
        user=person, agency=agency, status=ApplicationStatus.EXAM_PASSED
    )
    verification_request_open(application=application)
    step = verification_dashboard_step(application)
    assert step.state == "current" and step.detail.startswith("Waiting for your employer")

    # The applicant sees the request waiting for the employer.
    applicant_context = browser.new_context(base_url=live_server.url)
    applicant_page = applicant_context.new_page()
    _sign_in(applicant_page, person.email, "/employment-verification/")
    expect(applicant_page.get_by_role("heading", level=1)).to_have_text(
        "Verification of employment"
    )
    expect(applicant_page.locator(".voe-state")).to_contain_text("Waiting for your employer")
    expect(applicant_page.get_by_role("button", name=f"Remind {agency.name}")).to_be_visible()
    assert_accessible(applicant_page, None, "applicant-verification")
    applicant_page.goto("/dashboard/")
    current = applicant_page.locator('li[aria-current="step"]')
    expect(current).to_contain_text("Verification of employment")
    expect(current).to_contain_text("Waiting for your employer")

    # The attester signs in and lands on the portal.
    _sign_in(page, attester.email, "/agency/")
    expect(page).to_have_url(f"{live_server.url}/agency/")
    expect(page.get_by_role("heading", level=1)).to_have_text(agency.name)
    expect(page.get_by_role("row", name="Ana Lopez")).to_contain_text("Verification pending")
    assert_accessible(page, screenshot, "portal")

    page.get_by_role("link", name="Verify employment of Ana Lopez").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ana Lopez")
    assert_accessible(page, screenshot, "verification")
    page.get_by_role("button", name="Confirm employment").click()  # empty: errors at the fields
    expect(page.locator(".field-invalid")).to_have_count(5)
    assert_accessible(page, screenshot, "verification-errors")
    page.get_by_label("Employed since").fill("2024-03-01")
    page.get_by_label("Position (job title)").fill("Case manager")
    page.get_by_label("Yes").check()
    page.get_by_label("Your full name (typed signature)").fill("Dana Reyes")
    page.get_by_label("I attest that this information is true").check()
    page.get_by_role("button", name="Confirm employment").click()

    expect(page).to_have_url(f"{live_server.url}/agency/")
    expect(page.get_by_text("Employment of Ana Lopez confirmed.")).to_be_visible()
    expect(page.get_by_role("row", name="Ana Lopez")).to_contain_text("Since Mar 1, 2024")
    assert_accessible(page, screenshot, "portal-after")
    for path in ("/agency/roster/", "/agency/alerts/"):
        page.goto(path)
        assert_accessible(page, screenshot, path.strip("/").replace("/", "-"))

    application.refresh_from_db()
    assert application.status == ApplicationStatus.EMPLOYMENT_VERIFIED
    assert verification_dashboard_step(application).state == "done"
    applicant_page.goto("/employment-verification/")
    expect(applicant_page.locator(".voe-state")).to_contain_text(
        f"{agency.name} confirmed your employment"
    )
    # The dashboard moves on to step 9: staff issue the certificate.
    applicant_page.goto("/dashboard/")
    current = applicant_page.locator('li[aria-current="step"]')
    expect(current).to_contain_text("Certification")
    expect(current).to_contain_text("certification staff will issue your certificate")
    applicant_context.close()

    # The check can fail: axe does see a violation when there is one.
    page.set_content("<html lang='en'><body><main><img src='x.png'></main></body></html>")
    assert "image-alt" in [v["id"] for v in axe_violations(page)]
    assert Application.objects.get(pk=application.pk).verification_requests.count() == 1
