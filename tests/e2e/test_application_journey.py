"""From sign-up to an approved application, in real Chromium: the applicant and a staff member
take turns, each in their own browser context."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from enrollment.models import Application
from tests.factories.enrollment import PASSWORD, QualifyingAgencyFactory
from tests.samples import pdf_bytes

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

APPLICANT_PASSWORD = "journey-passphrase-7313"
TRANSCRIPT = pdf_bytes()


def _sign_up_and_verify(page, email):
    page.goto("/accounts/signup/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password:", exact=True).fill(APPLICANT_PASSWORD)
    page.get_by_label("Password (again)").fill(APPLICANT_PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+", mail.outbox[-1].body).group(0)
    page.goto(link)
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="Your dashboard")).to_be_visible()


def _fill_application(page):
    fields = {
        "#id_legal_first_name": "Jordan",
        "#id_legal_last_name": "Whitehorse",
        "#id_date_of_birth": "1990-04-12",
        "#id_phone": "405-555-0123",
        "#id_address_line1": "4345 N Lincoln Blvd",
        "#id_city": "Oklahoma City",
        "#id_postal_code": "73105",
        "#id_county": "Oklahoma",
        "#id_institution": "University of Central Oklahoma",
        "#id_job_title": "Case manager",
        "#id_employment_start_date": "2025-09-02",
    }
    for selector, value in fields.items():
        page.locator(selector).fill(value)
    page.locator("#id_state").select_option("OK")
    page.locator("#id_highest_education").select_option("bachelor")
    page.locator("#id_degree").select_option(label="Psychology")
    page.locator("#id_agency").select_option(index=1)
    page.locator("#id_transcript").set_input_files(
        {"name": "transcript.pdf", "mimeType": "application/pdf", "buffer": TRANSCRIPT}
    )


def _staff_page(browser, live_server, staff):
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(staff.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    return page


def test_apply_return_correct_resubmit_approve(page, browser, live_server, cert_staff, screenshot):
    QualifyingAgencyFactory(name="Red Rock Behavioral Health Services")

    # 1. Sign up, run the self-check, fill all four sections, upload a transcript, submit.
    _sign_up_and_verify(page, "jordan@example.org")
    page.goto("/apply/")
    page.get_by_label("Bachelor's degree", exact=True).check()
    page.get_by_label("My degree is in a behavioral-health field").check()
    page.get_by_role("button", name="Show my track").click()
    expect(page.get_by_role("heading", name="Your track: CM II New Applicant")).to_be_visible()
    page.get_by_role("button", name="Start my application as CM II New Applicant").click()
    _fill_application(page)
    page.get_by_role("button", name="Submit application").click()
    expect(page.get_by_text("Your application is submitted")).to_be_visible()
    application = Application.objects.get(user__email="jordan@example.org")
    assert application.status == "submitted" and application.track == "cm2"
    assert application.uploads.count() == 1

    # 2. Staff return it with a correction.
    staff = _staff_page(browser, live_server, cert_staff)
    staff.goto(f"/admin/applications/inspect/{application.pk}/")
    expect(staff.get_by_text("Whitehorse").first).to_be_visible()
    staff.locator("form[action*='/return/'] [name='phone']").fill(
        "This number does not answer; give a number where we can reach you."
    )
    staff.get_by_role("button", name=f"Return application #{application.pk}").click()
    expect(staff.get_by_text("Returned for correction").first).to_be_visible()

    # 3. The applicant sees the reason at the field, fixes it and resubmits.
    page.goto(f"/application/{application.pk}/")
    expect(page.get_by_text("This number does not answer").first).to_be_visible()
    page.locator("#id_phone").fill("405-555-0188")
    page.get_by_role("button", name="Submit application").click()
    expect(page.get_by_text("Your application is submitted")).to_be_visible()

    # 4. Staff approve it.
    staff.goto(f"/admin/applications/inspect/{application.pk}/")
    staff.get_by_role("button", name=f"Approve application #{application.pk}").click()
    expect(staff.get_by_text("The web-based training opens for the applicant.")).to_be_visible()
    staff.get_by_role("button", name="Yes, confirm").click()
    expect(staff.get_by_text("Approved").first).to_be_visible()

    # 5. The dashboard shows step 4, web-based training, as the current step.
    page.goto("/dashboard/")
    current = page.locator("ol.steps li[aria-current='step']")
    expect(current).to_have_count(1)
    expect(current).to_contain_text("Web-based training")
    screenshot("dashboard-approved")
    application.refresh_from_db()
    assert application.status == "approved"
    assert application.phone == "405-555-0188"
    assert application.submitted_on is not None
