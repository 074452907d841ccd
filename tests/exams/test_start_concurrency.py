"""Real concurrency on PostgreSQL: one person pressing Start in two tabs at the same moment,
with a paper drawn ahead and without one. Each thread has its own connection; a Barrier
releases them together. Transactional: the rows are committed, so every connection sees them."""

import threading

import pytest
from django.db import connections

from exams.models import AttemptItem, ExamAttempt, ReadyPaper
from exams.services.attempts import attempt_start, paper_prepare
from lms.models import AuditEvent
from tests.factories.exams import T0, make_candidate

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
    assert not ReadyPaper.objects.filter(user=user).exists()
    if prepared:
        served = list(attempts[0].items.order_by("position").values_list("item_id", flat=True))
        assert served == [entry["item_id"] for entry in paper.items]
