"""The competency exam's rules, as pure functions: plain inputs, plain outputs, or a
`RuleViolation` a person can read. No ORM, no clock, no settings: callers pass them in."""

import math
import random
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from enrollment.rules import RuleViolation

__all__ = [
    "AllowanceKind",
    "FeedbackMode",
    "Grade",
    "ItemKind",
    "RuleViolation",
    "activation_problems",
    "allowance_minutes",
    "answer_keys",
    "attempt_deadline",
    "draw_items",
    "grade",
    "is_correct",
    "item_problems",
    "save_allowed",
    "start_refusal",
]


class ItemKind(StrEnum):
    SINGLE = "single"
    MULTIPLE = "multiple"
    TRUE_FALSE = "true_false"

    @property
    def label(self) -> str:
        return _LABELS[self]


class FeedbackMode(StrEnum):
    """What a candidate sees after submitting."""

    SCORE = "score"
    PASS_FAIL = "pass_fail"
    TOPICS = "topics"
    REVIEW = "review"

    @property
    def label(self) -> str:
        return _LABELS[self]


class AllowanceKind(StrEnum):
    PERCENT = "percent"
    MINUTES = "minutes"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    ItemKind.SINGLE: "Multiple choice (one answer)",
    ItemKind.MULTIPLE: "Multiple answer (choose all that apply)",
    ItemKind.TRUE_FALSE: "True / false",
    FeedbackMode.SCORE: "Score only",
    FeedbackMode.PASS_FAIL: "Pass or fail only",
    FeedbackMode.TOPICS: "Pass or fail, score and per-topic breakdown",
    FeedbackMode.REVIEW: "All of that, plus every item with its key and rationale",
    AllowanceKind.PERCENT: "Percent of the time limit",
    AllowanceKind.MINUTES: "Extra minutes",
}


def choices(enum: type[StrEnum]) -> list[tuple[str, str]]:
    """Django `choices` for one of the enums above."""
    return [(member.value, member.label) for member in enum]


# --- items -----------------------------------------------------------------------------------


def item_problems(kind: str, options: Sequence[tuple[str, bool]]) -> list[str]:
    """What is structurally wrong with an item's options for its kind (empty when fine).

    Single-answer and true/false items need exactly one correct option; multiple-answer items at
    least one; every item at least two options, none blank; true/false exactly two.
    """
    problems = []
    texts = [text.strip() for text, _ in options]
    correct = sum(1 for _, is_correct in options if is_correct)
    if len(options) < 2:
        problems.append("Give at least two options.")
    if any(not text for text in texts):
        problems.append("An option has no text.")
    if len({t.casefold() for t in texts}) != len(texts):
        problems.append("Two options have the same text.")
    if kind == ItemKind.TRUE_FALSE and len(options) != 2:
        problems.append("A true/false item has exactly two options (True and False).")
    if kind in (ItemKind.SINGLE, ItemKind.TRUE_FALSE) and correct != 1:
        problems.append("Mark exactly one option as correct.")
    if kind == ItemKind.MULTIPLE and correct < 1:
        problems.append("Mark at least one option as correct.")
    return problems


def activation_problems(
    kind: str, options: Sequence[tuple[str, bool]], *, prompt: str, rationale: str
) -> list[str]:
    """What stops an item from being drawn into exams: its option problems, plus a prompt and a
    rationale (shown to candidates in review)."""
    problems = item_problems(kind, options)
    if not prompt.strip():
        problems.append("Write the question.")
    if not rationale.strip():
        problems.append("Write the rationale candidates read in review.")
    return problems


# --- drawing -------------------------------------------------------------------------------------


def draw_items(
    pools: Mapping[Hashable, Sequence[int]],
    blueprint: Mapping[Hashable, int],
    *,
    rng: random.Random,
    names: Mapping[Hashable, str] | None = None,
) -> list[int]:
    """Draw `blueprint[topic]` distinct item ids at random from `pools[topic]` for each topic, then
    shuffle them together. Raises RuleViolation naming every topic whose pool is too small."""
    short = [
        f"{(names or {}).get(topic, topic)} ({len(pools.get(topic, ()))} of {count})"
        for topic, count in blueprint.items()
        if len(pools.get(topic, ())) < count
    ]
    if short:
        raise RuleViolation(
            "The exam cannot be put together: too few active items in " + ", ".join(short) + "."
        )
    drawn = [
        item
        for topic, count in blueprint.items()
        for item in rng.sample(sorted(pools[topic]), count)
    ]
    rng.shuffle(drawn)
    return drawn


# --- time ------------------------------------------------------------------------------------


def allowance_minutes(time_limit_minutes: int, kind: str | None, amount: int | None) -> int:
    """Extra minutes an approved accommodation adds: a percentage of the limit (rounded up) or a
    number of minutes. No accommodation: 0."""
    if not kind or not amount:
        return 0
    if kind == AllowanceKind.PERCENT:
        return math.ceil(time_limit_minutes * amount / 100)
    return int(amount)


def attempt_deadline(started_at: datetime, time_limit_minutes: int, extra_minutes: int) -> datetime:
    """When an attempt's time is up: start + limit + the person's allowance."""
    return started_at + timedelta(minutes=time_limit_minutes + extra_minutes)


def save_allowed(now: datetime, deadline: datetime, grace_seconds: int) -> bool:
    """Answers are accepted until the deadline plus a short grace that absorbs network latency."""
    return now <= deadline + timedelta(seconds=grace_seconds)


def start_refusal(
    *,
    now: datetime,
    eligible: bool,
    has_passed: bool,
    opens_at: datetime | None,
    closes_at: datetime | None,
    attempts_used: int,
    attempts_allowed: int,
    last_finished_at: datetime | None,
    wait_hours: int,
) -> str | None:
    """Why a person may not start a new attempt now, or None when they may."""
    if has_passed:
        return "You have already passed the competency exam."
    if not eligible:
        return (
            "The exam opens once every required classroom day is attended "
            "(or when certification staff open it for you)."
        )
    if opens_at is not None and now < opens_at:
        return "The exam is not open yet."
    if closes_at is not None and now >= closes_at:
        return "The exam is closed."
    if attempts_used >= attempts_allowed:
        return f"You have used all {attempts_allowed} attempts allowed."
    if last_finished_at is not None and wait_hours:
        allowed_at = last_finished_at + timedelta(hours=wait_hours)
        if now < allowed_at:
            return f"You may try again after the waiting period of {wait_hours} hours."
    return None


def next_attempt_at(last_finished_at: datetime | None, wait_hours: int) -> datetime | None:
    """When the waiting period after the last attempt ends (None when there is none)."""
    if last_finished_at is None or not wait_hours:
        return None
    return last_finished_at + timedelta(hours=wait_hours)


# --- answers and grading ---------------------------------------------------------------------


def answer_keys(kind: str, choice: object, option_keys: Sequence[str]) -> list[str]:
    """Validate a candidate's choice (a list of option keys) for an item; returns it cleaned
    (unique, in the order shown). Raises RuleViolation for anything else."""
    if not isinstance(choice, list) or not all(isinstance(key, str) for key in choice):
        raise RuleViolation("An answer is a list of option keys.")
    chosen = set(choice)
    if not chosen <= set(option_keys):
        raise RuleViolation("That option is not part of this question.")
    if kind != ItemKind.MULTIPLE and len(chosen) > 1:
        raise RuleViolation("Choose one option for this question.")
    return [key for key in option_keys if key in chosen]


def is_correct(correct_keys: Sequence[str], response: Sequence[str] | None) -> bool:
    """All or nothing: exactly the correct options and no other. A blank answer is wrong."""
    return bool(response) and set(response) == set(correct_keys)


def chosen_places(options: Sequence[dict], response: Sequence[str] | None) -> str:
    """The places in the item (`src`) of the served options a response chose, ascending and
    comma-separated ("0,2"); "" for a blank answer. Kept on the graded item for statistics."""
    chosen = set(response or [])
    return ",".join(str(src) for src in sorted(o["src"] for o in options if o["key"] in chosen))


@dataclass(frozen=True)
class Grade:
    score: int
    max_score: int
    percent: float
    passed: bool
    topics: dict[str, tuple[int, int]]  # topic → (correct, items)


def grade(
    items: Sequence[tuple[str, Sequence[str], Sequence[str] | None]], *, pass_mark_percent: int
) -> Grade:
    """Grade `(topic, correct keys, response)` triples: one point per item answered exactly right;
    pass when the percentage reaches the pass mark."""
    topics: dict[str, list[int]] = {}
    score = 0
    for topic, correct_keys, response in items:
        right = is_correct(correct_keys, response)
        score += right
        tally = topics.setdefault(topic, [0, 0])
        tally[0] += right
        tally[1] += 1
    max_score = len(items)
    percent = round(100 * score / max_score, 2) if max_score else 0.0
    return Grade(
        score=score,
        max_score=max_score,
        percent=percent,
        passed=max_score > 0 and percent >= pass_mark_percent,
        topics={topic: (c, n) for topic, (c, n) in topics.items()},
    )
