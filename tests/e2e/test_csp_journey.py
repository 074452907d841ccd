"""Under production's Content-Security-Policy, the site's pages and the Wagtail admin still work
in real Chromium: nothing is refused by the policy, and the pages' scripts run."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories.courses import build_training_tree
from tests.factories.enrollment import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def production_csp(settings):
    settings.CONTENT_SECURITY_POLICY = settings.LMS_CONTENT_SECURITY_POLICY
    settings.PERMISSIONS_POLICY = settings.LMS_PERMISSIONS_POLICY


@pytest.fixture
def violations(page):
    """Chromium reports every resource or inline code a policy refuses on the console."""
    seen: list[str] = []
    page.on(
        "console",
        lambda msg: seen.append(f"{page.url}: {msg.text}")
        if "Content Security Policy" in msg.text
        else None,
    )
    page.on("pageerror", lambda error: seen.append(f"{page.url}: {error}"))
    return seen


def _sign_in(page, user, next_url: str) -> None:
    page.goto(f"/accounts/login/?next={next_url}")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()


def test_the_site_works_under_the_policy(page, production_csp, violations, applicant):
    response = page.goto("/classroom/calendar/")
    assert "'nonce-" in response.headers["content-security-policy"]
    _sign_in(page, applicant, "/dashboard/")
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    for path in ("/", "/dashboard/", "/apply/", "/classroom/calendar/", "/payments/fees/"):
        page.goto(path)
        page.wait_for_load_state("networkidle")
    assert violations == []


def test_the_wagtail_admin_works_under_the_policy(page, production_csp, violations, editor):
    tree = build_training_tree()
    _sign_in(page, editor, "/admin/")
    # The sidebar is drawn by the admin's JavaScript.
    expect(page.get_by_role("link", name="Pages")).to_be_visible()
    page.goto(f"/admin/pages/{tree.a1.pk}/edit/")
    page.wait_for_load_state("networkidle")
    # StreamField's editor is built by script: its blocks and "insert" buttons appear.
    expect(page.get_by_role("button", name="Insert a block").first).to_be_visible()
    page.get_by_role("button", name="Insert a block").first.click()
    expect(page.get_by_role("option").first).to_be_visible()
    for path in ("/admin/pages/", "/admin/images/", "/admin/documents/", "/admin/snippets/"):
        page.goto(path)
        page.wait_for_load_state("networkidle")
    assert violations == []


def test_staff_admin_forms_work_under_the_policy(page, production_csp, violations, cert_staff):
    _sign_in(page, cert_staff, "/admin/")
    expect(page.get_by_role("link", name="Pages").or_(page.locator("nav")).first).to_be_visible()
    for path in ("/admin/", "/admin/applications/", "/admin/audit/"):
        page.goto(path)
        page.wait_for_load_state("networkidle")
    assert violations == []
