"""The overdue-attempts sweep beside a candidate's own submission, on PostgreSQL: another
connection (a thread) submits the attempt while the sweep runs. Transactional: the rows are
committed, so every connection sees them."""

import threading
from datetime import timedelta

import pytest
from django.db import connections, transaction

from exams.models import AttemptStatus, AttemptVia, ExamAttempt
from exams.services.attempts import attempt_start, attempt_submit, attempts_close_overdue
from lms.models import AuditEvent, OutboxMessage
from tests.factories.exams import T0, make_candidate

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_sweep_leaves_an_attempt_its_candidate_is_submitting_to_that_submission(exam):
    user, _ = make_candidate()
    attempt = attempt_start(user=user, now=T0)
    after = attempt.deadline_at + timedelta(minutes=1)
    locked, swept, waited = threading.Event(), threading.Event(), threading.Event()

    def submit():  # the candidate's submission, its transaction open while the sweep runs
        try:
            with transaction.atomic():
                ExamAttempt.objects.select_for_update().get(pk=attempt.pk)
                locked.set()
                if not swept.wait(timeout=10):  # a sweep that waited would be stuck until then
                    waited.set()
                attempt_submit(attempt=attempt, actor=user, via=AttemptVia.CANDIDATE, now=after)
        finally:
            connections.close_all()

    candidate = threading.Thread(target=submit)
    candidate.start()
    try:
        assert locked.wait(timeout=30)
        closed = attempts_close_overdue(now=after)
    finally:
        swept.set()
        candidate.join(timeout=30)
    assert not candidate.is_alive()
    assert not waited.is_set()  # the sweep went on without waiting for the submission
    assert closed == 0  # what the task reports: it closed none
    attempt.refresh_from_db()
    assert (attempt.status, attempt.finished_via) == (AttemptStatus.SUBMITTED, AttemptVia.CANDIDATE)
    assert AuditEvent.objects.filter(verb="exam_attempt.submitted").count() == 1
    assert OutboxMessage.objects.filter(template="exam_result").count() == 1  # one result email
    assert attempts_close_overdue(now=after) == 0
