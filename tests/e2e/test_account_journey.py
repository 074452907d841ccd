"""Sign up, verify, log in, see the dashboard, log out — in real Chromium."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "journey-passphrase-9431"


def test_sign_up_log_in_dashboard_log_out(page, screenshot):
    page.goto("/")
    expect(page.get_by_role("main")).to_be_visible()
    page.get_by_role("banner").get_by_role("link", name="Create an account").click()

    page.get_by_label("Email").fill("journey@example.org")
    page.get_by_label("Password:", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    expect(page.get_by_role("heading", name="Verify Your Email Address")).to_be_visible()

    link = re.search(r"https?://\S+/accounts/confirm-email/\S+", mail.outbox[-1].body).group(0)
    page.goto(link)
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="Your dashboard")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign in").click()
    page.get_by_label("Email").fill("journey@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name="Your dashboard")).to_be_visible()
    expect(page.get_by_text("journey@example.org", exact=True)).to_be_visible()
    screenshot("dashboard")

    page.get_by_role("button", name="Sign out").click()
    expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign in")
    ).to_be_visible()
    page.goto("/dashboard/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/dashboard/"))
