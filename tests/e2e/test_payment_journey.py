"""Pay the classroom day fees, in real Chromium, through the local Stripe stand-in, then book.

The applicant (CM II, training approved) opens the fees page, pays on the stand-in's hosted
"Test checkout" page, comes back to "waiting for confirmation", sees "Paid" once the stand-in's
signed webhook has reached the live server, and opens the receipt. A small relay delays each
webhook by two seconds, as real Stripe often does, so the waiting state is always seen.

With the three days paid, the applicant books one session of each of days 2, 3 and 4 on "Book
your classroom days", gets a confirmation email with a calendar file for each, downloads a
calendar file from the page, and prints the receipt (and fetches its PDF).
"""

import re
from datetime import time as clock_time
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.urls import reverse
from django.utils.formats import date_format
from icalendar import Calendar
from playwright.sync_api import expect

from enrollment.models import ClassroomSession, Registration, RegistrationStatus
from lms import clock
from payments.models import Payment, PaymentLineItem, PaymentStatus
from tests.factories.enrollment import PASSWORD, ApplicationFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
DAYS = (2, 3, 4)


def _sessions_for_days_2_to_4() -> dict[int, ClassroomSession]:
    """One scheduled session of each of days 2, 3 and 4 in the coming weeks, each at its own
    place, so the confirmations and calendar files can be told apart."""
    places = {
        2: ("Norman Training Center", "1201 W Main St, Norman, OK"),
        3: ("Tulsa Training Center", "9 E 4th St, Tulsa, OK"),
        4: ("ODMHSAS Training Center", "2000 N Classen Blvd, Oklahoma City, OK"),
    }
    return {
        day: ClassroomSession.objects.create(
            day=day,
            date=clock.today() + timedelta(days=10 + day),
            start_time=clock_time(9),
            end_time=clock_time(16),
            venue=venue,
            address=address,
            room=f"Room {day}10",
            capacity=12,
        )
        for day, (venue, address) in places.items()
    }


def _long_date(session: ClassroomSession) -> str:
    return date_format(session.date, "l, F j, Y")


def _location(session: ClassroomSession) -> str:
    return f"{session.venue}, {session.address}, {session.room}"


def _pay_the_day_fees(page, screenshot, standin, application) -> Payment:
    """Fees page → stand-in checkout → return page ("waiting", then "Paid") → receipt."""
    page.goto("/payments/fees/")
    page.get_by_label("Email").fill(application.user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()

    expect(page.get_by_role("heading", name="Fees", exact=True)).to_be_visible()
    fees = page.get_by_role("table", name="Fees for your track")
    for day in DAYS:
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
    expect(page).to_have_url(re.compile(rf"/payments/{payment.pk}/return/\?checkout=done$"))
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
    for day in DAYS:
        expect(items).to_contain_text(f"Classroom training fee, Day {day}")
    expect(items.get_by_role("row", name=re.compile("Total paid"))).to_contain_text("$75.00")
    screenshot("receipt")
    return payment


def _book_one_session_of_each_day(page, screenshot, sessions) -> None:
    """On "Book your classroom days": days 2–4 are paid and offer their session; book each."""
    page.goto(reverse("classroom:registration-list"))
    expect(page.get_by_role("heading", name="Book your classroom days")).to_be_visible()
    expect(page.locator("#day-1")).to_have_count(0)
    for day, session in sessions.items():
        section = page.get_by_role("region", name=f"Day {day}", exact=True)
        expect(section.locator(".fee")).to_have_text("Paid")
        row = section.get_by_role("row", name=re.compile(date_format(session.date, "D, M j, Y")))
        expect(row).to_contain_text(session.venue)
        expect(row).to_contain_text(session.address)
        expect(row).to_contain_text("9:00 AM–4:00 PM")
        expect(row.get_by_role("cell").nth(3)).to_have_text(str(session.capacity))
    screenshot("booking-page")

    for day, session in sessions.items():
        label = f"Book Day {day} on {date_format(session.date, 'F j')}"
        page.get_by_role("button", name=label).click()
        expect(page.get_by_role("status")).to_contain_text(
            f"Booked: Day {day} on {_long_date(session)}. "
            "A confirmation with a calendar file is on its way."
        )

    expect(page.get_by_text("Booked:", exact=True)).to_have_count(3)
    for day, session in sessions.items():
        section = page.get_by_role("region", name=f"Day {day}", exact=True)
        expect(section.locator(".fee")).to_have_text("Paid")
        booked = section.locator("p").filter(has_text=re.compile(r"^Booked:"))
        expect(booked).to_contain_text(_long_date(session))
        expect(booked).to_contain_text(_location(session))
        expect(section.get_by_role("link", name="Add to your calendar (.ics)")).to_be_visible()
        expect(section.get_by_role("button", name="Cancel this booking")).to_be_visible()
        expect(section.get_by_role("button", name=re.compile("^Book "))).to_have_count(0)
    screenshot("booked")


def _check_the_confirmation_emails(email: str, sessions, registrations) -> None:
    """One confirmation per booking, to the applicant, each with its calendar invitation."""
    confirmations = [m for m in mail.outbox if m.subject.startswith("You are booked")]
    assert len(confirmations) == 3, [m.subject for m in mail.outbox]
    by_day = {}
    for message in confirmations:
        day = int(re.search(r"classroom Day (\d)", message.subject)[1])
        by_day[day] = message
    assert sorted(by_day) == list(DAYS)
    for day, message in by_day.items():
        session = sessions[day]
        assert message.to == [email]
        assert message.subject == (
            f"You are booked: classroom Day {day} on {date_format(session.date, 'F j, Y')}"
        )
        assert _location(session) in message.body
        files = [a for a in message.attachments if a[0].endswith(".ics")]
        assert len(files) == 1, message.attachments
        filename, content, mimetype = files[0]
        assert filename == f"classroom-day-{day}-{session.date:%Y-%m-%d}.ics"
        assert mimetype == "text/calendar"
        calendar = Calendar.from_ical(content)
        assert str(calendar["METHOD"]) == "REQUEST"
        (event,) = calendar.walk("VEVENT")
        start = event["DTSTART"].dt
        assert start.date() == session.date
        assert (start.hour, start.minute) == (9, 0)
        assert str(event["LOCATION"]) == _location(session)
        assert str(event["UID"]) == registrations[day].calendar_uid


def _download_a_calendar_file(page, session, registration) -> None:
    section = page.get_by_role("region", name=f"Day {session.day}", exact=True)
    with page.expect_download() as download_info:
        section.get_by_role("link", name="Add to your calendar (.ics)").click()
    download = download_info.value
    assert download.suggested_filename == f"classroom-day-{session.day}-{session.date}.ics"
    (event,) = Calendar.from_ical(Path(download.path()).read_bytes()).walk("VEVENT")
    assert str(event["UID"]) == registration.calendar_uid
    assert event["DTSTART"].dt.date() == session.date
    assert str(event["LOCATION"]) == _location(session)


def _print_the_receipt(page, screenshot, payment) -> None:
    """Fees page (nothing left to pay) → the payment's receipt → Print, and its PDF."""
    page.goto("/payments/fees/")
    expect(page.get_by_role("table", name="Fees for your track")).not_to_contain_text("Unpaid")
    expect(page.get_by_text("Nothing to pay: every fee is paid or waived.")).to_be_visible()
    page.get_by_role("link", name=f"Receipt for payment #{payment.pk}").click()

    expect(page.get_by_role("heading", name="Receipt", exact=True)).to_be_visible()
    expect(page.get_by_role("table", name="Items")).to_contain_text("$75.00")
    # The Print button opens the browser's print dialog; count the calls instead of opening it.
    page.evaluate("() => { window.printed = 0; window.print = () => { window.printed += 1; }; }")
    page.get_by_role("button", name="Print").click()
    assert page.evaluate("() => window.printed") == 1
    screenshot("receipt-printed")

    pdf_url = reverse("payments:receipt-pdf", args=[payment.pk])
    expect(page.get_by_role("link", name="Download PDF")).to_have_attribute("href", pdf_url)
    response = page.request.get(pdf_url)
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")


def test_pay_classroom_day_fees_book_the_days_and_print_the_receipt(page, screenshot, standin):
    application = ApplicationFactory(
        track="cm2",
        status="training_approved",
        legal_first_name="Grace",
        legal_last_name="Hopper",
    )
    sessions = _sessions_for_days_2_to_4()

    payment = _pay_the_day_fees(page, screenshot, standin, application)
    _book_one_session_of_each_day(page, screenshot, sessions)

    registrations = {
        r.day: r
        for r in Registration.objects.filter(application=application).select_related(
            "session", "fee_item__payment"
        )
    }
    assert sorted(registrations) == list(DAYS)
    for day, registration in registrations.items():
        assert registration.status == RegistrationStatus.CONFIRMED
        assert registration.session == sessions[day]
        assert not registration.fee_exempt
        item = registration.fee_item
        assert (item.kind, item.day, item.amount_cents) == (PaymentLineItem.Kind.DAY_FEE, day, 2500)
        assert item.payment == payment
        assert item.payment.status == PaymentStatus.PAID

    _check_the_confirmation_emails(application.user.email, sessions, registrations)
    _download_a_calendar_file(page, sessions[3], registrations[3])
    _print_the_receipt(page, screenshot, payment)
