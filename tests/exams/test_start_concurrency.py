"""Real concurrency on PostgreSQL: one person pressing Start in two tabs at the same moment,
with a paper drawn ahead and without one, and a Start meeting the nightly expiry of its
application. Each thread has its own connection; a Barrier releases them together.
Transactional: the rows are committed, so every connection sees them."""

import threading
import time
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.db import connection, connections, transaction

from enrollment.models import Application, ApplicationStatus
from enrollment.services.expiry import applications_expire
from exams.models import AttemptItem, AttemptStatus, ExamAttempt
from exams.services.attempts import attempt_start, paper_prepare, ready_papers_drop
from lms.models import AuditEvent
from tests.factories.exams import T0, attempt_under_way, make_candidate

pytestmark = pytest.mark.django_db(transaction=True)

TABS = 6


def _start_together(user) -> list:
    barrier = threading.Barrier(TABS)
    outcomes: list = [None] * TABS

    def run(index):
        try:
            barrier.wait(timeout=30)
            outcomes[index] = attempt_start(user=user, now=T0).pk
        except Exception as exc:  # reported in the assertion, never swallowed
            outcomes[index] = f"error: {exc!r}"
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(TABS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes


@pytest.mark.parametrize("prepared", [True, False], ids=["paper drawn ahead", "no paper"])
def test_tabs_pressing_start_together_share_one_attempt(exam, prepared):
    user, _ = make_candidate()
    if prepared:
        paper = paper_prepare(user=user, now=T0)
    outcomes = _start_together(user)
    attempts = list(ExamAttempt.objects.filter(user=user))
    assert len(attempts) == 1, outcomes
    assert outcomes == [attempts[0].pk] * TABS  # every tab resumes the same attempt
    assert AttemptItem.objects.filter(attempt=attempts[0]).count() == 6
    assert AuditEvent.objects.filter(verb="exam_attempt.started").count() == 1
    assert not ExamAttempt.all_objects.filter(user=user, status=AttemptStatus.READY).exists()
    if prepared:
        assert attempts[0].pk == paper.pk  # the paper drawn ahead is the attempt


def _wait_until_waiting(query_start: str) -> None:
    """Until a connection whose statement starts with `query_start` waits for a lock."""
    for _ in range(1500):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND wait_event_type = 'Lock' AND query LIKE %s",
                [query_start + "%"],
            )
            if cursor.fetchone()[0]:
                return
        time.sleep(0.02)
    raise AssertionError(f"nobody waited at {query_start!r}")


@contextmanager
def _start_held_at_its_insert(user, application, definition):
    """The person presses Start (in a thread) and Start is held inside its transaction, after
    its reads, at the insert of its attempt, until the block ends: another connection holds an
    uncommitted attempt of the same person (the one-active-attempt index makes the insert wait),
    which it rolls back when the block ends. Yields what Start answered (filled in after)."""
    inserted, release, answered = threading.Event(), threading.Event(), {}

    def hold():
        try:
            with transaction.atomic():
                attempt_under_way(application, definition).save()
                inserted.set()
                release.wait(timeout=30)
                transaction.set_rollback(True)
        finally:
            connections.close_all()

    def start():
        try:
            answered["attempt"] = attempt_start(user=user, now=T0).pk
        except Exception as exc:  # reported in the assertion, never swallowed
            answered["attempt"] = f"error: {exc!r}"
        finally:
            connections.close_all()

    holder, starter = threading.Thread(target=hold), threading.Thread(target=start)
    holder.start()
    assert inserted.wait(timeout=30)
    starter.start()
    try:
        _wait_until_waiting(f'INSERT INTO "{ExamAttempt._meta.db_table}"')
        yield answered
    finally:
        release.set()
        holder.join(timeout=30)
        starter.join(timeout=30)
    assert not holder.is_alive() and not starter.is_alive()


def test_an_application_expiring_as_its_candidate_starts_leaves_no_exam_under_way(exam):
    """The nightly expiry leaves an application whose Start is under way (Start holds it) to its
    next run, which expires it and closes the attempt; it never expires the application beneath
    a Start that then opens an exam on it."""
    user, application = make_candidate()
    today = T0.date()
    Application.objects.filter(pk=application.pk).update(expires_on=today - timedelta(days=1))
    with _start_held_at_its_insert(user, application, exam) as answered:
        applications_expire(today=today)
    attempt = ExamAttempt.objects.get(user=user)
    assert answered == {"attempt": attempt.pk}  # the person's exam started
    applications_expire(today=today + timedelta(days=1))  # the next night
    application.refresh_from_db()
    attempt.refresh_from_db()
    assert application.status == ApplicationStatus.EXPIRED
    assert attempt.status == AttemptStatus.CLOSED


def _in_thread(target) -> tuple[threading.Thread, dict]:
    outcome: dict = {}

    def run():
        try:
            outcome["value"] = target()
        except Exception as exc:  # reported in the assertion, never swallowed
            outcome["value"] = f"error: {exc!r}"
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def test_a_paper_drawn_again_while_start_stamps_it_keeps_the_attempt(exam):
    """The front page in one tab finds the paper stale (an item edited a moment ago) and drops
    it, while Start in another tab has just stamped it: the drop waits for Start and then finds
    no paper to drop; the attempt keeps its items."""
    user, _ = make_candidate()
    paper = paper_prepare(user=user, now=T0)
    stamped, release = threading.Event(), threading.Event()

    def start_held():
        with transaction.atomic():
            ExamAttempt.all_objects.filter(pk=paper.pk).update(status=AttemptStatus.IN_PROGRESS)
            stamped.set()
            release.wait(timeout=30)

    starter, _ = _in_thread(start_held)
    assert stamped.wait(timeout=30)
    dropper, dropped = _in_thread(lambda: ready_papers_drop(user=user))
    try:
        _wait_until_waiting("SELECT")
    finally:
        release.set()
        starter.join(timeout=30)
        dropper.join(timeout=30)
    assert dropped == {"value": 0}
    attempt = ExamAttempt.objects.get(pk=paper.pk)
    assert attempt.status == AttemptStatus.IN_PROGRESS and attempt.items.count() == 6


def test_start_waiting_for_a_paper_being_dropped_draws_a_new_one(exam):
    """The other way round: the paper is being dropped when Start comes; Start waits, finds it
    gone, and starts with a paper drawn there and then."""
    user, _ = make_candidate()
    paper = paper_prepare(user=user, now=T0)
    locked, release = threading.Event(), threading.Event()

    def drop_held():
        with transaction.atomic():
            list(ExamAttempt.all_objects.select_for_update().filter(pk=paper.pk))
            locked.set()
            release.wait(timeout=30)
            ExamAttempt.all_objects.filter(pk=paper.pk).delete()

    dropper, _ = _in_thread(drop_held)
    assert locked.wait(timeout=30)
    starter, started = _in_thread(lambda: attempt_start(user=user, now=T0).pk)
    try:
        _wait_until_waiting("%WITH fits AS")  # its UPDATE of the paper
    finally:
        release.set()
        dropper.join(timeout=30)
        starter.join(timeout=30)
    attempt = ExamAttempt.objects.get(user=user)
    assert started == {"value": attempt.pk} and attempt.pk != paper.pk
    assert attempt.status == AttemptStatus.IN_PROGRESS and attempt.items.count() == 6
    assert not ExamAttempt.all_objects.filter(pk=paper.pk).exists()


def test_two_tabs_opening_the_exam_together_get_the_same_paper(exam):
    """Both front pages find no paper and draw one; the second's insert waits for the first
    (one ready paper per person) and then shows the first's paper instead of failing."""
    user, _ = make_candidate()
    drawn, release = threading.Event(), threading.Event()

    def first_held():
        with transaction.atomic():
            paper = paper_prepare(user=user, now=T0)
            drawn.set()
            release.wait(timeout=30)
        return paper.pk

    first, first_paper = _in_thread(first_held)
    assert drawn.wait(timeout=30)
    second, second_paper = _in_thread(lambda: paper_prepare(user=user, now=T0).pk)
    try:
        _wait_until_waiting(f'INSERT INTO "{ExamAttempt._meta.db_table}"')
    finally:
        release.set()
        first.join(timeout=30)
        second.join(timeout=30)
    (paper,) = ExamAttempt.all_objects.filter(user=user, status=AttemptStatus.READY)
    assert first_paper == second_paper == {"value": paper.pk}
    assert paper.items.count() == 6
