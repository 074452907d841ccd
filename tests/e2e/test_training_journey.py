"""An approved applicant takes the web-based training in real Chromium: opens the course and a
lesson, reads to the end, fails and then passes the knowledge check, finishes every lesson, and
the application moves to "training complete"."""

import re

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from enrollment.models import ApplicationStatus
from lms.roles import Role
from tests.factories.courses import FEEDBACK_RIGHT_0, FEEDBACK_WRONG_0, build_training_tree
from tests.factories.enrollment import PASSWORD, ApplicationFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _course_percent(page):
    return page.locator('[data-progress="course"] [data-percent]')


def _read_to_the_end(page):
    page.locator("#lesson-end").scroll_into_view_if_needed()


def test_approved_applicant_completes_the_training(page, screenshot):
    tree = build_training_tree()
    user = UserFactory(email="learner@example.org")
    user.groups.add(Group.objects.get(name=Role.APPLICANT.value))
    application = ApplicationFactory(user=user, track="cm1", status=ApplicationStatus.APPROVED)

    page.goto("/accounts/login/?next=/training/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", level=1, name="Web-based training")).to_be_visible()
    expect(page.get_by_text("Rehabilitation basics")).to_have_count(0)  # not a CM I course

    page.goto("/dashboard/")
    training_step = page.locator("ol.steps li[aria-current='step']")
    expect(training_step).to_contain_text("Web-based training")
    expect(training_step).to_contain_text("0% complete")
    page.goto("/training/")
    page.get_by_role("link", name="Case management foundations").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Case management foundations")
    expect(_course_percent(page)).to_have_text("0")
    page.get_by_role("link", name="Start the course").click()

    # The first lesson: read to the end, then the knowledge check.
    expect(page.get_by_role("heading", level=1)).to_have_text("Progress notes")
    _read_to_the_end(page)
    status = page.locator("#lesson-status")
    expect(status).to_have_text(re.compile("You have read this lesson"))

    page.get_by_label("The client's favourite colour").check()
    page.get_by_label("Fifteen minutes").check()
    page.get_by_role("button", name="Check answers").click()
    expect(page.get_by_text(FEEDBACK_WRONG_0)).to_be_visible()
    expect(page.locator("[data-check-result]")).to_have_text(re.compile("You scored 50%"))
    expect(_course_percent(page)).to_have_text("0")

    page.get_by_label("The date of service").check()
    page.get_by_role("button", name="Check answers").click()
    expect(page.get_by_text(FEEDBACK_RIGHT_0)).to_be_visible()
    expect(page.get_by_text(FEEDBACK_WRONG_0)).to_have_count(0)
    expect(page.locator("[data-check-result]")).to_have_text(re.compile("Passed: you scored 100%"))
    expect(status).to_have_text("Lesson complete.")
    expect(_course_percent(page)).to_have_text("25")
    expect(page.locator('[data-progress="course"] .progress-detail')).to_have_text(
        "1 of 4 lessons complete"
    )
    screenshot("check-passed")

    # The other three lessons: reading to the end completes each.
    for percent, title in (("50", "Service plans"), ("75", "Units of service"), ("100", None)):
        page.get_by_role("link", name=re.compile("Next lesson")).click()
        if title:
            expect(page.get_by_role("heading", level=1)).to_have_text(title)
        _read_to_the_end(page)
        expect(status).to_have_text("Lesson complete.")
        expect(_course_percent(page)).to_have_text(percent)

    page.get_by_role("link", name="Course outline").click()
    expect(page.get_by_text("You have completed this course.")).to_be_visible()
    expect(_course_percent(page)).to_have_text("100")
    screenshot("course-complete")

    # The dashboard step moves on: training complete, waiting for staff to approve it.
    page.goto("/dashboard/")
    training_step = page.locator("ol.steps li").nth(3)
    expect(training_step).to_contain_text("Web-based training")
    expect(training_step).to_contain_text("100% complete; certification staff are checking")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.TRAINING_COMPLETE
    assert tree.course.completions.filter(application=application).exists()
