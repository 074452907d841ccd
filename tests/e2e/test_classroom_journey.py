"""Classroom journeys in real Chromium: a trainer marks attendance and prints the sign-in sheet;
a confirmed ODMHSAS employee books a classroom day without paying."""

import re
from datetime import datetime, time, timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from icalendar import Calendar
from playwright.sync_api import expect

from enrollment.models import Registration
from enrollment.services.booking import registration_book
from lms import clock
from lms.roles import Role
from payments.models import Payment
from tests.factories.enrollment import PASSWORD, UserFactory, confirm_employee, make_session, ready
from tests.readers import pdf_text

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in(page, user, *, lands_on="Your dashboard"):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name=lands_on)).to_be_visible()


def test_a_trainer_marks_attendance_and_prints_the_sign_in_sheet(page, screenshot):
    # An earlier transactional test may have flushed the groups the migrations created; the
    # Trainer role holds no permissions, so its group is all it needs.
    trainer = UserFactory(first_name="Tess", last_name="Teacher")
    trainer.groups.add(Group.objects.get_or_create(name=Role.TRAINER.value)[0])
    session = make_session(on=clock.today(), venue="Norman Center")
    session.trainers.add(trainer)
    week_before = datetime.combine(
        clock.today() - timedelta(days=7), time(9), tzinfo=clock.LOCAL_TZ
    )
    ana = ready(legal_first_name="Ana", legal_last_name="Alvarez")
    ben = ready(legal_first_name="Ben", legal_last_name="Brooks")
    for application in (ana, ben):
        registration_book(application=application, session=session, user=None, now=week_before)
    other = make_session(on=clock.today(), venue="Someone Else's Center")

    sign_in(page, trainer, lands_on="Your classroom sessions")  # a trainer lands on their sessions
    expect(page.get_by_text("Someone Else's Center")).to_have_count(0)
    assert page.goto(f"/classroom/trainer/sessions/{other.pk}/").status == 404
    page.goto("/classroom/trainer/")
    page.get_by_role("link", name=re.compile(r"^Day 1, ")).click()

    expect(page.get_by_role("heading", name=re.compile(r"^Roster: Day 1"))).to_be_visible()
    expect(page.get_by_text("On-site registration is not accepted")).to_be_visible()
    page.get_by_label("Attendance of Alvarez, Ana").select_option("present")
    page.get_by_label("Attendance of Brooks, Ben").select_option("late")
    page.get_by_label("Note about Brooks, Ben").fill("Arrived at 9:40")
    page.get_by_role("button", name="Save attendance").click()
    expect(page.get_by_text("Attendance saved (2 changed).")).to_be_visible()
    expect(page.get_by_label("Attendance of Brooks, Ben")).to_have_value("late")
    screenshot("roster")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Print the sign-in sheet (PDF)").click()
    download = download_info.value
    assert download.suggested_filename == f"sign-in-day-1-{session.date}.pdf"
    sheet = " ".join(pdf_text(Path(download.path())).split())
    assert "Alvarez, Ana" in sheet and "Brooks, Ben" in sheet
    assert "On-site registration is not accepted" in sheet  # no walk-ins

    marks = dict(
        Registration.objects.filter(session=session).values_list("application", "attendance")
    )
    assert marks == {ana.pk: "present", ben.pk: "late"}


def test_an_odmhsas_employee_books_a_day_without_paying(page, screenshot):
    employee = ready(paid=(), odmhsas_employee=True, legal_first_name="Emma")
    confirm_employee(employee)
    session = make_session(day=1, on=clock.today() + timedelta(days=12), venue="Tulsa Center")

    sign_in(page, employee.user)
    page.goto("/classroom/")
    expect(page.get_by_role("heading", name="Book your classroom days")).to_be_visible()
    day_one = page.locator("#day-1")
    expect(day_one.get_by_text("Exempt (ODMHSAS employee)")).to_be_visible()
    day_one.get_by_role("button", name=re.compile(r"^Book Day 1 on ")).click()

    expect(page.get_by_text(re.compile(r"^Booked: Day 1 on "))).to_be_visible()
    expect(page.locator("#day-1").get_by_text("Booked:", exact=True)).to_be_visible()
    screenshot("booked")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Add to your calendar (.ics)").click()
    event = Calendar.from_ical(Path(download_info.value.path()).read_bytes()).walk("VEVENT")[0]

    registration = Registration.objects.get(application=employee)
    assert (registration.session, registration.fee_exempt, registration.fee_item) == (
        session,
        True,
        None,
    )
    assert str(event["UID"]) == registration.calendar_uid
    assert not Payment.objects.filter(application=employee).exists()
    (confirmation,) = [m for m in mail.outbox if m.subject.startswith("You are booked")]
    assert confirmation.to == [employee.user.email]
