"""The yearly renewal in real Chromium, paid on the local Stripe stand-in.

A holder renews end to end: each profile section (Education refused at the field until the
degree and institution are given), the CEUs with the live "what's missing" panel changing as
they type, the signature, pay on the stand-in's hosted page, submitted once the signed webhook
arrives, the Renewal Summary Form. The year's draw selects them (rate 1): the red banner asks
for every CEU's document and they upload them. Staff return the renewal with one correction; the
holder fixes that CEU and submits again (no second payment); staff accept the documents and
approve; `/verify/<number>.json` shows the new valid-through.

The journey runs on fixed days, whatever the real date: the project clock (the live server runs
in this process, so `clock.frozen_at` applies to it) is set to a day of the open season and
ticks with real time, and the stand-in runs its own clock by the same offset, so its checkout
expiries and webhook signatures agree with the project's. A second, short journey pays a late
renewal ($40) in August.
"""

import json
import re
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from certification.models import AuditSeed, Renewal, RenewalStatus
from certification.selectors.renewals import late_fee_owed_cents
from certification.services.certificates import certification_issue
from enrollment.rules import renewal_fee
from lms import clock
from payments.models import Payment, PaymentStatus
from tests.factories.certification import confirm_employment, ready_application, ready_renewal
from tests.factories.enrollment import PASSWORD
from tests.samples import pdf_bytes
from tests.servers import standin_running

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


YEAR = 2027
OPEN_SEASON = datetime(YEAR, 3, 2, 9, 0, tzinfo=clock.LOCAL_TZ)
LATE_PHASE = datetime(YEAR, 8, 10, 9, 0, tzinfo=clock.LOCAL_TZ)


@contextmanager
def _standin_from(start, live_server, settings, tmp_path):
    """The stand-in on a clock that reads `start` now and ticks with real time. Yields its base
    URL and `now()`, which sets the project clock to that same moment for a block."""
    offset = start - datetime.now(tz=UTC)
    webhook = live_server.url + reverse("payments:stripe-webhook")
    with standin_running(webhook, tmp_path, clock_offset=offset.total_seconds()) as base:
        settings.STRIPE_API_BASE = base
        settings.PAYMENT_PROVIDER = "stripe"
        yield base, lambda: clock.frozen_at(datetime.now(tz=UTC) + offset)


def _signed_in(browser, live_server, user):
    context = browser.new_context(base_url=live_server.url, accept_downloads=True)
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    return page


def _certified(cert_staff, year):
    with clock.frozen_at(date(year - 1, 3, 10)):
        return certification_issue(application=ready_application(track="cm2"), actor=cert_staff)


def _sections(page):
    for title in ("Personal", "Residence"):
        page.get_by_role("button", name=f"Confirm {title}").click()
        expect(page.get_by_text(f"{title} confirmed.")).to_be_visible()
    # Education: a CM II's degree and institution are required, refused at the field.
    page.get_by_role("button", name="Confirm Education").click()
    expect(page.locator(".field-invalid").first).to_contain_text("Required to renew.")
    page.get_by_label("Degree field, if not on the list").fill("Social Work")
    page.get_by_label("College or university").fill("University of Oklahoma")
    page.get_by_role("button", name="Confirm Education").click()
    expect(page.get_by_text("Education confirmed.")).to_be_visible()
    page.get_by_role("button", name="Confirm Employment").click()
    expect(page.get_by_text("Employment confirmed.")).to_be_visible()


def _add_ceu(page, category, title, hours, on):
    page.get_by_label("Category").select_option(category)
    page.get_by_label("Title").fill(title)
    page.get_by_label("Provider", exact=True).fill("Red Rock Training")
    page.get_by_label("Hours").fill(hours)
    page.get_by_label("Date completed").fill(on.isoformat())


def _ceus(page, year):
    panel = page.locator("#shortfall-panel")
    expect(panel).to_contain_text("In all: 12 hours")
    on = date(year - 1, 9, 15)
    _add_ceu(page, "ethics", "Ethics in case management", "3", on)
    # The live panel counts the CEU being typed, before it is saved.
    expect(panel).to_contain_text("counting the CEU you are typing")
    expect(panel).to_contain_text("In all: 9 hours")
    expect(panel).not_to_contain_text("Ethics: ")
    page.get_by_role("button", name="Save CEU").click()
    expect(page.get_by_text("CEU saved.")).to_be_visible()
    _add_ceu(page, "strengths_based", "Strengths-based practice", "3", on)
    page.get_by_role("button", name="Save CEU").click()
    _add_ceu(page, "general", "Crisis de-escalation", "6", on + timedelta(days=30))
    expect(panel).to_contain_text("CEU requirement met")
    page.get_by_role("button", name="Save CEU").click()
    expect(page.locator("#shortfall-panel")).to_contain_text("CEU requirement met")


def _pay(page, standin, amount):
    page.get_by_role("button", name="Pay and submit").click()
    expect(page).to_have_title("Test checkout")
    assert page.url.startswith(standin)
    page.get_by_role("button", name=f"Pay {amount}", exact=True).click()
    expect(page.get_by_role("heading", name="Paid")).to_be_visible(timeout=30_000)
    page.get_by_role("link", name="Continue").click()


def test_holder_renews_is_drawn_corrected_and_approved(
    browser, live_server, cert_staff, settings, screenshot, tmp_path
):
    settings.WAGTAILADMIN_BASE_URL = live_server.url
    year = YEAR
    AuditSeed.objects.create(year=year, seed="journey", rate="1")  # everyone is drawn
    certification = _certified(cert_staff, year)
    with _standin_from(OPEN_SEASON, live_server, settings, tmp_path) as (standin, now):
        with now():
            fee = renewal_fee(year, clock.today(), odmhsas_employee=False)
            assert fee == 15
            amount = f"${fee:,.2f}"

            # 1. The holder: /certificate/ → the renewal → each section.
            page = _signed_in(browser, live_server, certification.holder)
            page.goto("/certificate/")
            page.get_by_role("link", name=f"Renew for {year}").click()
            page.get_by_role("button", name=f"Start my {year} renewal").click()
            renewal = Renewal.objects.get(certification=certification)
            page.get_by_role("link", name="Personal").first.click()
            _sections(page)

            # 2. CEUs with the live "what's missing" panel.
            expect(page.get_by_role("heading", name=re.compile("^CEUs"))).to_be_visible()
            _ceus(page, year)
            screenshot("ceus")

            # 3. Employment re-verification: the employer's attester confirms.
            page.get_by_role("link", name="Back to your renewal").click()
            page.get_by_role("button", name=re.compile("^Ask .* to confirm my employment")).click()
            expect(page.locator("#verification-status")).to_have_text("Waiting for your employer")
            confirm_employment(renewal)

            # 4. Summary and signature.
            page.get_by_role("link", name="Summary and signature").click()
            page.get_by_label("Your full name").fill("Dana Whitehorse")
            page.get_by_label(re.compile("^I attest")).check()
            page.get_by_role("button", name="Sign the renewal").click()
            expect(page.get_by_text("Signed. Pay and submit to finish.")).to_be_visible()

        with now():
            # 5. Pay and submit on the stand-in; submitted only once the webhook confirms it.
            _pay(page, standin, amount)
            expect(page.locator("#renewal-status")).to_have_text("Submitted: waiting for review")
            payment = Payment.objects.get(reference=f"renewal:{renewal.pk}")
            assert payment.status == PaymentStatus.PAID and payment.amount_cents == int(fee * 100)
            link = page.get_by_role("link", name="Your Renewal Summary Form (PDF)")
            summary = page.request.get(link.get_attribute("href"))
            assert summary.headers["content-type"] == "application/pdf"
            assert f"renewal-summary-{year}" in summary.headers["content-disposition"]

        with now():
            # 6. Drawn: the red banner, one upload per CEU, then "under review".
            expect(page.get_by_role("alert")).to_contain_text("randomly selected")
            document = tmp_path / "certificate.pdf"
            document.write_bytes(pdf_bytes())
            for title in (
                "Ethics in case management",
                "Strengths-based practice",
                "Crisis de-escalation",
            ):
                page.get_by_label(f"Certificate or transcript for “{title}”").set_input_files(
                    document
                )
                page.get_by_label(f"Certificate or transcript for “{title}”").locator(
                    "xpath=following-sibling::button"
                ).click()
                expect(
                    page.get_by_text(f"Document for “{title}” received: under review.")
                ).to_be_visible()
            expect(page.locator(".under-review")).to_have_count(3)
            screenshot("drawn")

            # 7. Staff return it with one correction on a CEU.
            staff = _signed_in(browser, live_server, cert_staff)
            staff.goto(f"/admin/certification/renewals/?year={year}")
            staff.get_by_role("link", name=certification.number).click()
            form = staff.locator("#return-form")
            form.get_by_label("Target").select_option("ceu")
            form.get_by_label("CEU:", exact=True).select_option(label="Crisis de-escalation")
            form.get_by_label("What to fix").fill("Give the provider's full name.")
            form.get_by_role("button", name="Return for correction").click()
            expect(staff.get_by_text("Renewal returned with the correction")).to_be_visible()

            # 8. The holder fixes the CEU and submits again, without paying again.
            page.goto(f"/renewal/{renewal.pk}/")
            expect(page.locator("#corrections-heading")).to_be_visible()
            expect(page.get_by_text("Give the provider's full name.")).to_be_visible()
            page.get_by_role("link", name="Add or change CEUs").click()
            page.get_by_role("row", name=re.compile("Crisis de-escalation")).get_by_role(
                "link", name="Edit"
            ).click()
            page.get_by_label("Provider", exact=True).fill(
                "Red Rock Behavioral Health Training Institute"
            )
            page.get_by_role("button", name="Save CEU").click()
            page.get_by_role("link", name="Back to your renewal").click()
            page.get_by_role("button", name="Submit again").click()
            expect(page.locator("#renewal-status")).to_have_text("Submitted: waiting for review")
            assert Payment.objects.filter(reference=f"renewal:{renewal.pk}").count() == 1

            # 9. Staff accept every document and approve.
            staff.reload()
            for _ in range(3):
                staff.locator("form.doc-review").first.get_by_role("button", name="Accept").click()
                expect(staff.get_by_text("Document reviewed.")).to_be_visible()
            staff.get_by_role("button", name="Approve").click()
            expect(staff.get_by_text("Renewal approved")).to_be_visible()
            assert Renewal.objects.get(pk=renewal.pk).status == RenewalStatus.APPROVED

            # 10. The public JSON shows the new valid-through.
            response = page.request.get(f"/verify/{certification.number}.json")
            assert json.loads(response.text())["valid_through"] == f"{year + 1}-06-30"


def test_a_late_renewal_pays_the_late_fee_and_is_submitted(
    browser, live_server, cert_staff, settings, tmp_path
):
    """August 10: the renewal was ready (through the services), the holder pays $40 on the
    stand-in and it is submitted, dated that day, with no further late fee owed."""
    settings.WAGTAILADMIN_BASE_URL = live_server.url
    AuditSeed.objects.create(year=YEAR, seed="journey", rate="0")  # nobody is drawn
    certification = _certified(cert_staff, YEAR)
    renewal = ready_renewal(certification, on=date(YEAR, 8, 9))
    with _standin_from(LATE_PHASE, live_server, settings, tmp_path) as (standin, now), now():
        page = _signed_in(browser, live_server, certification.holder)
        page.goto(f"/renewal/{renewal.pk}/")
        expect(page.locator("#submit")).to_contain_text("Fee: $40.00")
        _pay(page, standin, "$40.00")
        expect(page.locator("#renewal-status")).to_have_text("Submitted: waiting for review")
    renewal.refresh_from_db()
    assert renewal.status == RenewalStatus.SUBMITTED and renewal.fee_cents == 4000
    assert renewal.first_submitted_on == LATE_PHASE.date()
    assert late_fee_owed_cents(renewal, date(YEAR, 8, 11)) == 0
