"""Table-driven tests for the pure certification rules (no database, no clock)."""

from dataclasses import FrozenInstanceError
from datetime import date
from decimal import Decimal

import pytest

from enrollment.rules import (
    DEFAULT_POLICY,
    Policy,
    RuleViolation,
    Track,
    application_expires_on,
    certification_status,
    ceu_shortfall,
    ceu_window,
    first_renewal_year,
    reapplication_fee,
    reapply_allowed_on,
    renewal_fee,
    renewal_phase,
    required_days,
    to_cents,
    training_fees,
)

D = Decimal


# --- Tracks, days and fees ------------------------------------------------------------


def test_track_values_and_labels():
    assert [t.value for t in Track] == ["cm1", "cm1_upgrade", "cm2", "cm2_cprp"]
    assert [t.label for t in Track] == [
        "CM I",
        "CM I Upgrade",
        "CM II New Applicant",
        "CM II New – CPRP/CPRC",
    ]
    assert Track.CM2 == "cm2"


@pytest.mark.parametrize(
    ("track", "days"),
    [
        (Track.CM1, (1, 2)),
        (Track.CM1_UPGRADE, (3, 4)),
        (Track.CM2, (2, 3, 4)),
        (Track.CM2_CPRP, (1, 2)),
        ("cm1", (1, 2)),
        ("cm2", (2, 3, 4)),
    ],
)
def test_required_days(track, days):
    assert required_days(track) == days


@pytest.mark.parametrize(
    ("track", "employee", "fee"),
    [
        (Track.CM1, False, D("50")),
        (Track.CM1_UPGRADE, False, D("50")),
        (Track.CM2, False, D("75")),
        (Track.CM2_CPRP, False, D("50")),
        ("cm2", False, D("75")),
        (Track.CM1, True, D("0")),
        (Track.CM1_UPGRADE, True, D("0")),
        (Track.CM2, True, D("0")),
        (Track.CM2_CPRP, True, D("0")),
    ],
)
def test_training_fees(track, employee, fee):
    result = training_fees(track, odmhsas_employee=employee)
    assert result == fee
    assert isinstance(result, Decimal)


@pytest.mark.parametrize(
    ("track", "fee"),
    [
        (Track.CM1, D("0")),
        (Track.CM1_UPGRADE, D("15")),
        ("cm1_upgrade", D("15")),
        (Track.CM2, D("0")),
        (Track.CM2_CPRP, D("0")),
    ],
)
def test_reapplication_fee(track, fee):
    result = reapplication_fee(track)
    assert result == fee
    assert isinstance(result, Decimal)


def test_upgrade_employee_pays_reapplication_fee_but_no_training_fees():
    track = Track.CM1_UPGRADE
    assert training_fees(track, odmhsas_employee=True) == 0
    assert reapplication_fee(track) == D("15")


@pytest.mark.parametrize(
    "call",
    [
        lambda t: required_days(t),
        lambda t: training_fees(t, odmhsas_employee=False),
        lambda t: reapplication_fee(t),
    ],
    ids=["required_days", "training_fees", "reapplication_fee"],
)
@pytest.mark.parametrize("track", ["cm3", "CM1", "", None])
def test_unknown_track_raises(call, track):
    with pytest.raises(RuleViolation, match="not a certification track"):
        call(track)


# --- Application expiry and reapplication ---------------------------------------------


@pytest.mark.parametrize(
    ("submitted_on", "expires_on"),
    [
        (date(2025, 8, 31), date(2026, 2, 28)),  # non-leap clamp
        (date(2023, 8, 31), date(2024, 2, 29)),  # leap clamp
        (date(2024, 8, 29), date(2025, 2, 28)),
        (date(2025, 1, 31), date(2025, 7, 31)),
        (date(2025, 3, 31), date(2025, 9, 30)),
        (date(2025, 5, 15), date(2025, 11, 15)),  # mid-month
        (date(2025, 7, 1), date(2026, 1, 1)),
        (date(2025, 12, 31), date(2026, 6, 30)),
        (date(2025, 6, 15), date(2025, 12, 15)),  # June: December of the same year
        (date(2025, 6, 30), date(2025, 12, 30)),
    ],
)
def test_application_expires_on(submitted_on, expires_on):
    assert application_expires_on(submitted_on) == expires_on


@pytest.mark.parametrize(
    ("terminated_on", "allowed_on"),
    [
        (date(2026, 1, 1), date(2026, 3, 2)),
        (date(2028, 1, 1), date(2028, 3, 1)),  # leap year
        (date(2025, 12, 15), date(2026, 2, 13)),  # across a year boundary
    ],
)
def test_reapply_allowed_on(terminated_on, allowed_on):
    assert reapply_allowed_on(terminated_on) == allowed_on


# --- Renewal --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("issued_on", "year"),
    [(date(2024, 1, 1), 2025), (date(2024, 12, 31), 2025)],
)
def test_first_renewal_year(issued_on, year):
    assert first_renewal_year(issued_on) == year


@pytest.mark.parametrize(
    ("today", "phase"),
    [
        (date(2024, 6, 30), "not_open"),
        (date(2024, 12, 31), "not_open"),
        (date(2025, 1, 1), "open"),
        (date(2025, 6, 30), "open"),
        (date(2025, 7, 1), "late"),
        (date(2025, 12, 30), "late"),
        (date(2025, 12, 31), "closed"),
        (date(2026, 1, 1), "closed"),
    ],
)
def test_renewal_phase(today, phase):
    assert renewal_phase(2025, today) == phase


@pytest.mark.parametrize(
    ("submitted_on", "employee", "fee"),
    [
        (date(2025, 1, 1), False, D("15")),
        (date(2025, 6, 30), False, D("15")),
        (date(2025, 7, 1), False, D("40")),
        (date(2025, 12, 30), False, D("40")),
        (date(2025, 1, 1), True, D("0")),
        (date(2025, 6, 30), True, D("0")),
        (date(2025, 7, 1), True, D("25")),
        (date(2025, 12, 30), True, D("25")),
    ],
)
def test_renewal_fee(submitted_on, employee, fee):
    result = renewal_fee(2025, submitted_on, odmhsas_employee=employee)
    assert result == fee
    assert isinstance(result, Decimal)


@pytest.mark.parametrize(
    ("submitted_on", "message"),
    [
        (date(2024, 12, 31), "Renewal for 2025 opens on January 1, 2025"),
        (date(2025, 12, 31), "Renewal for 2025 closed on December 30, 2025"),
        (date(2026, 3, 1), "a new application is required"),
    ],
)
@pytest.mark.parametrize("employee", [False, True])
def test_renewal_fee_refused_outside_window(submitted_on, message, employee):
    with pytest.raises(RuleViolation) as excinfo:
        renewal_fee(2025, submitted_on, odmhsas_employee=employee)
    text = str(excinfo.value)
    assert message in text
    assert text.endswith(".")


@pytest.mark.parametrize(
    ("today", "status"),
    [
        (date(2025, 1, 1), "active"),
        (date(2025, 6, 30), "active"),
        (date(2025, 7, 1), "suspended"),
        (date(2025, 12, 31), "suspended"),
        (date(2026, 1, 1), "terminated"),
    ],
)
def test_certification_status(today, status):
    assert certification_status(date(2025, 6, 30), today) == status


# --- CEUs -----------------------------------------------------------------------------


def test_ceu_window():
    assert ceu_window(2025) == (date(2024, 7, 1), date(2025, 6, 30))


def _met(ethics=3, strengths=3, general=6, on=date(2025, 1, 15)):
    return [
        ("ethics", ethics, on),
        ("strengths_based", strengths, on),
        ("general", general, on),
    ]


@pytest.mark.parametrize(
    ("completed_on", "counts"),
    [
        (date(2024, 6, 30), False),
        (date(2024, 7, 1), True),
        (date(2025, 6, 30), True),
        (date(2025, 7, 1), False),
    ],
)
def test_ceu_window_boundaries(completed_on, counts):
    ceus = [*_met(general=0), ("general", 6, completed_on)]
    expected = {} if counts else {"total": D("6")}
    assert ceu_shortfall(ceus, 2025) == expected


@pytest.mark.parametrize(
    ("ceus", "shortfall"),
    [
        (_met(), {}),
        (_met(ethics=1, general=8), {"ethics": D("2")}),
        (_met(strengths="1.5", general="7.5"), {"strengths_based": D("1.5")}),
        (_met(general=4), {"total": D("2")}),
        (_met(ethics=5, general=4), {}),  # extra ethics hours count to the total
        (
            _met(ethics=0, strengths=0, general=0),
            {"ethics": D("3"), "strengths_based": D("3"), "total": D("12")},
        ),
        ([], {"ethics": D("3"), "strengths_based": D("3"), "total": D("12")}),
        (_met(ethics=0, general=9), {"ethics": D("3")}),  # total met, minimum not
        (
            _met(ethics=1.5, strengths=D("3"), general=0.5),
            {"ethics": D("1.5"), "total": D("7")},
        ),
        (
            [
                *_met(general=0),
                ("general", 20, date(2024, 6, 30)),
                ("ethics", 5, date(2025, 7, 1)),
            ],
            {"total": D("6")},
        ),
        (
            [*_met(on=date(2024, 6, 30)), ("general", 12, date(2025, 1, 1))],
            {"ethics": D("3"), "strengths_based": D("3")},
        ),
    ],
)
def test_ceu_shortfall(ceus, shortfall):
    result = ceu_shortfall(ceus, 2025)
    assert result == shortfall
    assert all(isinstance(v, Decimal) for v in result.values())


def test_ceu_shortfall_accepts_a_generator():
    assert ceu_shortfall((c for c in _met()), 2025) == {}


@pytest.mark.parametrize(
    ("ceu", "message"),
    [
        (("in_house", 3, date(2025, 1, 1)), "not a CEU category"),
        (("Ethics", 3, date(2025, 1, 1)), "not a CEU category"),
        (("general", "three", date(2025, 1, 1)), "not a number of CEU hours"),
        (("general", -1, date(2025, 1, 1)), "not a valid number of CEU hours"),
    ],
)
def test_ceu_shortfall_rejects_bad_rows(ceu, message):
    with pytest.raises(RuleViolation, match=message):
        ceu_shortfall([*_met(), ceu], 2025)


# --- Policy ---------------------------------------------------------------------------


def test_default_policy_values():
    assert Policy() == DEFAULT_POLICY
    assert DEFAULT_POLICY.day_fee == D("25")
    assert DEFAULT_POLICY.audit_rate == D("0.10")
    assert DEFAULT_POLICY.expiry_reminder_days == (60, 30, 7)
    assert DEFAULT_POLICY.waitlist_offer_hours == 48  # a freed seat is held two days
    assert (DEFAULT_POLICY.reapplication_fee, DEFAULT_POLICY.late_fee) == (D("15"), D("25"))
    assert DEFAULT_POLICY.session_reminder_days == 3
    with pytest.raises(FrozenInstanceError):
        DEFAULT_POLICY.day_fee = D("30")


@pytest.mark.parametrize(
    ("dollars", "cents"),
    [("25", 2500), ("15.00", 1500), ("0.01", 1), ("12.345", 1235), ("0.004", 0), ("100", 10000)],
)
def test_amounts_become_whole_cents_rounding_half_a_cent_up(dollars, cents):
    assert to_cents(D(dollars)) == cents


def test_custom_policy():
    policy = Policy(
        day_fee=D("30"),
        reapplication_fee=D("20"),
        renewal_fee=D("10"),
        late_fee=D("5"),
        application_valid_months=3,
        reapply_wait_days=30,
        ceu_total_hours=D("10"),
        ceu_ethics_hours=D("2"),
        ceu_strengths_hours=D("1"),
    )
    assert training_fees(Track.CM2, odmhsas_employee=False, policy=policy) == D("90")
    assert training_fees(Track.CM2, odmhsas_employee=True, policy=policy) == D("0")
    assert reapplication_fee(Track.CM1_UPGRADE, policy=policy) == D("20")
    assert application_expires_on(date(2025, 11, 30), policy=policy) == date(2026, 2, 28)
    assert application_expires_on(date(2025, 5, 15), policy=policy) == date(2025, 8, 15)
    assert reapply_allowed_on(date(2026, 1, 1), policy=policy) == date(2026, 1, 31)
    assert renewal_fee(2025, date(2025, 3, 1), odmhsas_employee=False, policy=policy) == D("10")
    assert renewal_fee(2025, date(2025, 8, 1), odmhsas_employee=False, policy=policy) == D("15")
    assert renewal_fee(2025, date(2025, 8, 1), odmhsas_employee=True, policy=policy) == D("5")
    assert ceu_shortfall(_met(ethics=2, strengths=1, general=6), 2025, policy=policy) == {
        "total": D("1")
    }
