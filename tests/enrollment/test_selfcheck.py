"""Table-driven tests for the "Which track fits me?" self-check (pure code, no database)."""

from dataclasses import FrozenInstanceError
from decimal import Decimal

import pytest

from enrollment.rules import Policy, RuleViolation, Track
from enrollment.selfcheck import (
    CM3_NOTE,
    CM3_NOTE_LICENSED,
    TRANSCRIPT_NOTE,
    Answers,
    Education,
    Recommendation,
    describe_track,
    recommend_track,
)

D = Decimal
E = Education

# id, answers, expected track
OUTCOMES = [
    ("cm1-60-credits", Answers(E.SOME_COLLEGE, False, college_credit_hours=60), Track.CM1),
    ("cm1-hs-60-credits", Answers(E.HIGH_SCHOOL, False, college_credit_hours=75), Track.CM1),
    ("cm1-36-months", Answers(E.HIGH_SCHOOL, False, months_experience=36), Track.CM1),
    ("cm1-other-bachelor", Answers(E.BACHELOR, False), Track.CM1),
    ("cm1-other-master", Answers(E.MASTER, False), Track.CM1),
    ("upgrade-bh", Answers(E.BACHELOR, True, cm1_certified=True), Track.CM1_UPGRADE),
    ("upgrade-bh-master", Answers(E.MASTER, True, cm1_certified=True), Track.CM1_UPGRADE),
    (
        "upgrade-cprp",
        Answers(E.BACHELOR, False, cprp_certified=True, cm1_certified=True),
        Track.CM1_UPGRADE,
    ),
    ("cm2-bh-bachelor", Answers(E.BACHELOR, True), Track.CM2),
    ("cm2-bh-master", Answers(E.MASTER, True), Track.CM2),
    ("cm2-rn", Answers(E.HIGH_SCHOOL, False, rn_license=True), Track.CM2),
    ("cm2-adc", Answers(E.SOME_COLLEGE, False, adc_certified=True), Track.CM2),
    ("cm2-master-in-progress", Answers(E.MASTER_IN_PROGRESS, False), Track.CM2),
    ("cm2-cprp", Answers(E.BACHELOR, False, cprp_certified=True), Track.CM2_CPRP),
    ("cm2-cprp-master", Answers(E.MASTER, False, cprp_certified=True), Track.CM2_CPRP),
    ("none-no-diploma", Answers(E.NONE, False, college_credit_hours=80), None),
    (
        "none-just-short",
        Answers(E.HIGH_SCHOOL, False, college_credit_hours=59, months_experience=35),
        None,
    ),
    ("none-cprp-without-bachelor", Answers(E.SOME_COLLEGE, False, cprp_certified=True), None),
    ("none-bh-degree-incomplete", Answers(E.SOME_COLLEGE, True, college_credit_hours=30), None),
    # Priority order.
    (
        "upgrade-beats-cm2",
        Answers(E.BACHELOR, True, cm1_certified=True, rn_license=True),
        Track.CM1_UPGRADE,
    ),
    ("cm2-beats-cprp", Answers(E.BACHELOR, True, cprp_certified=True), Track.CM2),
    (
        "cm2-rn-beats-cprp",
        Answers(E.BACHELOR, False, cprp_certified=True, rn_license=True),
        Track.CM2,
    ),
    ("cm1-holder-other-bachelor", Answers(E.BACHELOR, False, cm1_certified=True), Track.CM1),
    (
        "cm1-holder-rn-no-degree",
        Answers(E.HIGH_SCHOOL, False, cm1_certified=True, rn_license=True),
        Track.CM2,
    ),
    (
        "cm1-holder-master-in-progress",
        Answers(E.MASTER_IN_PROGRESS, False, cm1_certified=True),
        Track.CM2,
    ),
]


@pytest.mark.parametrize(
    ("answers", "track"), [row[1:] for row in OUTCOMES], ids=[row[0] for row in OUTCOMES]
)
def test_recommended_track(answers, track):
    result = recommend_track(answers)
    assert isinstance(result, Recommendation)
    assert result.track == track
    assert result.reasons and all(reason.endswith(".") for reason in result.reasons)


@pytest.mark.parametrize(
    ("answers", "days", "training_fee", "reapplication_fee"),
    [
        (Answers(E.HIGH_SCHOOL, False, months_experience=40), (1, 2), D("50"), D("0")),
        (Answers(E.BACHELOR, True, cm1_certified=True), (3, 4), D("50"), D("15")),
        (Answers(E.BACHELOR, True), (2, 3, 4), D("75"), D("0")),
        (Answers(E.BACHELOR, False, cprp_certified=True), (1, 2), D("50"), D("0")),
        (Answers(E.NONE, False), (), D("0"), D("0")),
    ],
    ids=["cm1", "upgrade", "cm2", "cm2-cprp", "not-eligible"],
)
def test_days_and_fees(answers, days, training_fee, reapplication_fee):
    result = recommend_track(answers)
    assert result.days == days
    assert result.training_fee == training_fee
    assert result.reapplication_fee == reapplication_fee
    assert isinstance(result.training_fee, Decimal)
    assert isinstance(result.reapplication_fee, Decimal)


@pytest.mark.parametrize(
    ("answers", "fragments"),
    [
        (
            Answers(E.HIGH_SCHOOL, False, college_credit_hours=24, months_experience=12),
            ["60 college credit hours or 36 months", "you have 24 credit hours and 12 months."],
        ),
        (
            Answers(E.HIGH_SCHOOL, False, college_credit_hours=59, months_experience=35),
            ["you have 59 credit hours and 35 months."],
        ),
        (
            Answers(E.HIGH_SCHOOL, False, college_credit_hours=1, months_experience=1),
            ["you have 1 credit hour and 1 month."],
        ),
        (
            Answers(E.NONE, False, college_credit_hours=80),
            ["you don't have a high school diploma or GED."],
        ),
        (
            Answers(E.NONE, False, months_experience=10),
            ["you don't have a high school diploma or GED and you have 0 credit hours and 10"],
        ),
    ],
    ids=["short", "just-short", "singular", "no-diploma", "no-diploma-and-short"],
)
def test_not_eligible_reason_names_whats_missing(answers, fragments):
    result = recommend_track(answers)
    assert result.track is None
    cm1_reason = result.reasons[0]
    assert cm1_reason.startswith("CM I needs a high school diploma or GED")
    for fragment in fragments:
        assert fragment in cm1_reason
    assert any(reason.startswith("CM II needs") for reason in result.reasons)


@pytest.mark.parametrize(
    ("answers", "_track"), [row[1:] for row in OUTCOMES], ids=[row[0] for row in OUTCOMES]
)
def test_cm3_note_always_present_once(answers, _track):
    notes = recommend_track(answers).notes
    assert notes[0] == CM3_NOTE
    assert "July 1, 2013" in notes[0]
    assert sum("CM III" in note for note in notes) == 1


@pytest.mark.parametrize(
    ("answers", "track"),
    [
        (Answers(E.MASTER, True, licensed_professional=True), Track.CM2),
        (Answers(E.HIGH_SCHOOL, False, adc_certified=True, licensed_professional=True), Track.CM2),
        (Answers(E.NONE, False, licensed_professional=True), None),
    ],
    ids=["master", "cadc", "not-eligible"],
)
def test_licensed_professional_note_first_track_still_computed(answers, track):
    result = recommend_track(answers)
    assert result.notes[0] == CM3_NOTE_LICENSED
    assert result.notes[0].startswith("You don't need this certification")
    assert CM3_NOTE not in result.notes
    assert result.track == track


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        (Answers(E.BACHELOR, True), True),
        (Answers(E.MASTER, True), True),
        (Answers(E.BACHELOR, True, cm1_certified=True), True),
        (Answers(E.BACHELOR, False, cm1_certified=True, cprp_certified=True), False),
        (Answers(E.BACHELOR, True, rn_license=True), False),
        (Answers(E.MASTER_IN_PROGRESS, False), False),
        (Answers(E.HIGH_SCHOOL, False, rn_license=True), False),
        (Answers(E.BACHELOR, False, cprp_certified=True), False),
        (Answers(E.BACHELOR, False), False),
        (Answers(E.SOME_COLLEGE, True, college_credit_hours=90), False),
    ],
    ids=[
        "bh-bachelor",
        "bh-master",
        "upgrade-bh",
        "upgrade-cprp",
        "bh-and-rn",
        "master-in-progress",
        "rn",
        "cprp",
        "other-bachelor",
        "incomplete",
    ],
)
def test_transcript_note_when_track_relies_on_bh_degree(answers, expected):
    assert (TRANSCRIPT_NOTE in recommend_track(answers).notes) is expected


def test_transcript_note_wording():
    assert "Approved Degree List" in TRANSCRIPT_NOTE
    assert "official transcript" in TRANSCRIPT_NOTE
    assert "Incomplete degrees are not eligible." in TRANSCRIPT_NOTE


def test_incomplete_bh_degree_gets_a_note_but_cm1_from_credits():
    result = recommend_track(Answers(E.SOME_COLLEGE, True, college_credit_hours=90))
    assert result.track is Track.CM1
    assert any("conferred" in note for note in result.notes)


@pytest.mark.parametrize(
    ("answers", "training_fee", "reapplication_fee"),
    [
        (Answers(E.HIGH_SCHOOL, False, college_credit_hours=60), D("60"), D("0")),
        (Answers(E.BACHELOR, True, cm1_certified=True), D("60"), D("20")),
        (Answers(E.BACHELOR, True), D("90"), D("0")),
        (Answers(E.BACHELOR, False, cprp_certified=True), D("60"), D("0")),
    ],
    ids=["cm1", "upgrade", "cm2", "cm2-cprp"],
)
def test_custom_policy_changes_fees(answers, training_fee, reapplication_fee):
    policy = Policy(day_fee=D("30"), reapplication_fee=D("20"))
    result = recommend_track(answers, policy=policy)
    assert result.training_fee == training_fee
    assert result.reapplication_fee == reapplication_fee


@pytest.mark.parametrize(
    ("track", "label", "days", "training", "reapply", "total"),
    [
        (Track.CM1, "CM I", (1, 2), D("50"), D("0"), D("50")),
        (Track.CM1_UPGRADE, "CM I Upgrade", (3, 4), D("50"), D("15"), D("65")),
        (Track.CM2, "CM II New Applicant", (2, 3, 4), D("75"), D("0"), D("75")),
        (Track.CM2_CPRP, "CM II New – CPRP/CPRC", (1, 2), D("50"), D("0"), D("50")),
        ("cm2", "CM II New Applicant", (2, 3, 4), D("75"), D("0"), D("75")),
    ],
)
def test_describe_track(track, label, days, training, reapply, total):
    assert describe_track(track) == {
        "track": Track(track),
        "label": label,
        "days": days,
        "training_fee": training,
        "reapplication_fee": reapply,
        "total_fee": total,
    }


def test_describe_track_custom_policy_and_unknown_track():
    info = describe_track(Track.CM2, policy=Policy(day_fee=D("30")))
    assert info["training_fee"] == D("90") and info["total_fee"] == D("90")
    with pytest.raises(RuleViolation):
        describe_track("cm3")


def test_reasons_name_track_and_days():
    result = recommend_track(Answers(E.BACHELOR, True))
    assert result.reasons[-1] == (
        "That makes CM II New Applicant your track, with classroom Days 2, 3 and 4."
    )


@pytest.mark.parametrize(
    "kwargs",
    [
        {"education": "phd", "behavioral_health_degree": False},
        {"education": E.BACHELOR, "behavioral_health_degree": False, "college_credit_hours": -1},
        {"education": E.BACHELOR, "behavioral_health_degree": False, "months_experience": -1},
    ],
    ids=["unknown-education", "negative-credits", "negative-months"],
)
def test_invalid_answers_refused(kwargs):
    with pytest.raises(RuleViolation):
        Answers(**kwargs)


def test_answers_accept_education_string_and_are_frozen():
    answers = Answers("bachelor", True)
    assert answers.education is Education.BACHELOR
    assert recommend_track(answers).track is Track.CM2
    with pytest.raises(FrozenInstanceError):
        answers.education = Education.MASTER


@pytest.mark.parametrize("education", list(Education))
def test_every_education_has_a_label(education):
    assert education.label and education.label[0].isupper()


@pytest.mark.parametrize(
    "answers, track", [pytest.param(a, t, id=i) for i, a, t in OUTCOMES if t is not None]
)
def test_the_recommended_track_has_no_shortfalls(answers, track):
    from enrollment.selfcheck import track_shortfalls

    assert track_shortfalls(answers, track) == {}


@pytest.mark.parametrize(
    "answers, track, fields",
    [
        (Answers(E.HIGH_SCHOOL, False), Track.CM2_CPRP, {"education", "cprp_certified"}),
        (Answers(E.BACHELOR, False, cprp_certified=False), Track.CM2, {"behavioral_health_degree"}),
        (
            Answers(E.HIGH_SCHOOL, False, months_experience=12),
            Track.CM1,
            {"months_experience", "college_credit_hours"},
        ),
        (Answers(E.NONE, False, months_experience=48), Track.CM1, {"education"}),
        (Answers(E.BACHELOR, True), Track.CM1_UPGRADE, {"cm1_certified"}),
        (Answers(E.SOME_COLLEGE, False, cm1_certified=True), Track.CM1_UPGRADE, {"education"}),
    ],
)  # fmt: skip
def test_answers_that_do_not_fit_the_chosen_track_say_where(answers, track, fields):
    from enrollment.selfcheck import track_shortfalls

    shortfalls = track_shortfalls(answers, track)
    assert set(shortfalls) == fields
    assert all(message.endswith(".") for message in shortfalls.values())
