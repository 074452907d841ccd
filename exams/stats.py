"""Item statistics per item revision (classical test theory) and the exam's score distribution.

The measures are pure functions; `item_statistics` and `score_percents` load graded attempts.
- facility: the share of candidates who got the item right (p).
- discrimination (upper–lower 27%): rank the candidates who saw the item by their exam percentage
  (ties keep attempt order), take the top and bottom k = round(0.27 n) (at least 1, at most n/2),
  and subtract the lower group's share right from the upper group's.
- point-biserial: (M1 − M0) / s · √(p q), M1/M0 the mean exam percentage of those right/wrong,
  s the population standard deviation of all their percentages.
An item is dubious when its discrimination is below DUBIOUS_DISCRIMINATION (or negative).
"""

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Min, Q

from exams.conf import DUBIOUS_DISCRIMINATION
from exams.models import AttemptItem, AttemptStatus, ExamAttempt, ExamDefinition, ExamItem
from exams.selectors import attempt_items_served

UPPER_LOWER_FRACTION = 0.27


def facility(flags: Sequence[bool]) -> float | None:
    return sum(flags) / len(flags) if flags else None


def discrimination(pairs: Sequence[tuple[float, bool]], fraction: float = UPPER_LOWER_FRACTION):
    """Upper–lower discrimination index from (exam score, item right) pairs; None below 2."""
    n = len(pairs)
    if n < 2:
        return None
    k = min(max(1, round(fraction * n)), n // 2)
    ranked = sorted(pairs, key=lambda pair: pair[0], reverse=True)
    upper, lower = ranked[:k], ranked[-k:]
    return (sum(right for _, right in upper) - sum(right for _, right in lower)) / k


def point_biserial(pairs: Sequence[tuple[float, bool]]) -> float | None:
    """Point-biserial correlation of item right/wrong with the exam score; None when undefined."""
    n = len(pairs)
    if n < 2:
        return None
    scores = [float(score) for score, _ in pairs]
    mean = sum(scores) / n
    sd = math.sqrt(sum((s - mean) ** 2 for s in scores) / n)
    right = [float(s) for s, ok in pairs if ok]
    wrong = [float(s) for s, ok in pairs if not ok]
    if sd == 0 or not right or not wrong:
        return None
    p = len(right) / n
    return (sum(right) / len(right) - sum(wrong) / len(wrong)) / sd * math.sqrt(p * (1 - p))


def is_dubious(discrimination_index: float | None) -> bool:
    return discrimination_index is not None and discrimination_index < DUBIOUS_DISCRIMINATION


def histogram(percents: Sequence[float], width: int = 10) -> list[tuple[int, int, int]]:
    """(low, high, count) bins over 0–100; 100 falls in the last bin."""
    bins = [[low, min(low + width, 100), 0] for low in range(0, 100, width)]
    for value in percents:
        index = min(int(float(value) // width), len(bins) - 1)
        bins[max(index, 0)][2] += 1
    return [tuple(b) for b in bins]


@dataclass(frozen=True)
class OptionStat:
    text: str
    correct: bool
    count: int
    share: float


@dataclass(frozen=True)
class ItemStats:
    item_id: int
    revision_id: int | None
    title: str
    topic: str
    n: int
    facility: float | None
    discrimination: float | None
    point_biserial: float | None
    dubious: bool
    options: list[OptionStat]
    blank: int


def item_statistics(
    *, definition: ExamDefinition | None = None, item: ExamItem | None = None
) -> list[ItemStats]:
    """Statistics per (item, revision) over graded attempts, optionally for one exam or item.

    The per-candidate measures read one narrow row per item served (no JSON); the option counts
    are counted by the database on PostgreSQL (elsewhere from the served rows)."""
    served = attempt_items_served(definition=definition, item=item)
    rows = served.values_list("item_id", "revision_id", "attempt__percent", "is_correct")
    groups: dict[tuple[int, int | None], list[tuple[float, bool]]] = defaultdict(list)
    for item_id, revision_id, percent, right in rows.order_by("attempt_id"):
        groups[(item_id, revision_id)].append((float(percent or 0), bool(right)))
    if not groups:
        return []
    heads = _group_heads(served)
    counts, blanks = (
        _option_counts_sql(served) if connection.vendor == "postgresql" else _option_counts(served)
    )
    result = []
    for key in sorted(groups, key=lambda g: (g[0], g[1] or 0)):
        pairs, head = groups[key], heads[key]
        d = discrimination(pairs)
        correct_src = {o["src"] for o in head["options"] if o["key"] in head["correct_keys"]}
        texts = {o["src"]: o["text"] for o in head["options"]}
        n = len(pairs)
        result.append(
            ItemStats(
                item_id=key[0],
                revision_id=key[1],
                title=head["item__title"] or head["item__prompt"][:80],
                topic=head["topic__name"],
                n=n,
                facility=facility([ok for _, ok in pairs]),
                discrimination=d,
                point_biserial=point_biserial(pairs),
                dubious=is_dubious(d),
                options=[
                    OptionStat(
                        texts[src],
                        src in correct_src,
                        counts.get((*key, src), 0),
                        counts.get((*key, src), 0) / n,
                    )
                    for src in sorted(texts)
                ],
                blank=blanks.get(key, 0),
            )
        )
    return result


def _group_heads(served) -> dict[tuple[int, int | None], dict]:
    """The first served row of each (item, revision): its option texts, keys and titles."""
    firsts = served.values("item_id", "revision_id").annotate(first=Min("pk")).values("first")
    heads = AttemptItem.objects.filter(pk__in=firsts).values(
        "item_id",
        "revision_id",
        "item__title",
        "item__prompt",
        "topic__name",
        "options",
        "correct_keys",
    )
    return {(h["item_id"], h["revision_id"]): h for h in heads}


OptionCounts = tuple[dict[tuple[int, int | None, int], int], dict[tuple[int, int | None], int]]

_OPTION_COUNTS = """
SELECT t.item_id, t.revision_id, (o.value ->> 'src')::int, count(*)
FROM {table} t CROSS JOIN LATERAL jsonb_array_elements(t.options) o
WHERE t.id IN ({served}) AND t.response @> jsonb_build_array(o.value -> 'key')
GROUP BY 1, 2, 3
"""


def _option_counts_sql(served) -> OptionCounts:
    """(item, revision, option place) → how many chose it; (item, revision) → how many left
    it blank. Counted by PostgreSQL: each served option matched against the answer."""
    sql, params = served.values("pk").query.sql_with_params()
    table = connection.ops.quote_name(AttemptItem._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(_OPTION_COUNTS.format(table=table, served=sql), params)
        counts = {(i, r, src): n for i, r, src, n in cursor.fetchall()}
    blank = served.filter(Q(response__isnull=True) | Q(response=[]))
    blanks = {
        (i, r): n
        for i, r, n in blank.values("item_id", "revision_id")
        .annotate(n=Count("pk"))
        .values_list("item_id", "revision_id", "n")
    }
    return counts, blanks


def _option_counts(served) -> OptionCounts:
    counts: dict[tuple[int, int | None, int], int] = defaultdict(int)
    blanks: dict[tuple[int, int | None], int] = defaultdict(int)
    for item_id, revision_id, options, response in served.values_list(
        "item_id", "revision_id", "options", "response"
    ):
        src_of = {o["key"]: o["src"] for o in options}
        blanks[(item_id, revision_id)] += not response
        for key in response or []:
            if key in src_of:
                counts[(item_id, revision_id, src_of[key])] += 1
    return counts, blanks


def score_percents(definition: ExamDefinition) -> list[float]:
    """The percentage of every graded attempt at `definition`."""
    rows = ExamAttempt.objects.filter(definition=definition, status=AttemptStatus.SUBMITTED)
    return [float(p) for p in rows.values_list("percent", flat=True) if p is not None]
