"""Closing overdue attempts is set-based: the same number of queries for 10 attempts as for
1,000, each graded on its saved answers, audited and emailed once."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from exams.models import AttemptItem, AttemptStatus, AttemptVia, ExamAttempt
from exams.services.attempts import attempts_close_overdue
from lms.models import AuditEvent, OutboxMessage
from tests.factories.enrollment import bulk_applications
from tests.factories.exams import T0, attempt_under_way

pytestmark = pytest.mark.django_db


def _overdue(n, exam, bank):
    applications = bulk_applications(n, status="classroom_complete")
    attempts = ExamAttempt.objects.bulk_create(attempt_under_way(a, exam) for a in applications)
    items = bank["DOC"][:3]
    options = [{"key": "k1", "text": "right", "src": 0}, {"key": "k2", "text": "wrong", "src": 1}]
    AttemptItem.objects.bulk_create(
        AttemptItem(
            attempt=attempt,
            position=position,
            item=item,
            topic_id=item.topic_id,
            kind=item.kind,
            prompt=item.prompt,
            options=options,
            correct_keys=["k1"],
            response=["k1"] if position == 0 else ["k2"],  # 1 of 3: not passed
        )
        for attempt in attempts
        for position, item in enumerate(items)
    )
    return attempts


def _close(now):
    with CaptureQueriesContext(connection) as captured:
        closed = attempts_close_overdue(now=now)
    return closed, len(captured)


def test_closing_overdue_attempts_is_set_based(exam, bank):
    now = T0 + timedelta(hours=2)
    _overdue(1, exam, bank)
    attempts_close_overdue(now=now)  # per-process caches (content types) warmed
    _overdue(10, exam, bank)
    closed, few = _close(now)
    assert closed == 10
    _overdue(1000, exam, bank)
    closed, many = _close(now)
    assert closed == 500  # a run closes at most 500 (the rest on the next minute)
    closed, again = _close(now)
    assert closed == 500
    assert many == few == again
    assert _close(now)[0] == 0
    finished = ExamAttempt.objects.filter(status=AttemptStatus.SUBMITTED)
    assert finished.count() == 1011
    assert set(finished.values_list("score", "max_score", "passed", "finished_via")) == {
        (1, 3, False, AttemptVia.TASK)
    }
    assert AttemptItem.objects.filter(is_correct=True).count() == 1011
    assert AttemptItem.objects.filter(is_correct=False).count() == 2022
    assert AuditEvent.objects.filter(verb="exam_attempt.submitted").count() == 1011
    assert OutboxMessage.objects.filter(template="exam_result").count() == 1011
