"""Decline, then pay, in real Chromium against the local Stripe stand-in: the return page must
end on "Paid" by itself (no reload), never saying the payment failed once a retry went through,
and never opening a second checkout (issue 11, item 3)."""

import re

import pytest
from playwright.sync_api import expect

from payments.models import Payment, PaymentStatus
from tests.factories.enrollment import PASSWORD, ApplicationFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_decline_then_a_payment_ends_on_paid_without_a_reload(page, screenshot, standin):  # noqa: F811
    application = ApplicationFactory(
        track="cm2", status="training_approved", legal_first_name="Grace"
    )
    page.goto("/payments/fees/")
    page.get_by_label("Email").fill(application.user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_label(re.compile("Classroom training fee, Day 3")).uncheck()
    page.get_by_label(re.compile("Classroom training fee, Day 4")).uncheck()
    page.get_by_role("button", name="Pay $25.00 online").click()

    expect(page).to_have_title("Test checkout")
    page.get_by_role("button", name="Decline (test)").click()
    expect(page.get_by_role("alert")).to_contain_text("Your card was declined.")
    screenshot("declined")
    page.get_by_role("button", name="Pay $25.00", exact=True).click()

    payment = Payment.objects.get(application=application)
    expect(page).to_have_url(re.compile(rf"/payments/{payment.pk}/return/"))
    page.evaluate("window.__sameDocument = true")  # gone if the page reloads
    expect(page.get_by_role("heading", name="The payment did not go through")).to_have_count(0)
    expect(page.get_by_role("heading", name="Paid", exact=True)).to_be_visible(timeout=20_000)
    assert page.evaluate("window.__sameDocument") is True
    expect(page.get_by_role("link", name="Try again")).to_have_count(0)
    screenshot("paid-after-decline")
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    assert [(i.kind, i.day) for i in payment.items.all()] == [("day_fee", 2)]
    assert Payment.objects.filter(application=application).count() == 1
