"""Pay the classroom day fees, in real Chromium, through the local Stripe stand-in.

The applicant (CM II, training approved) opens the fees page, pays on the stand-in's hosted
"Test checkout" page, comes back to "waiting for confirmation", sees "Paid" once the stand-in's
signed webhook has reached the live server, and opens the receipt. A small relay delays each
webhook by two seconds, as real Stripe often does, so the waiting state is always seen.
"""

import re
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from payments.models import Payment, PaymentStatus
from tests.factories import PASSWORD, ApplicationFactory
from tests.payments.conftest import standin_running

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
WEBHOOK_DELAY = 2.0


def _relay(target: str, delay: float) -> ThreadingHTTPServer:
    """An HTTP server on a free loopback port that forwards each POST to `target` after
    `delay` seconds, headers (the Stripe signature) and body untouched."""

    class Relay(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            time.sleep(delay)
            headers = {
                "Content-Type": self.headers.get("Content-Type", "application/json"),
                "Stripe-Signature": self.headers.get("Stripe-Signature", ""),
            }
            request = urllib.request.Request(target, data=body, headers=headers, method="POST")
            try:
                with urllib.request.urlopen(request, timeout=10) as response:
                    status = response.status
            except urllib.error.HTTPError as error:
                status = error.code
            self.send_response(status)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Relay)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture
def standin(live_server, settings, tmp_path):
    relay = _relay(live_server.url + reverse("payments:stripe-webhook"), WEBHOOK_DELAY)
    host, port = relay.server_address[:2]
    try:
        with standin_running(f"http://{host}:{port}/", tmp_path) as base:
            settings.STRIPE_API_BASE = base
            settings.PAYMENT_PROVIDER = "stripe"
            yield base
    finally:
        relay.shutdown()
        relay.server_close()


def test_pay_classroom_day_fees_and_print_the_receipt(page, screenshot, standin):
    application = ApplicationFactory(
        track="cm2",
        status="training_approved",
        legal_first_name="Grace",
        legal_last_name="Hopper",
    )

    page.goto("/payments/fees/")
    page.get_by_label("Email").fill(application.user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()

    expect(page.get_by_role("heading", name="Fees", exact=True)).to_be_visible()
    fees = page.get_by_role("table", name="Fees for your track")
    for day in (2, 3, 4):
        row = fees.get_by_role("row", name=re.compile(f"Classroom training fee, Day {day}"))
        expect(row).to_contain_text("$25.00")
        expect(row).to_contain_text("Unpaid")
    expect(fees.get_by_role("row", name=re.compile("Day 1"))).to_have_count(0)
    expect(fees.get_by_role("row", name=re.compile("Total to pay now"))).to_contain_text("$75.00")
    screenshot("fees")

    page.get_by_role("button", name="Pay $75.00 online").click()

    expect(page).to_have_title("Test checkout")
    assert page.url.startswith(f"{standin}/_config/checkout/cs_test_")
    expect(page.get_by_role("table", name="Order")).to_contain_text("$75.00")
    screenshot("checkout")
    page.get_by_role("button", name="Pay $75.00", exact=True).click()

    payment = Payment.objects.get(application=application)
    expect(page).to_have_url(re.compile(rf"/payments/{payment.pk}/return/$"))
    expect(page.get_by_role("heading", name="Waiting for confirmation")).to_be_visible()
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.PENDING
    screenshot("waiting")

    expect(page.get_by_role("heading", name="Paid", exact=True)).to_be_visible(timeout=15_000)
    expect(page.get_by_role("heading", name="Waiting for confirmation")).to_have_count(0)
    screenshot("paid")
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID

    page.get_by_role("link", name="View your receipt").click()

    expect(page.get_by_role("heading", name="Receipt", exact=True)).to_be_visible()
    main = page.get_by_role("main")
    expect(main).to_contain_text("Grace Hopper")
    expect(main).to_contain_text(f"#{application.pk} (CM II New Applicant)")
    expect(main).to_contain_text(payment.payment_intent_id)
    items = page.get_by_role("table", name="Items")
    for day in (2, 3, 4):
        expect(items).to_contain_text(f"Classroom training fee, Day {day}")
    expect(items.get_by_role("row", name=re.compile("Total paid"))).to_contain_text("$75.00")
    expect(page.get_by_role("button", name="Print")).to_be_visible()
    screenshot("receipt")

    page.goto("/payments/fees/")
    expect(page.get_by_role("table", name="Fees for your track")).not_to_contain_text("Unpaid")
    expect(page.get_by_text("Nothing to pay: every fee is paid or waived.")).to_be_visible()
