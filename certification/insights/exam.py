"""The exam over a chosen period: pass rate by track and by attempt number, the share right per
topic, and the items flagged dubious (the exam's own measure, `exams.stats`). Graded attempts
count on the day they were finished (America/Chicago)."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, F, Q, QuerySet

from exams.models import AttemptItem, AttemptStatus, ExamAttempt
from exams.stats import discrimination, facility, is_dubious
from lms.clock import local_midnight


def graded_between(start: date, end: date) -> QuerySet[ExamAttempt]:
    return ExamAttempt.objects.filter(
        status=AttemptStatus.SUBMITTED,
        finished_at__gte=local_midnight(start),
        finished_at__lt=local_midnight(end + timedelta(days=1)),
    )


def pass_rates(start: date, end: date, by: str) -> list[dict]:
    """Graded attempts and passes grouped by `by` ("application__track" or "number")."""
    return list(
        graded_between(start, end)
        .values(key=F(by))
        .annotate(attempts=Count("pk"), passed=Count("pk", filter=Q(passed=True)))
        .order_by("key")
    )


def topic_scores(start: date, end: date) -> list[dict]:
    """Per topic: items answered in the period's graded attempts and how many were right."""
    return list(
        AttemptItem.objects.filter(attempt__in=graded_between(start, end))
        .values("topic__name")
        .annotate(items=Count("pk"), correct=Count("pk", filter=Q(is_correct=True)))
        .order_by("topic__name")
    )


@dataclass(frozen=True)
class DubiousItem:
    item_id: int
    title: str
    topic: str
    n: int
    facility: float | None
    discrimination: float | None


def dubious_items(start: date, end: date) -> list[DubiousItem]:
    """Items whose upper–lower discrimination over the period is below the exam's threshold.
    One query; the index itself ranks candidates, so it is computed here, not in SQL."""
    rows = (
        AttemptItem.objects.filter(attempt__in=graded_between(start, end))
        .values("item_id", "item__title", "item__prompt", "topic__name", "is_correct")
        .annotate(percent=F("attempt__percent"))
        .order_by("attempt_id")
    )
    groups: dict[int, list[dict]] = defaultdict(list)
    for row in rows:
        groups[row["item_id"]].append(row)
    flagged = []
    for item_id, group in sorted(groups.items()):
        pairs = [(float(r["percent"] or 0), bool(r["is_correct"])) for r in group]
        d = discrimination(pairs)
        if is_dubious(d):
            first = group[0]
            flagged.append(
                DubiousItem(
                    item_id,
                    first["item__title"] or first["item__prompt"][:80],
                    first["topic__name"],
                    len(group),
                    facility([ok for _, ok in pairs]),
                    d,
                )
            )
    return flagged
