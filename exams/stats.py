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

from exams.conf import DUBIOUS_DISCRIMINATION
from exams.models import AttemptStatus, ExamAttempt, ExamDefinition, ExamItem
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


def _option_stats(rows: list[dict]) -> tuple[list[OptionStat], int]:
    first = rows[0]
    correct_src = {o["src"] for o in first["options"] if o["key"] in first["correct_keys"]}
    texts = {o["src"]: o["text"] for o in first["options"]}
    counts: dict[int, int] = defaultdict(int)
    blank = 0
    for row in rows:
        src_of = {o["key"]: o["src"] for o in row["options"]}
        chosen = row["response"] or []
        blank += not chosen
        for key in chosen:
            counts[src_of.get(key, -1)] += 1
    n = len(rows)
    options = [
        OptionStat(texts[src], src in correct_src, counts[src], counts[src] / n)
        for src in sorted(texts)
    ]
    return options, blank


def item_statistics(
    *, definition: ExamDefinition | None = None, item: ExamItem | None = None
) -> list[ItemStats]:
    """Statistics per (item, revision) over graded attempts, optionally for one exam or item."""
    rows = attempt_items_served(definition=definition, item=item).values(
        "item_id",
        "revision_id",
        "item__title",
        "item__prompt",
        "topic__name",
        "options",
        "correct_keys",
        "response",
        "is_correct",
        "attempt__percent",
        "attempt_id",
    )
    groups: dict[tuple[int, int | None], list[dict]] = defaultdict(list)
    for row in rows.order_by("attempt_id"):
        groups[(row["item_id"], row["revision_id"])].append(row)
    result = []
    for (item_id, revision_id), group in sorted(
        groups.items(), key=lambda g: (g[0][0], g[0][1] or 0)
    ):
        pairs = [(float(r["attempt__percent"] or 0), bool(r["is_correct"])) for r in group]
        d = discrimination(pairs)
        options, blank = _option_stats(group)
        result.append(
            ItemStats(
                item_id=item_id,
                revision_id=revision_id,
                title=group[0]["item__title"] or group[0]["item__prompt"][:80],
                topic=group[0]["topic__name"],
                n=len(group),
                facility=facility([ok for _, ok in pairs]),
                discrimination=d,
                point_biserial=point_biserial(pairs),
                dubious=is_dubious(d),
                options=options,
                blank=blank,
            )
        )
    return result


def score_percents(definition: ExamDefinition) -> list[float]:
    """The percentage of every graded attempt at `definition`."""
    rows = ExamAttempt.objects.filter(definition=definition, status=AttemptStatus.SUBMITTED)
    return [float(p) for p in rows.values_list("percent", flat=True) if p is not None]
