"""The exam's pure rules: table-driven, no database."""

import random
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from exams import rules
from exams.rules import AllowanceKind, FeedbackMode, ItemKind, RuleViolation

T = datetime(2026, 5, 4, 15, 0, tzinfo=UTC)


def test_draw_takes_exactly_the_blueprint_count_per_topic_without_repeats():
    pools = {"doc": list(range(1, 11)), "bil": list(range(11, 16)), "eth": [16, 17]}
    blueprint = {"doc": 4, "bil": 5, "eth": 1}
    topic_of = {i: t for t, ids in pools.items() for i in ids}
    for seed in range(50):
        drawn = rules.draw_items(pools, blueprint, rng=random.Random(seed))
        assert len(drawn) == len(set(drawn)) == 10
        assert Counter(topic_of[i] for i in drawn) == Counter(blueprint)


def test_draw_is_random_and_reproducible_with_a_seed():
    pools = {"doc": list(range(100))}
    a = rules.draw_items(pools, {"doc": 10}, rng=random.Random(1))
    b = rules.draw_items(pools, {"doc": 10}, rng=random.Random(1))
    c = rules.draw_items(pools, {"doc": 10}, rng=random.Random(2))
    assert a == b != c


def test_draw_refuses_a_topic_with_too_few_items_and_names_it():
    with pytest.raises(RuleViolation, match=r"Billing \(2 of 3\)"):
        rules.draw_items(
            {"doc": [1, 2, 3], "bil": [4, 5]},
            {"doc": 1, "bil": 3},
            rng=random.Random(0),
            names={"bil": "Billing"},
        )


@pytest.mark.parametrize(
    "limit, kind, amount, extra",
    [
        (60, None, None, 0),
        (60, None, 20, 0),  # half an allowance is none: the rule does not guess the kind
        (60, AllowanceKind.PERCENT, None, 0),
        (60, AllowanceKind.PERCENT, 50, 30),
        (45, AllowanceKind.PERCENT, 25, 12),  # 11.25 rounds up
        (45, AllowanceKind.MINUTES, 20, 20),
        (45, AllowanceKind.PERCENT, 100, 45),
        (120, AllowanceKind.PERCENT, 100, 120),  # double time on a two-hour exam
    ],
)
def test_allowance_minutes(limit, kind, amount, extra):
    assert rules.allowance_minutes(limit, kind, amount) == extra


def test_deadline_and_grace():
    deadline = rules.attempt_deadline(T, 30, 15)
    assert deadline == T + timedelta(minutes=45)
    assert rules.save_allowed(deadline, deadline, 30)
    assert rules.save_allowed(deadline + timedelta(seconds=30), deadline, 30)
    assert not rules.save_allowed(deadline + timedelta(seconds=31), deadline, 30)


def _refusal(**overrides):
    args = {
        "now": T,
        "eligible": True,
        "has_passed": False,
        "opens_at": None,
        "closes_at": None,
        "attempts_used": 0,
        "attempts_allowed": 3,
        "last_finished_at": None,
        "wait_hours": 24,
    }
    return rules.start_refusal(**(args | overrides))


@pytest.mark.parametrize(
    "overrides, expected",
    [
        ({}, None),
        ({"eligible": False}, "classroom day"),
        ({"has_passed": True}, "already passed"),
        ({"opens_at": T + timedelta(seconds=1)}, "not open yet"),
        ({"opens_at": T}, None),
        ({"closes_at": T}, "closed"),
        ({"closes_at": T + timedelta(seconds=1)}, None),
        ({"attempts_used": 3}, "all 3 attempts"),
        ({"attempts_used": 1, "last_finished_at": T - timedelta(hours=23, minutes=59)}, "waiting"),
        ({"attempts_used": 1, "last_finished_at": T - timedelta(hours=24)}, None),
        ({"attempts_used": 1, "last_finished_at": T, "wait_hours": 0}, None),
    ],
)
def test_start_refusal(overrides, expected):
    refusal = _refusal(**overrides)
    if expected is None:
        assert refusal is None
    else:
        assert expected in refusal


@pytest.mark.parametrize(
    "last_finished_at, wait_hours, expected",
    [
        (T, 24, T + timedelta(hours=24)),
        (T, 1, T + timedelta(hours=1)),
        (None, 24, None),  # no attempt yet
        (T, 0, None),  # no waiting period
    ],
)
def test_next_attempt_at_is_the_end_of_the_waiting_period(last_finished_at, wait_hours, expected):
    assert rules.next_attempt_at(last_finished_at, wait_hours) == expected


@pytest.mark.parametrize(
    "kind, choice, keys, expected",
    [
        (ItemKind.SINGLE, ["b"], ["a", "b", "c"], ["b"]),
        (ItemKind.MULTIPLE, ["c", "a", "c"], ["a", "b", "c"], ["a", "c"]),
        (ItemKind.MULTIPLE, [], ["a", "b"], []),
        (ItemKind.MULTIPLE, ["b", "c", "a"], ["a", "b", "c"], ["a", "b", "c"]),  # every option
        (ItemKind.TRUE_FALSE, ["t"], ["t", "f"], ["t"]),
    ],
)
def test_answer_keys_accepts(kind, choice, keys, expected):
    assert rules.answer_keys(kind, choice, keys) == expected


@pytest.mark.parametrize(
    "kind, choice",
    [
        (ItemKind.SINGLE, ["a", "b"]),
        (ItemKind.SINGLE, ["zzz"]),
        (ItemKind.SINGLE, "a"),
        (ItemKind.MULTIPLE, [1]),
    ],
)
def test_answer_keys_refuses(kind, choice):
    with pytest.raises(RuleViolation):
        rules.answer_keys(kind, choice, ["a", "b", "c"])


def test_grade_is_all_or_nothing_per_item_and_by_topic():
    result = rules.grade(
        [
            ("Doc", ["a"], ["a"]),
            ("Doc", ["a", "b"], ["a"]),  # partly right is wrong
            ("Doc", ["a"], None),  # blank is wrong
            ("Eth", ["x", "y"], ["y", "x"]),
            ("Eth", ["x"], ["x"]),
        ],
        pass_mark_percent=60,
    )
    assert (result.score, result.max_score, result.percent, result.passed) == (3, 5, 60.0, True)
    assert result.topics == {"Doc": (1, 3), "Eth": (2, 2)}
    assert not rules.grade([("Doc", ["a"], ["b"])], pass_mark_percent=60).passed


def test_grade_rounds_the_percentage_to_two_places():
    result = rules.grade(
        [("Doc", ["a"], ["a"]), ("Doc", ["a"], ["a"]), ("Doc", ["a"], ["b"])],
        pass_mark_percent=60,
    )
    assert (result.score, result.percent, result.passed) == (2, 66.67, True)


def test_a_one_item_exam_answered_right_is_passed():
    result = rules.grade([("Doc", ["a"], ["a"])], pass_mark_percent=75)
    assert (result.score, result.max_score, result.percent, result.passed) == (1, 1, 100.0, True)


@pytest.mark.parametrize("pass_mark", [75, 0])
def test_an_exam_with_no_items_scores_zero_and_is_not_passed(pass_mark):
    # The pass mark is the caller's policy; the rule alone guarantees that an empty paper never
    # passes, whatever mark it is given.
    result = rules.grade([], pass_mark_percent=pass_mark)
    assert (result.score, result.max_score, result.percent, result.passed) == (0, 0, 0.0, False)
    assert result.topics == {}


@pytest.mark.parametrize(
    "response, expected",
    [
        (["k1", "k2"], "0,2"),  # the places in the item, not the order served
        (["k3"], "1"),
        ([], ""),
        (None, ""),
    ],
)
def test_chosen_places_names_the_chosen_options_places_in_the_item(response, expected):
    served = [{"key": "k1", "src": 2}, {"key": "k2", "src": 0}, {"key": "k3", "src": 1}]
    assert rules.chosen_places(served, response) == expected


@pytest.mark.parametrize(
    "kind, options, problems",
    [
        (ItemKind.SINGLE, [("a", True)], ["Give at least two options."]),
        (ItemKind.SINGLE, [("a", True), ("b", True)], ["Mark exactly one option as correct."]),
        (ItemKind.SINGLE, [("a", False), ("b", False)], ["Mark exactly one option as correct."]),
        (ItemKind.MULTIPLE, [("a", False), ("b", False)], ["Mark at least one option as correct."]),
        (
            ItemKind.TRUE_FALSE,
            [("True", True), ("False", False), ("Maybe", False)],
            ["A true/false item has exactly two options (True and False)."],
        ),
        (ItemKind.SINGLE, [("a", True), (" ", False)], ["An option has no text."]),
        (ItemKind.SINGLE, [("Same", True), ("same", False)], ["Two options have the same text."]),
        # well-formed items of each kind: nothing to fix
        (ItemKind.SINGLE, [("a", False), ("b", True), ("c", False)], []),
        (ItemKind.MULTIPLE, [("a", False), ("b", True), ("c", False)], []),
        (ItemKind.MULTIPLE, [("a", True), ("b", True), ("c", False)], []),
        (ItemKind.TRUE_FALSE, [("True", False), ("False", True)], []),
    ],
)
def test_item_problems_names_each_problem_once_and_only_those(kind, options, problems):
    assert rules.item_problems(kind, options) == problems


def test_a_complete_item_has_no_problems_but_activation_needs_a_rationale():
    options = [("a", True), ("b", False)]
    assert rules.item_problems(ItemKind.SINGLE, options) == []
    assert rules.activation_problems(ItemKind.SINGLE, options, prompt="Q?", rationale="") == [
        "Write the rationale candidates read in review."
    ]


def test_the_kinds_modes_and_allowances_are_offered_under_their_labels():
    assert rules.choices(ItemKind) == [
        ("single", "Multiple choice (one answer)"),
        ("multiple", "Multiple answer (choose all that apply)"),
        ("true_false", "True / false"),
    ]
    assert rules.choices(FeedbackMode) == [
        ("score", "Score only"),
        ("pass_fail", "Pass or fail only"),
        ("topics", "Pass or fail, score and per-topic breakdown"),
        ("review", "All of that, plus every item with its key and rationale"),
    ]
    assert rules.choices(AllowanceKind) == [
        ("percent", "Percent of the time limit"),
        ("minutes", "Extra minutes"),
    ]
