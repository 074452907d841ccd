"""Builders for the exam tests and the exam's browser journeys."""

import re
from datetime import UTC, date, datetime, timedelta

from django.test import Client

from exams.models import ExamAttempt, ItemStatus
from exams.rules import FeedbackMode, ItemKind
from exams.services.bank import item_create
from tests.factories.enrollment import PASSWORD, UserFactory, application_at

# --- Items and candidates ---------------------------------------------------------------------


def make_item(topic, n: int, *, kind=ItemKind.SINGLE, status=ItemStatus.ACTIVE, rationale=None):
    """An item whose first option is the key ("right N"), with three distractors."""
    if kind == ItemKind.TRUE_FALSE:
        options = [("True", True), ("False", False)]
    elif kind == ItemKind.MULTIPLE:
        options = [(f"right {n}", True), (f"also right {n}", True), (f"wrong {n}", False)]
    else:
        options = [(f"right {n}", True), (f"wrong {n}a", False), (f"wrong {n}b", False)]
    return item_create(
        topic=topic,
        kind=kind,
        title=f"{topic.code}-{n}",
        prompt=f"Question {topic.code} {n}?",
        options=options,
        rationale=f"Rationale {topic.code} {n}." if rationale is None else rationale,
        status=status,
    )


def make_candidate(status="classroom_complete", **user_fields):
    user = UserFactory(**user_fields)
    application = application_at(status, user=user, submitted_on=date(2026, 1, 10))
    return user, application


# --- Signed-in candidates and the exam's clock ----------------------------------------------

T0 = datetime(2026, 5, 4, 15, 0, tzinfo=UTC)  # a Monday, 10:00 in Chicago


def signed_in(user) -> Client:
    client = Client()
    assert client.login(email=user.email, password=PASSWORD)
    return client


def later(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def started_attempt(response) -> ExamAttempt:
    """The attempt whose page Start answered with (Start answers with the page, not a redirect)."""
    assert response.status_code == 200, response.status_code
    found = re.search(r'data-attempt-url="/exam/attempt/(\d+)/"', response.content.decode())
    assert found, "Start did not answer with an attempt's page"
    return ExamAttempt.objects.get(pk=int(found.group(1)))


def attempt_under_way(application, definition) -> ExamAttempt:
    """An attempt of the application's person under way (unsaved, no items), started at T0 with
    30 minutes: the rows the tests write without Start."""
    return ExamAttempt(
        user_id=application.user_id,
        application=application,
        definition=definition,
        started_at=T0,
        time_limit_minutes=30,
        deadline_at=later(30),
        pass_mark_percent=60,
        feedback=FeedbackMode.REVIEW,
    )
