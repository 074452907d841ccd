"""Attempts: drawing, one at a time, saving answers, the server's clock, grading, limits."""

from collections import Counter
from datetime import timedelta

import pytest
from django.core import mail
from django.db import IntegrityError, transaction

from enrollment.models import ApplicationStatus
from enrollment.services.applications import application_classroom_complete
from exams.models import (
    AttemptItem,
    AttemptStatus,
    AttemptVia,
    ExamAttempt,
    ExamItem,
    ItemStatus,
)
from exams.rules import RuleViolation
from exams.services.access import (
    accommodation_approve,
    accommodation_request_create,
    exam_grant_create,
)
from exams.services.attempts import (
    AttemptClosed,
    AttemptNotFound,
    attempt_answer_save,
    attempt_start,
    attempt_submit,
    attempts_close_overdue,
)
from exams.tasks import attempts_close_overdue_task
from lms.models import AuditEvent, OutboxMessage
from tests.factories.exams import T0, later, make_candidate

pytestmark = pytest.mark.django_db


def _key_of(item: AttemptItem, right: bool) -> str:
    keys = [k for k in item.option_keys if (k in item.correct_keys) == right]
    return keys[0]


def _answer(user, attempt, position, right=True, now=None):
    item = attempt.items.get(position=position)
    keys = item.correct_keys if right else [_key_of(item, False)]
    return attempt_answer_save(
        user=user, attempt_id=attempt.pk, position=position, choice=keys, now=now or later(1)
    )


def test_start_draws_the_blueprint_per_topic_from_active_items_only(exam, candidate, rng):
    attempt = attempt_start(user=candidate, now=T0, rng=rng)
    items = list(attempt.items.select_related("item", "topic"))
    assert Counter(i.topic.code for i in items) == {"DOC": 3, "BIL": 2, "ETH": 1}
    assert all(i.item.status == ItemStatus.ACTIVE for i in items)
    assert len({i.item_id for i in items}) == 6
    assert [i.position for i in items] == list(range(6))
    assert attempt.deadline_at == T0 + timedelta(minutes=30)
    assert attempt.number == 1 and attempt.status == AttemptStatus.IN_PROGRESS
    event = AuditEvent.objects.get(verb="exam_attempt.started", object_id=str(attempt.pk))
    assert event.actor == candidate and event.to_state == "in_progress"


def test_served_content_is_stored_with_random_keys_and_survives_edits(exam, candidate, rng):
    attempt = attempt_start(user=candidate, now=T0, rng=rng)
    served = attempt.items.select_related("item").first()
    item = served.item
    texts = [o.text for o in item.options.all()]
    assert sorted(o["text"] for o in served.options) == sorted(texts)
    assert len(set(served.option_keys)) == len(texts) and all(
        len(k) == 10 for k in served.option_keys
    )
    right = next(o for o in served.options if o["key"] in served.correct_keys)
    assert right["text"].startswith("right")
    assert served.revision_id == item.latest_revision_id is not None
    # An editor changes the active item: a new revision; the attempt keeps what it served.
    item.prompt = "Rewritten question?"
    item.save()
    new_revision = item.save_revision()
    served.refresh_from_db()
    assert served.prompt.startswith("Question ") and served.revision_id != new_revision.pk


def test_options_are_shuffled_across_attempts(exam, rng):
    first_positions = Counter()
    for _ in range(12):
        user, _ = make_candidate()
        attempt = attempt_start(user=user, now=T0, rng=rng)
        for served in attempt.items.all():
            first_positions[served.options[0]["text"].startswith("right")] += 1
    assert first_positions[True] and first_positions[False]


def test_one_active_attempt_per_person(exam, candidate, rng):
    first = attempt_start(user=candidate, now=T0, rng=rng)
    assert attempt_start(user=candidate, now=later(5), rng=rng) == first  # another tab resumes
    with pytest.raises(IntegrityError), transaction.atomic():
        ExamAttempt.objects.create(
            user=candidate,
            application=first.application,
            definition=exam,
            time_limit_minutes=30,
            deadline_at=later(30),
            pass_mark_percent=60,
            feedback="score",
        )


def test_items_in_review_draft_or_retired_are_never_drawn(exam, candidate, topics, rng):
    ExamItem.objects.filter(topic=topics[2], status=ItemStatus.ACTIVE).update(
        status=ItemStatus.NEEDS_REVIEW
    )
    with pytest.raises(RuleViolation, match=r"Ethics \(0 of 1\)"):
        attempt_start(user=candidate, now=T0, rng=rng)
    assert not ExamAttempt.objects.exists()


def test_autosave_keeps_the_latest_answer_and_the_place(exam, candidate, rng):
    attempt = attempt_start(user=candidate, now=T0, rng=rng)
    _answer(candidate, attempt, 2, right=False)
    outcome = _answer(candidate, attempt, 2, right=True, now=later(2))
    assert outcome.remaining_seconds == 28 * 60
    item = attempt.items.get(position=2)
    attempt.refresh_from_db()
    assert item.response == item.correct_keys and item.answered_at == later(2)
    assert attempt.last_position == 2


def test_a_save_is_refused_for_someone_else_or_a_foreign_option(
    exam, candidate, other_candidate, rng
):
    attempt = attempt_start(user=candidate, now=T0, rng=rng)
    with pytest.raises(AttemptNotFound):
        _answer(other_candidate, attempt, 0)
    with pytest.raises(RuleViolation, match="not part of this question"):
        attempt_answer_save(
            user=candidate, attempt_id=attempt.pk, position=0, choice=["nope"], now=later(1)
        )
    assert not attempt.items.filter(response__isnull=False).exists()


def test_a_save_within_the_grace_is_kept_and_one_after_it_refused(exam, candidate, rng):
    attempt = attempt_start(user=candidate, now=T0, rng=rng)
    deadline = attempt.deadline_at
    _answer(candidate, attempt, 0, now=deadline + timedelta(seconds=29))
    with pytest.raises(AttemptClosed, match="Time is up"):
        _answer(candidate, attempt, 1, now=deadline + timedelta(seconds=31))
    assert attempt.items.get(position=0).response is not None
    assert attempt.items.get(position=1).response is None


def test_expiry_submits_the_saved_answers_and_never_blanks_them(exam, candidate, rng):
    attempt = attempt_start(user=candidate, now=T0, rng=rng)
    for position in (0, 1, 2, 3):
        _answer(candidate, attempt, position, right=position != 3)
    deadline = attempt.deadline_at
    assert attempts_close_overdue(now=deadline + timedelta(seconds=10)) == 0  # still in grace
    closed = attempts_close_overdue_task(now=(deadline + timedelta(minutes=1)).isoformat())
    assert closed == 1
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.SUBMITTED and attempt.finished_via == AttemptVia.TASK
    items = {i.position: i for i in attempt.items.all()}
    assert [items[p].response is not None for p in range(6)] == [True] * 4 + [False] * 2
    assert [items[p].is_correct for p in range(6)] == [True, True, True, False, False, False]
    assert (attempt.score, attempt.max_score, attempt.passed) == (3, 6, False)
    event = AuditEvent.objects.get(verb="exam_attempt.submitted", object_id=str(attempt.pk))
    assert event.reason == (
        "Closed by the overdue-attempts task (after the deadline): 3/6 (50.0%), not passed."
    )
    assert attempts_close_overdue(now=deadline + timedelta(minutes=2)) == 0  # idempotent


def test_a_candidate_whose_time_ran_out_is_emailed_the_result_of_the_saved_answers(
    exam, candidate, rng
):
    attempt = attempt_start(user=candidate, now=T0, rng=rng)
    for position in range(5):
        _answer(candidate, attempt, position)
    assert attempts_close_overdue(now=attempt.deadline_at + timedelta(minutes=1)) == 1
    email = OutboxMessage.objects.get(template="exam_result", recipients=[candidate.email])
    assert email.subject == "You passed the competency exam"
    assert "was submitted on May 4, 2026, 10:31 AM." in email.text  # 30 minutes, then the sweep
    assert "You passed. Your application moves on" in email.text
    assert "Score: 83.33% (5 of 6)." in email.text
    assert candidate.applications.get().status == ApplicationStatus.EXAM_PASSED


def test_submitting_grades_audits_emails_and_moves_the_application(
    exam, candidate, rng, django_capture_on_commit_callbacks
):
    attempt = attempt_start(user=candidate, now=T0, rng=rng)
    for position in range(5):
        _answer(candidate, attempt, position)
    with django_capture_on_commit_callbacks(execute=True):
        attempt = attempt_submit(
            attempt=attempt, actor=candidate, via=AttemptVia.CANDIDATE, now=later(9)
        )
    assert (attempt.score, attempt.percent, attempt.passed) == (5, pytest.approx(83.33), True)
    assert attempt.topic_scores["Documentation"][1] == 3
    assert attempt.application.status == ApplicationStatus.EXAM_PASSED
    assert AuditEvent.objects.filter(
        verb="application.exam_passed", object_id=str(attempt.application_id)
    ).exists()
    event = AuditEvent.objects.get(verb="exam_attempt.submitted", object_id=str(attempt.pk))
    assert (event.from_state, event.to_state, event.actor) == (
        "in_progress",
        "submitted",
        candidate,
    )
    assert event.reason == "Submitted by the candidate: 5/6 (83.33%), passed."
    assert [m.subject for m in mail.outbox] == ["You passed the competency exam"]
    assert (
        attempt_submit(attempt=attempt, actor=candidate, via="candidate", now=later(10)) == attempt
    )


def test_answers_posted_with_the_submission_count_only_in_time_and_never_erase(
    exam, candidate, rng
):
    attempt = attempt_start(user=candidate, now=T0, rng=rng)
    _answer(candidate, attempt, 0)
    items = {i.position: i for i in attempt.items.all()}
    # 2: not an option, 99: a position not on this paper (a tampered form): ignored, and the
    # answers sent after them still count
    posted = {0: [], 2: ["forged"], 99: items[1].correct_keys, 1: items[1].correct_keys}
    attempt_submit(attempt=attempt, actor=candidate, via="candidate", answers=posted, now=later(3))
    fresh = {i.position: i for i in attempt.items.all()}
    assert fresh[0].response == items[0].correct_keys  # blank never erases
    assert fresh[1].response == items[1].correct_keys  # sent with the submission: kept
    assert fresh[2].response is None  # not an option: ignored

    late = attempt_start(user=make_candidate()[0], now=T0, rng=rng)
    late_items = {i.position: i for i in late.items.all()}
    attempt_submit(
        attempt=late,
        actor=None,
        via="candidate",
        answers={0: late_items[0].correct_keys},
        now=late.deadline_at + timedelta(minutes=5),
    )
    assert late.items.get(position=0).response is None
    event = AuditEvent.objects.get(verb="exam_attempt.submitted", object_id=str(late.pk))
    assert event.reason.startswith("Submitted by the candidate (after the deadline): 0/6")


def test_an_answer_sent_again_unchanged_with_the_submission_keeps_the_time_it_was_given(
    exam, candidate, rng
):
    """The form sends every answer with the submission; staff's inspection of the attempt shows
    when each was given, which only a changed one moves."""
    attempt = attempt_start(user=candidate, now=T0, rng=rng)
    _answer(candidate, attempt, 0, now=later(1))
    _answer(candidate, attempt, 1, now=later(2))
    items = {i.position: i for i in attempt.items.all()}
    posted = {0: items[0].correct_keys, 1: [_key_of(items[1], right=False)]}
    attempt_submit(attempt=attempt, actor=candidate, via="candidate", answers=posted, now=later(5))
    fresh = {i.position: i for i in attempt.items.all()}
    assert fresh[0].answered_at == later(1)  # the same answer: when it was given
    assert fresh[1].answered_at == later(5)  # changed with the submission


def test_attempt_limit_and_waiting_period(exam, candidate, rng):
    first = attempt_start(user=candidate, now=T0, rng=rng)
    attempt_submit(attempt=first, actor=candidate, via="candidate", now=later(5))
    with pytest.raises(RuleViolation, match="waiting period of 24 hours"):
        attempt_start(user=candidate, now=later(5 + 23 * 60), rng=rng)
    second = attempt_start(user=candidate, now=later(5 + 24 * 60), rng=rng)
    assert second.number == 2
    attempt_submit(attempt=second, actor=candidate, via="candidate", now=later(6 + 24 * 60))
    with pytest.raises(RuleViolation, match="all 2 attempts"):
        attempt_start(user=candidate, now=later(10 * 24 * 60), rng=rng)
    assert ExamAttempt.objects.filter(user=candidate).count() == 2


def test_the_exam_opens_only_after_the_classroom_days_or_with_a_staff_grant(exam, cert_staff, rng):
    user, application = make_candidate(status=ApplicationStatus.TRAINING_APPROVED)
    with pytest.raises(RuleViolation, match="classroom day"):
        attempt_start(user=user, now=T0, rng=rng)
    with pytest.raises(RuleViolation, match="reason"):
        exam_grant_create(application=application, actor=cert_staff, reason=" ")
    exam_grant_create(application=application, actor=cert_staff, reason="Classroom day moved.")
    assert AuditEvent.objects.filter(verb="exam.granted", actor=cert_staff).count() == 1
    attempt = attempt_start(user=user, now=T0, rng=rng)
    for position in range(6):
        _answer(user, attempt, position)
    attempt_submit(attempt=attempt, actor=user, via="candidate", now=later(3))
    application.refresh_from_db()
    # Passing cannot skip the classroom days in the application's state machine: recorded.
    assert application.status == ApplicationStatus.TRAINING_APPROVED
    assert AuditEvent.objects.filter(verb="exam_attempt.pass_not_applied").exists()


def test_a_grant_is_refused_for_an_unapproved_application(exam, cert_staff):
    _, application = make_candidate(status=ApplicationStatus.SUBMITTED)
    with pytest.raises(RuleViolation, match="approved"):
        exam_grant_create(application=application, actor=cert_staff, reason="Because.")
    assert not AuditEvent.objects.filter(verb="exam.granted").exists()


def test_an_approved_accommodation_raises_the_deadline_of_later_attempts(
    exam, candidate, cert_staff, rng, django_capture_on_commit_callbacks
):
    request = accommodation_request_create(
        user=candidate, kind="percent", amount=50, reason="Dyslexia assessment."
    )
    with pytest.raises(RuleViolation, match="awaiting"):
        accommodation_request_create(user=candidate, kind="minutes", amount=5, reason="Again.")
    with django_capture_on_commit_callbacks(execute=True):
        accommodation_approve(request=request, actor=cert_staff, note="For all sittings.")
    attempt = attempt_start(user=candidate, now=T0, rng=rng)
    assert (attempt.time_limit_minutes, attempt.extra_minutes) == (30, 15)
    assert attempt.deadline_at == T0 + timedelta(minutes=45)
    # Saves are accepted up to the longer deadline.
    _answer(candidate, attempt, 0, now=T0 + timedelta(minutes=44))
    assert AuditEvent.objects.filter(verb="exam_accommodation.approved", actor=cert_staff).exists()
    assert mail.outbox[-1].subject == "Your request for extra time was approved"


def test_expired_applications_close_their_open_attempts(exam, candidate, rng):
    from enrollment.services.expiry import applications_expire

    attempt = attempt_start(user=candidate, now=T0, rng=rng)
    applications_expire(today=attempt.application.expires_on + timedelta(days=1))
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.CLOSED and attempt.finished_via == AttemptVia.EXPIRY
    assert AuditEvent.objects.filter(verb="exam_attempt.closed", object_id=str(attempt.pk)).exists()


def test_a_pass_under_a_staff_grant_applies_once_the_classroom_days_are_complete(
    exam, cert_staff, rng
):
    user, application = make_candidate(status=ApplicationStatus.TRAINING_APPROVED)
    exam_grant_create(application=application, actor=cert_staff, reason="Classroom day moved.")
    attempt = attempt_start(user=user, now=T0, rng=rng)
    for position in range(6):
        _answer(user, attempt, position)
    attempt_submit(attempt=attempt, actor=user, via="candidate", now=later(3))
    application.refresh_from_db()
    assert application.status == ApplicationStatus.TRAINING_APPROVED
    # The trainer's roster completes the classroom days later: the earlier pass now counts.
    application = application_classroom_complete(application=application)
    assert application.status == ApplicationStatus.EXAM_PASSED
    assert AuditEvent.objects.filter(
        verb="application.exam_passed", object_id=str(application.pk)
    ).exists()


def test_a_save_is_one_statement_once_the_items_are_known(exam, candidate, rng):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    attempt = attempt_start(user=candidate, now=T0, rng=rng)
    _answer(candidate, attempt, 0)  # the first save reads the attempt's option keys
    item = attempt.items.get(position=1)
    with CaptureQueriesContext(connection) as captured:
        attempt_answer_save(
            user=candidate,
            attempt_id=attempt.pk,
            position=1,
            choice=item.correct_keys,
            now=later(2),
        )
    assert len(captured) == 1
    item.refresh_from_db()
    attempt.refresh_from_db()
    assert item.response == item.correct_keys and attempt.last_position == 1
    # refused: closed, or out of time, writes nothing (the same single statement checks it)
    with pytest.raises(AttemptClosed):
        _answer(candidate, attempt, 2, now=attempt.deadline_at + timedelta(minutes=5))
    attempt.refresh_from_db()
    assert attempt.last_position == 1 and attempt.items.get(position=2).response is None
