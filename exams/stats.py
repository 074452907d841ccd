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
from decimal import Decimal

from django.db import connection
from django.db.models import Count, F, IntegerField, Value, Window
from django.db.models.functions import Cast, Coalesce, RowNumber

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


def point_biserial_from_sums(
    n: int, right: int, total: int, squares: int, right_total: int
) -> float | None:
    """The point-biserial from sums (n candidates, `right` of them right, Σ score, Σ score²,
    Σ score of those right): the same number as `point_biserial`, which it equals algebraically
    ((n·Σxy − r·Σy) / √(r(n − r)(n·Σy² − (Σy)²))) in any unit of score (scaling the scores by c
    scales both sides by c). Exact sums give an exact zero spread."""
    spread = n * squares - total * total
    if n < 2 or right in (0, n) or spread == 0:
        return None
    return float(n * right_total - right * total) / math.sqrt(right * (n - right) * float(spread))


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

    Two queries however many attempts: one pass over the items served (on PostgreSQL the
    database computes the measures with a window and sums, `_tallies_sql`; elsewhere the pure
    functions above do, `_tallies`), then the option texts of one served row per item. Option
    counts come from the choices stamped at grading (`AttemptItem.chosen`), not the answers."""
    served = attempt_items_served(definition=definition, item=item)
    tallies = _tallies_sql(served) if connection.vendor == "postgresql" else _tallies(served)
    heads = _heads([t.first for t in tallies.values()])
    return [
        _item_stats(key, tallies[key], heads[tallies[key].first])
        for key in sorted(tallies, key=lambda g: (g[0], g[1] or 0))
    ]


Group = tuple[int, int | None]  # (item, revision)


@dataclass
class Tally:
    """One (item, revision) over its candidates: the measures, its first served row (whose
    options give the texts), and how many made each choice ("0,2"; "" blank)."""

    n: int
    facility: float | None
    discrimination: float | None
    point_biserial: float | None
    first: int
    choices: dict[str, int]


def _item_stats(key: Group, tally: Tally, head: dict) -> ItemStats:
    counts: dict[int, int] = defaultdict(int)
    for chosen, n in tally.choices.items():
        for src in chosen.split(",") if chosen else []:
            counts[int(src)] += n
    correct_src = {o["src"] for o in head["options"] if o["key"] in head["correct_keys"]}
    texts = {o["src"]: o["text"] for o in head["options"]}
    return ItemStats(
        item_id=key[0],
        revision_id=key[1],
        title=head["item__title"] or head["item__prompt"][:80],
        topic=head["topic__name"],
        n=tally.n,
        facility=tally.facility,
        discrimination=tally.discrimination,
        point_biserial=tally.point_biserial,
        dubious=is_dubious(tally.discrimination),
        options=[
            OptionStat(texts[src], src in correct_src, counts[src], counts[src] / tally.n)
            for src in sorted(texts)
        ],
        blank=tally.choices.get("", 0),
    )


def _tallies(served) -> dict[Group, Tally]:
    """Through the pure functions, from one narrow row per item served."""
    rows = served.order_by("attempt_id", "pk").values_list(
        "pk", "item_id", "revision_id", "attempt__percent", "is_correct", "chosen"
    )
    pairs: dict[Group, list[tuple[float, bool]]] = defaultdict(list)
    firsts: dict[Group, int] = {}
    choices: dict[Group, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for pk, item_id, revision_id, percent, right, chosen in rows:
        key = (item_id, revision_id)
        pairs[key].append((float(percent or 0), bool(right)))
        firsts[key] = min(pk, firsts.get(key, pk))
        choices[key][chosen or ""] += 1
    return {
        key: Tally(
            len(group),
            facility([ok for _, ok in group]),
            discrimination(group),
            point_biserial(group),
            firsts[key],
            dict(choices[key]),
        )
        for key, group in pairs.items()
    }


# Per (item, revision, choice), over the item's candidates ranked by exam percentage (ties in
# attempt order): the item's n and k, and the parts that add up over its choices: how many,
# how many right, the sums the point-biserial needs, how many of the upper and of the lower k
# were right. Percentages are taken in hundredths as integers (the column has two decimals), so
# the ranking sorts integers and the sums are exact bigints; the point-biserial does not depend
# on the unit. round() on a double rounds half to even, as Python's does.
_TALLIES = """
SELECT item_id, revision_id, coalesce(chosen, ''), min(pk), max(n), max(k), count(*),
       count(*) FILTER (WHERE is_correct), sum(cents), sum(cents::int8 * cents),
       coalesce(sum(cents) FILTER (WHERE is_correct), 0),
       count(*) FILTER (WHERE is_correct AND place <= k),
       count(*) FILTER (WHERE is_correct AND place > n - k)
FROM (SELECT s.*, least(greatest(1, round(%s::float8 * n)), n / 2)::int AS k FROM ({served}) s) r
GROUP BY item_id, revision_id, coalesce(chosen, '')
"""


def _tallies_sql(served) -> dict[Group, Tally]:
    """The same, computed by PostgreSQL in one statement (exact integer sums)."""
    group, ranking = [F("item_id"), F("revision_id")], [F("cents").desc(), "attempt_id"]
    ranked = (
        served.order_by()
        .annotate(cents=Cast(Coalesce("attempt__percent", Value(Decimal(0))) * 100, IntegerField()))
        .annotate(
            place=Window(RowNumber(), partition_by=group, order_by=ranking),
            n=Window(Count("pk"), partition_by=group),
        )
        .values("pk", "item_id", "revision_id", "is_correct", "chosen", "cents", "place", "n")
    )
    sql, params = ranked.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(_TALLIES.format(served=sql), [UPPER_LOWER_FRACTION, *params])
        rows = cursor.fetchall()
    sums: dict[Group, list] = {}
    for item_id, revision_id, chosen, first, n, k, *parts in rows:
        key = (item_id, revision_id)
        acc = sums.setdefault(key, [n, k, first, {}, 0, 0, 0, 0, 0, 0])
        acc[2] = min(acc[2], first)
        acc[3][chosen] = parts[0]
        acc[4:] = [a + b for a, b in zip(acc[4:], parts[1:], strict=True)]
    return {
        key: Tally(
            n,
            right / n,
            (upper - lower) / k if n >= 2 else None,
            point_biserial_from_sums(n, right, total, squares, right_total),
            first,
            choices,
        )
        for key, (n, k, first, choices, right, total, squares, right_total, upper, lower) in (
            sums.items()
        )
    }


def _heads(pks: list[int]) -> dict[int, dict]:
    """Served rows by id: their option texts and keys, the item's title and topic."""
    rows = AttemptItem.objects.filter(pk__in=pks).values(
        "pk",
        "item__title",
        "item__prompt",
        "topic__name",
        "options",
        "correct_keys",
    )
    return {row["pk"]: row for row in rows}


def score_percents(definition: ExamDefinition) -> list[float]:
    """The percentage of every graded attempt at `definition`."""
    rows = ExamAttempt.objects.filter(definition=definition, status=AttemptStatus.SUBMITTED)
    return [float(p) for p in rows.values_list("percent", flat=True) if p is not None]
