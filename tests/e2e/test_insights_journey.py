"""The insight pages in real Chromium: certification staff open each one from the admin menu,
see the pictures with their tables, and axe-core finds nothing at desktop and phone widths;
a trainer is turned away."""

from datetime import date, time, timedelta

import pytest
from playwright.sync_api import expect

from enrollment.models import ClassroomSession, Registration
from lms import clock
from tests.factories.certification import certificate, renewal
from tests.factories.enrollment import PASSWORD, ApplicationFactory, QualifyingAgencyFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PAGES = ["Pipeline", "Renewal season", "Classroom", "Exam", "Agencies"]


def _sign_in(page, user):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()


def _some_data():
    today = clock.today()
    agency = QualifyingAgencyFactory(name="Red Rock Behavioral Health")
    ApplicationFactory(track="cm2", status="submitted", expires_on=today + timedelta(days=9))
    ApplicationFactory(track="cm1", status="approved", agency=agency)
    due = date(today.year, 6, 30)
    renewal(
        certificate(valid_through=due, name="Dana Whitehorse", agency=agency),
        today.year,
        "submitted",
        submitted=date(today.year, 2, 3),
    )
    certificate(valid_through=due, name="Lee Park")
    session = ClassroomSession.objects.create(
        day=1,
        date=today + timedelta(days=3),
        start_time=time(9),
        end_time=time(16),
        venue="Norman",
        address="1 Main St",
        capacity=12,
    )
    Registration.objects.create(
        application=ApplicationFactory(status="training_approved"), session=session, day=1
    )


def test_staff_read_every_insight_page_and_axe_finds_nothing(page, a11y, cert_staff, trainer):
    _some_data()
    _sign_in(page, cert_staff)
    page.goto("/admin/")
    page.get_by_role("link", name="Insights").first.click()
    expect(page.get_by_role("heading", name="Insights").first).to_be_visible()
    a11y.check(page, "insights-index", scope="main")
    for title in PAGES:
        page.get_by_role("link", name=title, exact=True).first.click()
        expect(page.get_by_role("heading", name=title).first).to_be_visible()
        expect(page.locator("main svg.insight-chart").first).to_be_visible()
        expect(page.locator("main table").first).to_be_visible()
        a11y.check(page, f"insights-{title}", scope="main")
    # The exam period refuses a backwards range at the field, and the page stays clean.
    page.get_by_role("link", name="Exam", exact=True).first.click()
    page.locator("#id_start").fill("2026-05-10")
    page.locator("#id_end").fill("2026-05-01")
    page.get_by_role("button", name="Show this period").click()
    expect(page.get_by_text("The end of the period must be on or after its start.")).to_be_visible()
    a11y.check(page, "insights-exam-error", scope="main")
    a11y.assert_clean()

    page.context.clear_cookies()
    _sign_in(page, trainer)
    response = page.goto("/admin/insights/pipeline/")
    assert "Applications by step and track" not in page.content()
    assert response is not None
