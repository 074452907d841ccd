"""The whole first half on the demo data, as `make run` serves it: a new applicant signs up and
applies, staff approve, the training is completed and approved, the applicant pays on the Stripe
stand-in and books the three CM II days, the trainer marks them present, staff lock attendance
once the days are over (the project's clock is moved forward, no session is booked in the past),
and the applicant sits and passes the exam. The dashboard is read after each step, and axe-core
checks every page at 1280 px and 390 px.

Marked `embedded`: `make test` runs it a second time on a fresh SQLite file.
"""

import re
from datetime import datetime, timedelta
from datetime import time as clock_time

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connections
from playwright.sync_api import expect

from enrollment.models import (
    Application,
    ClassroomSession,
    Registration,
    RegistrationStatus,
    SessionStatus,
)
from exams.models import AttemptItem, ExamAttempt
from lms import clock
from lms.models import User
from tests.samples import pdf_bytes

pytestmark = [pytest.mark.e2e, pytest.mark.embedded, pytest.mark.django_db(transaction=True)]

EMAIL = "casey.newcomer@example.org"
PASSWORD = "newcomer-passphrase-5521"
STAFF = ("staff@demo.bhcm.test", "demo-staff-pass")
TRAINER = ("trainer@demo.bhcm.test", "demo-trainer-pass")
DAYS = (2, 3, 4)  # CM II New Applicant
TRANSCRIPT = pdf_bytes()  # a real PDF: uploads must parse as one


@pytest.fixture(autouse=True)
def _settle(page):
    """Leave the page and close this thread's connections before the flush that ends the test."""
    yield
    page.goto("about:blank")
    page.wait_for_timeout(300)
    connections.close_all()


def _sessions() -> dict[int, ClassroomSession]:
    """One upcoming session of each CM II day with the demo trainer: the demo data's own when it
    has them, else created here (get-or-create by day and date)."""
    trainer = User.objects.get(email=TRAINER[0])
    sessions = {}
    for day in DAYS:
        session = (
            ClassroomSession.objects.filter(
                day=day, status=SessionStatus.SCHEDULED, date__gt=clock.today()
            )
            .order_by("date", "start_time")
            .first()
        )
        if session is None:
            session, _ = ClassroomSession.objects.get_or_create(
                day=day,
                date=clock.today() + timedelta(days=14 + day),
                defaults={
                    "start_time": clock_time(9),
                    "end_time": clock_time(16),
                    "venue": "ODMHSAS Training Center",
                    "address": "2000 N Classen Blvd, Oklahoma City, OK",
                    "room": f"Room {day}10",
                    "capacity": 20,
                },
            )
        session.trainers.add(trainer)
        sessions[day] = session
    return sessions


def _sign_in(page, email, password):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("button", name="Sign In")).to_have_count(0)


def _steps(page):
    page.goto("/dashboard/")
    expect(page.get_by_role("heading", name="Your dashboard")).to_be_visible()
    return page.locator("ol.steps > li")


def _current(page):
    """The dashboard's current step, freshly loaded."""
    page.goto("/dashboard/")
    return page.locator("ol.steps > li[aria-current='step']")


def _sign_up_and_apply(page, a11y):
    page.goto("/accounts/signup/")
    a11y.check(page, "sign-up")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password:", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+", mail.outbox[-1].body).group(0)
    page.goto(link)
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="Your dashboard")).to_be_visible()
    a11y.check(page, "dashboard-new")
    expect(_current(page)).to_contain_text("Application")

    page.goto("/apply/")
    a11y.check(page, "self-check")
    page.get_by_label("Bachelor's degree", exact=True).check()
    page.get_by_label("My degree is in a behavioral-health field").check()
    page.get_by_role("button", name="Show my track").click()
    expect(page.get_by_role("heading", name="Your track: CM II New Applicant")).to_be_visible()
    a11y.check(page, "self-check-result")
    page.get_by_role("button", name="Start my application as CM II New Applicant").click()
    expect(page.locator("#id_highest_education")).to_have_value("bachelor")  # prefilled
    a11y.check(page, "application-form")

    # A first try with values that do not make sense: refused at the fields, focus on the summary.
    page.locator("#id_date_of_birth").fill("2030-01-01")
    page.locator("#id_phone").fill("call me")
    page.get_by_role("button", name="Submit application").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(page.locator("#id_phone_error")).to_contain_text("US phone number")
    a11y.check(page, "application-form-errors")

    fields = {
        "#id_legal_first_name": "Casey",
        "#id_legal_last_name": "Newcomer",
        "#id_date_of_birth": "1992-07-21",
        "#id_phone": "405-555-0177",
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
    page.locator("#id_degree").select_option(label="Psychology")
    page.locator("#id_agency").select_option(index=1)
    page.locator("#id_transcript").set_input_files(
        {"name": "transcript.pdf", "mimeType": "application/pdf", "buffer": TRANSCRIPT}
    )
    page.get_by_role("button", name="Submit application").click()
    expect(page.get_by_text("Your application is submitted")).to_be_visible()
    application = Application.objects.get(user__email=EMAIL)
    assert (application.status, application.track) == ("submitted", "cm2")
    expect(_current(page)).to_contain_text("Staff review")
    expect(_steps(page).nth(1)).to_contain_text("Submitted on")
    return application


def _staff_decide(staff, a11y, application, button, *, confirm=True, label=""):
    staff.goto(f"/admin/applications/inspect/{application.pk}/")
    if label:
        a11y.check(staff, label, scope="main")
    staff.get_by_role("button", name=button).click()
    if confirm:
        expect(staff.get_by_role("button", name="Yes, confirm")).to_be_visible()
        if label:
            a11y.check(staff, f"{label}-confirm", scope="main")
        staff.get_by_role("button", name="Yes, confirm").click()


def _complete_the_training(page, a11y, application):
    """Open the first required lesson in the browser, then record every lesson read and its
    checks passed through the courses services (the training journey walks the lessons)."""
    from courses.models import LessonProgress
    from courses.selectors.progress import _required_lessons
    from courses.services import lesson_progress_read

    page.goto("/training/")
    a11y.check(page, "training-index")
    lessons = _required_lessons(application)
    assert lessons, "the demo curriculum has CM II lessons"
    page.goto(lessons[0].url)
    a11y.check(page, "lesson")
    for lesson in lessons:
        now = clock.now()
        LessonProgress.objects.update_or_create(
            application=application,
            lesson=lesson,
            defaults={"opened_at": now, "last_seen_at": now, "checks_passed_at": now},
        )
        lesson_progress_read(application=application, lesson=lesson)
    application.refresh_from_db()
    assert application.status == "training_complete"
    expect(_current(page)).to_contain_text("checking your training")


def _pay(page, a11y):
    page.goto("/payments/fees/")
    a11y.check(page, "fees")
    page.get_by_role("button", name="Pay $75.00 online").click()
    expect(page).to_have_title("Test checkout")
    page.get_by_role("button", name="Pay $75.00", exact=True).click()
    expect(page.get_by_role("heading", name="Paid", exact=True)).to_be_visible(timeout=20_000)
    a11y.check(page, "payment-return")


def _book(page, a11y, sessions):
    page.goto("/classroom/")
    a11y.check(page, "booking-page")
    for day, session in sessions.items():
        when = f"{session.date:%B} {session.date.day}"
        page.get_by_role("button", name=f"Book Day {day} on {when}").click()
        expect(page.get_by_role("status").first).to_contain_text(f"Booked: Day {day}")
    a11y.check(page, "booking-page-booked")
    # Cancelling asks first and says what happens; going back keeps the booking.
    page.locator(f"#day-{DAYS[0]}").get_by_role("button", name="Cancel this booking").click()
    expect(page.get_by_text("This frees your seat for someone else.")).to_be_visible()
    a11y.check(page, "cancel-confirm")
    page.get_by_role("link", name="No, go back").click()
    expect(page.locator(f"#day-{DAYS[0]}")).to_contain_text("Booked:")
    # On a phone, each booking's Cancel button is on screen.
    page.set_viewport_size({"width": 390, "height": 844})
    for day in DAYS:
        button = page.locator(f"#day-{day}").get_by_role("button", name="Cancel this booking")
        button.scroll_into_view_if_needed()
        box = button.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390, (day, box)
    page.set_viewport_size({"width": 1280, "height": 900})


def _mark_and_lock(trainer, staff, a11y, sessions, application):
    for day, session in sessions.items():
        registration = Registration.objects.get(
            application=application, session=session, status=RegistrationStatus.CONFIRMED
        )
        trainer.goto(f"/classroom/trainer/sessions/{session.pk}/")
        if day == DAYS[0]:
            a11y.check(trainer, "trainer-roster")
            trainer.set_viewport_size({"width": 390, "height": 844})
            select = trainer.locator(f"#attendance-{registration.pk}")
            select.scroll_into_view_if_needed()
            box = select.bounding_box()
            assert box and box["x"] + box["width"] <= 390, box
            trainer.set_viewport_size({"width": 1280, "height": 900})
        # The trainer marks everyone on the roster (the demo data books others too): attendance
        # is locked only once every booked person has a mark.
        selects = trainer.locator('select[id^="attendance-"]')
        for index in range(selects.count()):
            selects.nth(index).select_option("present")
        trainer.get_by_role("button", name="Save attendance").click()
        expect(trainer.get_by_role("status").first).to_be_visible()
        registration.refresh_from_db()
        assert registration.attendance == "present"

        staff.goto(f"/admin/classroom-sessions/inspect/{session.pk}/")
        if day == DAYS[0]:
            a11y.check(staff, "session-inspect", scope="main")
        staff.get_by_role("button", name="Lock attendance").click()
        expect(staff.get_by_text("The trainers can no longer change")).to_be_visible()
        if day == DAYS[0]:
            a11y.check(staff, "session-lock-confirm", scope="main")
        staff.get_by_role("button", name="Yes, confirm").click()
        expect(staff.get_by_text("is locked").first).to_be_visible()
        session.refresh_from_db()
        assert session.attendance_locked_at is not None


def _sit_the_exam(page, a11y):
    page.goto("/exam/")
    a11y.check(page, "exam-overview")
    page.get_by_role("button", name="Start the exam").click()
    expect(page.get_by_role("navigation", name="Questions")).to_be_visible()
    a11y.check(page, "exam-attempt")
    attempt = ExamAttempt.objects.get(user__email=EMAIL)
    items = list(AttemptItem.objects.filter(attempt=attempt).order_by("position"))
    for index, item in enumerate(items):
        for key in item.correct_keys:
            page.locator(f"#q{item.position} input[value='{key}']").check()
        expect(page.locator("#save-status")).to_have_text("Saved")
        if index < len(items) - 1:
            page.get_by_role("button", name="Next question").click()
    page.get_by_role("button", name="Submit the exam").click()
    expect(page.get_by_role("heading", name="You passed")).to_be_visible()
    a11y.check(page, "exam-result")


@pytest.mark.usefixtures("standin")
def test_a_newcomer_goes_from_sign_up_to_a_passed_exam_on_the_demo_data(
    page, browser, live_server, a11y, screenshot
):
    call_command("seed_demo", force=True, stdout=open("/dev/null", "w"))  # noqa: SIM115
    sessions = _sessions()
    staff = browser.new_context(base_url=live_server.url).new_page()
    trainer = browser.new_context(base_url=live_server.url).new_page()
    _sign_in(staff, *STAFF)
    _sign_in(trainer, *TRAINER)

    # 1–2. Sign up, find the track, apply (bad values are refused first).
    application = _sign_up_and_apply(page, a11y)

    # 3. Staff approve, with the confirmation step.
    _staff_decide(
        staff, a11y, application, f"Approve application #{application.pk}", label="review"
    )
    expect(staff.get_by_text("approved; the applicant has been emailed")).to_be_visible()
    expect(_current(page)).to_contain_text("Web-based training")
    expect(_steps(page).nth(2)).to_contain_text("Approved on")
    a11y.check(page, "dashboard-approved")

    # 4. The training is completed, then approved by staff.
    _complete_the_training(page, a11y, application)
    _staff_decide(
        staff, a11y, application, f"Approve training of application #{application.pk}",
        confirm=False,
    )  # fmt: skip
    expect(_current(page)).to_contain_text("Classroom registration")
    expect(_current(page)).to_contain_text("Day 2, Day 3 and Day 4")

    # 5. Pay the three day fees on the Stripe stand-in, then book one session of each day.
    _pay(page, a11y)
    _book(page, a11y, sessions)
    current = _current(page)
    expect(current).to_contain_text("Attendance")
    for session in sessions.values():
        expect(current).to_contain_text(session.venue)
    expect(_steps(page).nth(4)).to_contain_text("Booked Day 2, Day 3 and Day 4")
    a11y.check(page, "dashboard-booked")
    screenshot("booked")

    # 6. After the last day: present, locked; the exam opens and the applicant is emailed.
    last = max(sessions.values(), key=lambda s: (s.date, s.end_time))
    after = datetime.combine(last.date, last.end_time, tzinfo=clock.LOCAL_TZ) + timedelta(hours=2)
    with clock.frozen_at(after):
        _mark_and_lock(trainer, staff, a11y, sessions, application)
        application.refresh_from_db()
        assert application.status == "classroom_complete"
        assert any(m.subject == "Your competency exam is open" for m in mail.outbox)
        expect(_current(page)).to_contain_text("Competency exam")
        expect(_steps(page).nth(5)).to_contain_text("Attended every required day on")
        a11y.check(page, "dashboard-exam-open")

        # 7. Sit and pass the exam.
        _sit_the_exam(page, a11y)
        application.refresh_from_db()
        assert application.status == "exam_passed"
        expect(_current(page)).to_contain_text("Verification of employment")
        expect(_steps(page).nth(6)).to_contain_text("Passed on")
        a11y.check(page, "dashboard-exam-passed")
        screenshot("passed")

    a11y.assert_clean()


def test_the_audit_finds_what_it_should(page, a11y):
    """The checks above can fail: an unlabelled field and a too-wide table are reported."""
    page.set_content(
        "<html lang='en'><head><title>t</title></head><body><main>"
        "<input type='text'><table style='width:900px'><tr><td>x</td></tr></table>"
        "</main></body></html>"
    )
    a11y.check(page, "bad page")
    assert any(v["id"] == "label" for v in a11y.findings["bad page @ 1280px"])
    assert "bad page @ 390px scrolls sideways" in a11y.findings
    with pytest.raises(AssertionError):
        a11y.assert_clean()
