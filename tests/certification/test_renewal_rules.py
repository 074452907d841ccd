"""Renewal rules (certification/renewal_rules.py): table-driven, no database."""

import random
from datetime import date, timedelta
from decimal import Decimal as D
from fractions import Fraction

import pytest

from certification.renewal_rules import (
    AGENCY_IN_HOUSE,
    COLLEGE_CREDIT_HOURS,
    DEFAULT_CEU_RULES,
    CeuCap,
    CeuCategory,
    CeuConversion,
    CeuEntry,
    CeuRules,
    audit_draw_hash,
    audit_draw_value,
    ceu_rules_window,
    ceu_shortfall_detailed,
    is_audit_selected,
    late_fee_due,
    late_renewal_window,
    renewal_reminder_dates,
    suspension_date,
    termination_date,
)
from enrollment.rules import (
    DEFAULT_POLICY,
    Policy,
    RuleViolation,
    certification_status,
    ceu_shortfall,
    ceu_window,
    reapply_allowed_on,
    renewal_fee,
    renewal_phase,
)

ON = date(2025, 1, 15)


def _met(ethics=3, strengths=3, general=6, on=ON):
    return [
        CeuEntry("ethics", ethics, on),
        CeuEntry("strengths_based", strengths, on),
        CeuEntry("general", general, on),
    ]


# --- CEU rules as data ---------------------------------------------------------------------------


def test_default_ceu_rules_are_the_spec():
    minimums = {c.key: c.minimum_hours for c in DEFAULT_CEU_RULES.categories}
    assert minimums == {"ethics": D("3"), "strengths_based": D("3"), "general": D("0")}
    assert DEFAULT_CEU_RULES.total_hours == D("12")
    assert DEFAULT_CEU_RULES.caps == (CeuCap(AGENCY_IN_HOUSE, D("3")),)
    assert DEFAULT_CEU_RULES.conversions == (CeuConversion(COLLEGE_CREDIT_HOURS, D("4")),)
    assert ceu_rules_window(2025) == ceu_window(2025) == (date(2024, 7, 1), date(2025, 6, 30))


@pytest.mark.parametrize(
    ("start", "end", "window"),
    [
        ((7, 1), (6, 30), (date(2027, 7, 1), date(2028, 6, 30))),  # spans the leap day
        ((1, 1), (12, 31), (date(2028, 1, 1), date(2028, 12, 31))),  # a calendar year
        ((3, 1), (2, 28), (date(2027, 3, 1), date(2028, 2, 28))),
        ((6, 30), (6, 30), (date(2028, 6, 30), date(2028, 6, 30))),  # not after the end: one day
    ],
)
def test_window_from_month_days(start, end, window):
    rules = CeuRules(DEFAULT_CEU_RULES.categories, D("12"), (), (), start, end)
    assert ceu_rules_window(2028, rules) == window


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ((2, 29), (6, 30), "cannot start or end on February 29"),
        ((3, 1), (2, 29), "cannot start or end on February 29"),
        ((7, 1), (4, 31), "4/31 is not a day of the year"),
        ((2, 30), (6, 30), "2/30 is not a day of the year"),
    ],
)
def test_window_refuses_days_not_in_every_year(start, end, message):
    rules = CeuRules(DEFAULT_CEU_RULES.categories, D("12"), (), (), start, end)
    with pytest.raises(RuleViolation, match=message):
        ceu_rules_window(2028, rules)


def test_a_window_may_run_from_march_29():
    rules = CeuRules(DEFAULT_CEU_RULES.categories, D("12"), (), (), (3, 29), (3, 28))
    assert ceu_rules_window(2028, rules) == (date(2027, 3, 29), date(2028, 3, 28))


@pytest.mark.parametrize(
    ("completed_on", "counts"),
    [
        (date(2024, 6, 30), False),
        (date(2024, 7, 1), True),
        (date(2024, 12, 31), True),
        (date(2025, 1, 1), True),
        (date(2025, 6, 30), True),
        (date(2025, 7, 1), False),
    ],
)
def test_window_edges_and_the_reason_given(completed_on, counts):
    entries = [*_met(general=0), CeuEntry("general", 6, completed_on)]
    result = ceu_shortfall_detailed(entries, 2025)
    assert result.missing == ({} if counts else {"total": D("6")})
    assert result.is_met is counts
    if counts:
        assert result.excluded == ()
    else:
        (excluded,) = result.excluded
        assert (excluded.index, excluded.reason, excluded.hours_not_counted) == (
            3,
            "outside_window",
            D("6"),
        )
        assert "Jul 1, 2024 – Jun 30, 2025" in excluded.message


def test_feb_29_counts_in_a_leap_renewal_year():
    leap = date(2028, 2, 29)
    entries = [*_met(general=0, on=leap), CeuEntry("general", 6, leap)]
    assert ceu_shortfall_detailed(entries, 2028).is_met
    assert ceu_shortfall_detailed(entries, 2029).missing["total"] == D("12")


@pytest.mark.parametrize(
    ("in_house", "missing", "over"),
    [
        ([3], {}, []),
        ([4], {}, [D("1")]),
        ([2, 2], {}, [D("1")]),  # the cap is for the whole year
        ([1, 1], {"total": D("1")}, []),
        ([1.5, 1.5], {}, []),
        ([10], {}, [D("7")]),
    ],
)
def test_agency_in_house_cap(in_house, missing, over):
    entries = [*_met(general=3)]
    entries += [
        CeuEntry("general", hours, ON + timedelta(days=i), provider_type=AGENCY_IN_HOUSE)
        for i, hours in enumerate(in_house)
    ]
    result = ceu_shortfall_detailed(entries, 2025)
    assert result.missing == missing
    assert [e.hours_not_counted for e in result.excluded] == over
    assert all(e.reason == "over_cap" for e in result.excluded)
    assert result.counted["general"] == 3 + min(sum(D(str(h)) for h in in_house), D("3"))


def test_cap_trims_the_latest_in_house_hours_first():
    late = CeuEntry("ethics", 3, date(2025, 5, 1), provider_type=AGENCY_IN_HOUSE)
    early = CeuEntry("general", 3, date(2024, 9, 1), provider_type=AGENCY_IN_HOUSE)
    result = ceu_shortfall_detailed([late, early], 2025)
    assert result.counted["general"] == D("3") and result.counted["ethics"] == D("0")
    assert [(e.index, e.reason) for e in result.excluded] == [(0, "over_cap")]


def test_in_house_hours_outside_the_window_use_no_cap():
    entries = [
        *_met(general=3),
        CeuEntry("general", 3, date(2024, 6, 1), provider_type=AGENCY_IN_HOUSE),
        CeuEntry("general", 3, ON, provider_type=AGENCY_IN_HOUSE),
    ]
    result = ceu_shortfall_detailed(entries, 2025)
    assert result.is_met
    assert [e.reason for e in result.excluded] == ["outside_window"]


@pytest.mark.parametrize(
    ("credits", "missing"),
    [
        ("3", {}),  # 3 college credit hours = 12 CEU hours
        ("1.5", {"total": D("6")}),
        ("0.75", {"total": D("9")}),
    ],
)
def test_college_credit_conversion(credits, missing):
    entries = [
        CeuEntry("ethics", 0, ON),
        CeuEntry("general", credits, ON, unit=COLLEGE_CREDIT_HOURS),
    ]
    ethics_met = [CeuEntry("ethics", 3, ON), CeuEntry("strengths_based", 3, ON)]
    result = ceu_shortfall_detailed([*ethics_met, entries[1]], 2025)
    expected = {k: v - 6 for k, v in missing.items() if v > 6}
    assert result.missing == expected
    only_credits = ceu_shortfall_detailed(entries, 2025)
    assert only_credits.missing.get("total") == missing.get("total")
    assert only_credits.counted["general"] == D(credits) * 4


def test_conversion_and_cap_are_data():
    rules = CeuRules(
        categories=(CeuCategory("ethics", "Ethics", D("2")), CeuCategory("any", "Any")),
        total_hours=D("10"),
        caps=(CeuCap("online", D("5")),),
        conversions=(CeuConversion("quarter_hours", D("2.5")),),
    )
    entries = [
        CeuEntry("ethics", 2, ON),
        CeuEntry("any", 8, ON, provider_type="online"),
        CeuEntry("any", 1, ON, unit="quarter_hours"),
    ]
    result = ceu_shortfall_detailed(entries, 2025, rules)
    assert result.missing == {"total": D("0.5")}
    assert result.counted == {"ethics": D("2"), "any": D("7.5")}
    with pytest.raises(RuleViolation, match="not a CEU category"):
        ceu_shortfall_detailed([CeuEntry("general", 1, ON)], 2025, rules)
    with pytest.raises(RuleViolation, match="not a unit of study"):
        ceu_shortfall_detailed([CeuEntry("any", 1, ON, unit=COLLEGE_CREDIT_HOURS)], 2025, rules)


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (CeuEntry("in_house", 3, ON), "not a CEU category"),
        (CeuEntry("general", "three", ON), "not a number of CEU hours"),
        (CeuEntry("general", -1, ON), "not a valid number of CEU hours"),
        (CeuEntry("general", "NaN", ON), "not a valid number of CEU hours"),
        (CeuEntry("general", 1, ON, unit="semesters"), "not a unit of study"),
    ],
)
def test_bad_entries_are_refused(entry, message):
    with pytest.raises(RuleViolation, match=message):
        ceu_shortfall_detailed([*_met(), entry], 2025)


def test_agrees_with_ceu_shortfall_on_many_plain_inputs():
    rng = random.Random(15)
    categories = ("ethics", "strengths_based", "general")
    hours = ("0", "0.5", "1", "1.25", "2", "3", "4.5", "6", "12")
    days = [date(2024, 6, 30), date(2024, 7, 1), ON, date(2025, 6, 30), date(2025, 7, 1)]
    policies = [DEFAULT_POLICY, Policy(ceu_total_hours=D("10"), ceu_ethics_hours=D("2"))]
    for case in range(600):
        rows = [
            (rng.choice(categories), rng.choice(hours), rng.choice(days))
            for _ in range(rng.randrange(0, 8))
        ]
        year = rng.choice((2025, 2026))
        policy = policies[case % 2]
        rules = CeuRules(
            categories=(
                CeuCategory("ethics", "Ethics", policy.ceu_ethics_hours),
                CeuCategory("strengths_based", "Strengths", policy.ceu_strengths_hours),
                CeuCategory("general", "General"),
            ),
            total_hours=policy.ceu_total_hours,
            caps=DEFAULT_CEU_RULES.caps,
            conversions=DEFAULT_CEU_RULES.conversions,
        )
        plain = ceu_shortfall(rows, year, policy=policy)
        detailed = ceu_shortfall_detailed([CeuEntry(*row) for row in rows], year, rules)
        assert detailed.missing == plain, rows


# --- The audit draw ------------------------------------------------------------------------------


def test_draw_construction_is_the_documented_one():
    import hashlib
    import hmac

    digest = hmac.new(b"season-2027", b"BHCM-000123:2027", hashlib.sha256).digest()
    expected = Fraction(int.from_bytes(digest[:8], "big"), 2**64)
    assert Fraction(audit_draw_value("season-2027", "BHCM-000123", 2027)) == expected  # exact
    assert audit_draw_value(b"season-2027", "BHCM-000123", 2027) == expected
    assert audit_draw_hash("season-2027", "BHCM-000123", 2027) == digest.hex()
    assert D(0) <= expected < 1


NUMBERS = [f"BHCM-{n:06d}" for n in range(10_000)]


def _drawn(seed, rate=D("0.10"), year=2027):
    return {n for n in NUMBERS if is_audit_selected(seed, n, year, rate)}


def test_same_seed_same_selection_about_ten_percent():
    first, again = _drawn("a3f9 2027 season"), _drawn("a3f9 2027 season")
    assert first == again
    # Binomial(10,000, 0.10): mean 1,000, standard deviation 30. A fair draw lands within
    # ±150 (5 standard deviations) with probability above 0.999999.
    assert 850 <= len(first) <= 1150


def test_different_seeds_or_years_draw_different_people():
    one, other = _drawn("seed one"), _drawn("seed two")
    assert one != other
    assert len(one & other) < 200  # independent draws share about 100
    assert _drawn("seed one", year=2028) != one


@pytest.mark.parametrize(("rate", "count"), [(D("0"), 0), (D("1"), 10_000)])
def test_rate_zero_draws_nobody_and_one_draws_everybody(rate, count):
    assert len(_drawn("s", rate)) == count


@pytest.mark.parametrize("rate", [D("-0.1"), D("1.01"), "NaN"])
def test_rate_out_of_range_is_refused(rate):
    with pytest.raises(RuleViolation, match="between 0 and 1"):
        is_audit_selected("s", "BHCM-1", 2027, rate)


def test_selection_is_value_below_rate():
    value = audit_draw_value("s", "BHCM-42", 2027)
    assert is_audit_selected("s", "BHCM-42", 2027, value) is False
    assert is_audit_selected("s", "BHCM-42", 2027, value + D("1e-30")) is True


# --- Fees and the late fee -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("submitted_on", "employee", "fee"),
    [
        (date(2025, 12, 31), False, None),
        (date(2026, 1, 1), False, D("15")),
        (date(2026, 1, 1), True, D("0")),
        (date(2026, 6, 30), False, D("15")),
        (date(2026, 6, 30), True, D("0")),
        (date(2026, 7, 1), False, D("40")),
        (date(2026, 7, 1), True, D("25")),
        (date(2026, 12, 30), False, D("40")),
        (date(2026, 12, 31), False, None),
    ],
)
def test_renewal_fee_at_the_edges(submitted_on, employee, fee):
    if fee is None:
        with pytest.raises(RuleViolation):
            renewal_fee(2026, submitted_on, odmhsas_employee=employee)
    else:
        assert renewal_fee(2026, submitted_on, odmhsas_employee=employee) == fee


@pytest.mark.parametrize(
    ("submitted_on", "approved_on", "employee", "waived", "due"),
    [
        (date(2026, 6, 1), date(2026, 6, 30), False, False, D("0")),
        (date(2026, 6, 1), date(2026, 7, 1), False, False, D("25")),
        (date(2026, 6, 1), date(2026, 7, 1), True, False, D("25")),  # employees not exempt
        (date(2026, 6, 1), date(2026, 7, 1), False, True, D("0")),  # waived: office's delay
        (date(2026, 6, 30), date(2026, 6, 30), False, False, D("0")),
        (date(2026, 6, 30), date(2026, 12, 31), False, False, D("25")),
        (date(2026, 1, 1), date(2026, 1, 2), True, False, D("0")),
        (date(2026, 7, 1), date(2026, 7, 20), False, False, D("0")),  # in the $40 already
        (date(2026, 7, 1), date(2026, 7, 20), True, False, D("0")),  # in the $25 already
        (date(2026, 12, 30), date(2027, 1, 5), False, False, D("0")),
    ],
)
def test_late_fee_due(submitted_on, approved_on, employee, waived, due):
    got = late_fee_due(2026, submitted_on, approved_on, odmhsas_employee=employee, waived=waived)
    assert got == due
    paid = renewal_fee(2026, submitted_on, odmhsas_employee=employee)
    if not waived:  # whoever is approved after Jun 30 paid the late fee exactly once
        assert paid + got - (D("0") if employee else D("15")) == (
            D("25") if approved_on > date(2026, 6, 30) else D("0")
        )


def test_late_fee_follows_the_policy_and_refuses_impossible_dates():
    policy = Policy(late_fee=D("30"))
    kwargs = {"odmhsas_employee": False, "waived": False}
    assert late_fee_due(2026, date(2026, 6, 1), date(2026, 8, 1), **kwargs, policy=policy) == 30
    with pytest.raises(RuleViolation, match="opens on January 1"):
        late_fee_due(2026, date(2025, 12, 31), date(2026, 8, 1), **kwargs)
    with pytest.raises(RuleViolation, match="closed"):
        late_fee_due(2026, date(2026, 12, 31), date(2027, 1, 1), **kwargs)
    with pytest.raises(RuleViolation, match="before it was submitted"):
        late_fee_due(2026, date(2026, 6, 1), date(2026, 5, 31), **kwargs)


# --- Phases, reminders, suspension, termination, the 60-day wait --------------------------------


@pytest.mark.parametrize(
    ("today", "phase"),
    [
        (date(2025, 12, 31), "not_open"),
        (date(2026, 1, 1), "open"),
        (date(2026, 6, 30), "open"),
        (date(2026, 7, 1), "late"),
        (date(2026, 12, 30), "late"),
        (date(2026, 12, 31), "closed"),
    ],
)
def test_phase_edges_match_the_late_window(today, phase):
    assert renewal_phase(2026, today) == phase
    start, end = late_renewal_window(2026)
    assert (start <= today <= end) == (phase == "late")


@pytest.mark.parametrize(
    ("year", "dates"),
    [
        (
            2026,
            [
                (date(2026, 1, 1), "opens"),
                (date(2026, 5, 31), "due_30"),
                (date(2026, 6, 23), "due_7"),
                (date(2026, 6, 29), "due_1"),
                (date(2026, 12, 23), "late_closes"),
            ],
        ),
        (
            2028,  # a leap year changes none of them
            [
                (date(2028, 1, 1), "opens"),
                (date(2028, 5, 31), "due_30"),
                (date(2028, 6, 23), "due_7"),
                (date(2028, 6, 29), "due_1"),
                (date(2028, 12, 23), "late_closes"),
            ],
        ),
    ],
)
def test_reminder_dates(year, dates):
    assert [(r.on, r.kind) for r in renewal_reminder_dates(year)] == dates
    assert all(renewal_phase(year, r.on) in ("open", "late") for r in renewal_reminder_dates(year))


@pytest.mark.parametrize("year", [2026, 2027, 2028])
def test_suspension_and_termination_dates_agree_with_status(year):
    valid_through = date(year, 6, 30)
    suspended, terminated = suspension_date(valid_through), termination_date(valid_through)
    assert (suspended, terminated) == (date(year, 7, 1), date(year + 1, 1, 1))
    assert certification_status(valid_through, suspended - timedelta(days=1)) == "active"
    assert certification_status(valid_through, suspended) == "suspended"
    assert certification_status(valid_through, terminated - timedelta(days=1)) == "suspended"
    assert certification_status(valid_through, terminated) == "terminated"


@pytest.mark.parametrize(
    ("terminated_on", "reapply_on"),
    [
        (date(2027, 1, 1), date(2027, 3, 2)),
        (date(2028, 1, 1), date(2028, 3, 1)),  # Feb 29 is one of the 60 days
        (date(2026, 12, 31), date(2027, 3, 1)),
    ],
)
def test_sixty_day_wait(terminated_on, reapply_on):
    assert reapply_allowed_on(terminated_on) == reapply_on
    assert reapply_allowed_on(termination_date(date(2026, 6, 30))) == date(2027, 3, 2)
