"""Progress through lessons: reading, knowledge checks graded on the server, percentages,
course and training completion (status, audit, email), idempotency; progress never carries
from an expired application."""

import json
from datetime import UTC, datetime

import pytest
from django.core import mail
from django.utils.html import escape

from courses.models import CourseCompletion, LessonProgress
from courses.selectors import (
    course_progress,
    knowledge_check_get,
    module_progress,
    resume_lesson,
    training_percent,
    training_resume_url,
)
from courses.services import (
    knowledge_check_grade,
    lesson_check_submit,
    lesson_progress_open,
    lesson_progress_read,
)
from enrollment.models import Application, ApplicationStatus
from lms import clock
from lms.models import AuditEvent
from tests.factories.courses import (
    FEEDBACK_RIGHT_0,
    FEEDBACK_RIGHT_1,
    FEEDBACK_WRONG_0,
    FEEDBACK_WRONG_1,
    KC_ID,
    knowledge_check,
)
from tests.factories.enrollment import ApplicationFactory

pytestmark = pytest.mark.django_db
S = ApplicationStatus
JSON = {"HTTP_ACCEPT": "application/json"}
RIGHT = {"q0": "0", "q1": "1"}
HALF = {"q0": "1", "q1": "1"}  # first wrong, second right: 50%
MOMENT = datetime(2026, 3, 2, 15, 30, tzinfo=UTC)


def _read(client, lesson, **extra):
    return client.post(f"/training-api/lessons/{lesson.pk}/read/", **extra)


def _check(client, lesson, answers, **extra):
    return client.post(f"/training-api/lessons/{lesson.pk}/check/{KC_ID}/", answers, **extra)


def _row(application, lesson):
    return LessonProgress.objects.get(application=application, lesson=lesson)


def _complete(application, lesson):
    lesson_progress_read(application=application, lesson=lesson)


def test_opening_a_lesson_records_it_and_moves_last_seen(client, tree, approved):
    client.force_login(approved.user)
    with clock.frozen_at(MOMENT):
        client.get(tree.a2.url)
    row = _row(approved, tree.a2)
    assert row.opened_at == row.last_seen_at == MOMENT
    later = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
    with clock.frozen_at(later):
        client.get(tree.a2.url)
    row.refresh_from_db()
    assert (row.opened_at, row.last_seen_at, row.reached_end_at) == (MOMENT, later, None)


def test_reading_a_lesson_without_checks_completes_it(client, tree, approved):
    client.force_login(approved.user)
    with clock.frozen_at(MOMENT):
        data = _read(client, tree.a2, **JSON).json()
    assert data["lesson_complete"] is True and data["course_percent"] == 25
    assert data["module_percent"] == 50 and data["status_text"] == "Lesson complete."
    row = _row(approved, tree.a2)
    assert row.reached_end_at == row.completed_at == MOMENT


def test_read_and_pass_completes_the_lesson_with_timestamps(client, tree, approved):
    client.force_login(approved.user)
    read = _read(client, tree.a1, **JSON).json()
    assert read["lesson_complete"] is False and read["checks_passed"] is False
    assert "Pass the knowledge check" in read["status_text"]
    assert _row(approved, tree.a1).reached_end_at is not None

    with clock.frozen_at(MOMENT):
        data = _check(client, tree.a1, RIGHT, **JSON).json()
    assert (data["score"], data["passed"], data["pass_mark"]) == (100, True, 80)
    assert data["lesson_complete"] is True and data["course_percent"] == 25
    row = _row(approved, tree.a1)
    assert row.check_score == 100 and row.checks_passed_at == row.completed_at == MOMENT


def test_a_failed_check_gives_feedback_for_the_chosen_options_only(client, tree, approved):
    client.force_login(approved.user)
    _read(client, tree.a1)
    data = _check(client, tree.a1, HALF, **JSON).json()
    assert (data["score"], data["passed"]) == (50, False)
    assert data["questions"] == [
        {"chosen": 1, "correct": False, "feedback": FEEDBACK_WRONG_0},
        {"chosen": 1, "correct": True, "feedback": FEEDBACK_RIGHT_1},
    ]
    assert FEEDBACK_RIGHT_0 not in str(data) and FEEDBACK_WRONG_1 not in str(data)
    row = _row(approved, tree.a1)
    assert row.check_score == 50 and row.checks_passed_at is None and row.completed_at is None
    assert data["lesson_complete"] is False and data["course_percent"] == 0


def test_the_lesson_page_holds_no_answers_before_answering(client, tree, approved):
    client.force_login(approved.user)
    html = client.get(tree.a1.url).content.decode()
    assert "What must every progress note show?" in html and "Fifteen minutes" in html
    assert html.count("<fieldset") == 2 and html.count("<legend") == 2
    assert html.count('type="radio"') == 4 and "Check answers" in html
    for secret in (FEEDBACK_RIGHT_0, FEEDBACK_WRONG_0, FEEDBACK_RIGHT_1, FEEDBACK_WRONG_1):
        assert escape(secret) not in html and secret not in html
    for marker in ("correct", "is-correct", "is-incorrect", "Correct."):
        assert f"data-{marker}" not in html
    assert "is-correct" not in html and "is-incorrect" not in html and "Correct." not in html
    assert 'aria-live="polite"' in html


def test_unanswered_questions_are_wrong():
    result = knowledge_check_grade(knowledge_check(), {0: 0, 1: None}, pass_mark=50)
    assert (result.score, result.passed) == (50, True)
    assert result.questions[1].chosen is None and result.questions[1].feedback == ""
    result = knowledge_check_grade(knowledge_check(), {0: 7}, pass_mark=50)
    assert (result.score, result.passed) == (0, False)


def test_without_javascript_read_redirects_and_check_rerenders_with_feedback(
    client, tree, approved
):
    client.force_login(approved.user)
    response = _read(client, tree.a1)
    assert response.status_code == 302 and response["Location"] == f"{tree.a1.url}#lesson-end"
    html = client.get(tree.a1.url).content.decode()
    assert "I have read this lesson" not in html  # already read

    response = _check(client, tree.a1, HALF)
    html = response.content.decode()
    assert response.status_code == 200 and "You scored 50%; the pass mark is 80%." in html
    assert escape(FEEDBACK_WRONG_0) in html and escape(FEEDBACK_RIGHT_1) in html
    assert escape(FEEDBACK_RIGHT_0) not in html and escape(FEEDBACK_WRONG_1) not in html
    assert 'value="1" id="check-' in html and " checked" in html


def test_the_read_button_is_there_until_read(client, tree, approved):
    client.force_login(approved.user)
    html = client.get(tree.a2.url).content.decode()
    assert "I have read this lesson" in html and 'id="lesson-end"' in html


def test_percentages_and_resume(tree, approved):
    assert course_progress(approved, tree.course).percent == 0
    assert training_resume_url(approved) == tree.a1.url
    lesson_progress_open(application=approved, lesson=tree.a1)
    _complete(approved, tree.b1)
    assert course_progress(approved, tree.course).percent == 25
    assert (
        module_progress(approved, tree.module_a).percent,
        module_progress(approved, tree.module_b).percent,
    ) == (0, 50)
    assert training_percent(approved) == 25  # the cm2 course does not count for cm1
    # a1 was opened, b1 is complete: resume a1 (the unfinished lesson seen last).
    assert resume_lesson(approved, tree.lessons) == tree.a1
    with clock.frozen_at(datetime(2030, 1, 1, tzinfo=UTC)):
        lesson_progress_open(application=approved, lesson=tree.b2)
    assert training_resume_url(approved) == tree.b2.url
    _complete(approved, tree.a2)
    _complete(approved, tree.b2)
    assert training_percent(approved) == 75


def test_course_page_shows_progress_and_resume(client, tree, approved):
    client.force_login(approved.user)
    _complete(approved, tree.a2)
    html = client.get(tree.course.url).content.decode()
    assert '<progress id="course-progress" max="100" value="25">' in html
    assert "25</span>% complete" in html and "Resume where you left off" in html
    html = client.get(tree.module_a.url).content.decode()
    assert '<progress id="module-progress" max="100" value="50">' in html
    html = client.get(tree.index.url).content.decode()
    assert 'value="25"' in html


def _finish(application, tree):
    for lesson in tree.lessons:
        _complete(application, lesson)
    value = knowledge_check_get(tree.a1, KC_ID)
    assert value is not None
    lesson_check_submit(
        application=application, lesson=tree.a1, block_id=KC_ID, answers={0: 0, 1: 1}
    )


def test_completing_every_required_course_completes_the_training(
    client, tree, approved, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _finish(approved, tree)
    approved.refresh_from_db()
    assert approved.status == S.TRAINING_COMPLETE
    assert CourseCompletion.objects.filter(application=approved, course=tree.course).count() == 1
    event = AuditEvent.objects.get(object_id=str(approved.pk), verb="application.training_complete")
    assert (event.from_state, event.to_state) == ("approved", "training_complete")
    assert AuditEvent.objects.filter(verb="course.complete").count() == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [approved.user.email]
    assert message.subject.endswith("Your web-based training is complete")
    assert "certification staff review your training" in message.body
    assert message.alternatives[0][1] == "text/html"
    assert "<a href=" in message.alternatives[0][0]
    assert training_percent(approved) == 100 and training_resume_url(approved) is None

    client.force_login(approved.user)
    assert "You have completed this course." in client.get(tree.course.url).content.decode()


def test_everything_twice_changes_nothing(
    client, tree, approved, django_capture_on_commit_callbacks
):
    client.force_login(approved.user)
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):
            for lesson in tree.lessons:
                _read(client, lesson, **JSON)
            _check(client, tree.a1, RIGHT, **JSON)
        _check(client, tree.a1, HALF, **JSON)  # a later failure keeps the pass and best score
    assert LessonProgress.objects.filter(application=approved).count() == 4
    assert CourseCompletion.objects.filter(application=approved).count() == 1
    assert AuditEvent.objects.filter(verb="lesson.check_passed").count() == 1
    assert AuditEvent.objects.filter(verb="application.training_complete").count() == 1
    assert len(mail.outbox) == 1
    row = _row(approved, tree.a1)
    assert row.check_score == 100 and row.completed_at is not None


def test_a_lesson_with_two_checks_needs_both_passed(tree, approved):
    second = "0b6f1f64-5d0e-4c43-9a52-3f3c1b7f0002"
    body = json.loads(json.dumps(tree.a1.body.get_prep_value()))
    body.append({"type": "knowledge_check", "value": knowledge_check("Second check"), "id": second})
    tree.a1.body = json.dumps(body)
    tree.a1.save_revision().publish()
    _complete(approved, tree.a1)
    lesson_check_submit(application=approved, lesson=tree.a1, block_id=KC_ID, answers={0: 0, 1: 1})
    row = _row(approved, tree.a1)
    assert row.checks_passed_at is None and row.completed_at is None
    lesson_check_submit(application=approved, lesson=tree.a1, block_id=second, answers={0: 0, 1: 1})
    row.refresh_from_db()
    assert row.checks_passed_at is not None and row.completed_at is not None


def test_progress_of_an_expired_application_never_carries_into_the_new_one(client, tree, applicant):
    """Seed 000: a new application starts the whole process over; there is no carry-over."""
    old = ApplicationFactory(user=applicant, track="cm1", status=S.APPROVED)
    _complete(old, tree.a2)
    Application.objects.filter(pk=old.pk).update(status=S.EXPIRED)
    new = ApplicationFactory(user=applicant, track="cm1", status=S.APPROVED)
    client.force_login(applicant)
    assert training_percent(new) == 0
    assert 'value="0"' in client.get(tree.course.url).content.decode()
    assert not LessonProgress.objects.filter(application=new).exists()


def test_no_training_complete_before_approval_or_twice(
    tree, applicant, django_capture_on_commit_callbacks
):
    application = ApplicationFactory(user=applicant, status=S.TRAINING_APPROVED)
    with django_capture_on_commit_callbacks(execute=True):
        _finish(application, tree)
    application.refresh_from_db()
    assert application.status == S.TRAINING_APPROVED and not mail.outbox
