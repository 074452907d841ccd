"""What may be paid, as pure rules: no database."""

from decimal import Decimal

import pytest

from enrollment.rules import RuleViolation
from payments.rules import check_payable, to_cents

DAY, REAPP = "day_fee", "reapplication_fee"


@pytest.mark.parametrize(
    ("amount", "cents"),
    [("25", 2500), ("15", 1500), ("25.50", 2550), ("0.005", 1), ("0", 0), ("1234.99", 123499)],
)
def test_dollars_become_whole_cents(amount, cents):
    assert to_cents(Decimal(amount)) == cents


def _check(items, **overrides):
    kwargs = {
        "track": "cm2",
        "status": "training_approved",
        "paid_days": (),
        "day_fees_exempt": False,
        "reapplication_paid": False,
    } | overrides
    return check_payable(items, **kwargs)


@pytest.mark.parametrize(
    ("track", "items"),
    [
        ("cm1", [(DAY, 1), (DAY, 2)]),
        ("cm2", [(DAY, 2), (DAY, 3), (DAY, 4)]),
        ("cm2_cprp", [(DAY, 1), (DAY, 2)]),
        ("cm1_upgrade", [(DAY, 3), (DAY, 4), (REAPP, None)]),
    ],
)
def test_the_required_days_are_payable(track, items):
    assert _check(items, track=track) == items


@pytest.mark.parametrize(
    ("items", "overrides", "message"),
    [
        ([(DAY, 1)], {}, "Day 1 is not a classroom day of the CM II New Applicant track"),
        ([(DAY, 5)], {}, r"is not a classroom day \(Day 1 to Day 4\)"),
        ([(DAY, None)], {}, "is not a classroom day"),
        ([(DAY, 2), (DAY, 2)], {}, "Day 2 is listed twice"),
        ([("refund", None)], {}, "is not a fee that can be paid online"),
        ([], {}, "Choose at least one fee"),
        ([(DAY, 2)], {"status": "approved"}, "once your web-based training is approved"),
        ([(DAY, 2)], {"status": "expired"}, "once your web-based training is approved"),
        ([(DAY, 2)], {"day_fees_exempt": True}, "ODMHSAS employees do not pay"),
        ([(DAY, 3)], {"paid_days": {3}}, "Day 3 is already paid"),
        ([(REAPP, None)], {}, "The CM II New Applicant track has no reapplication fee"),
        (
            [(REAPP, None)],
            {"track": "cm1_upgrade", "status": "draft"},
            "once your application is submitted",
        ),
        (
            [(REAPP, None)],
            {"track": "cm1_upgrade", "reapplication_paid": True},
            "already paid",
        ),
    ],
)
def test_refusals_say_why(items, overrides, message):
    with pytest.raises(RuleViolation, match=message):
        _check(items, **overrides)


@pytest.mark.parametrize(
    "status", ["submitted", "returned", "approved", "training_complete", "training_approved"]
)
def test_the_reapplication_fee_is_payable_from_submission(status):
    items = _check([(REAPP, None)], track="cm1_upgrade", status=status)

    assert items == [(REAPP, None)]


def test_an_exempt_employee_still_pays_the_reapplication_fee():
    items = _check([(REAPP, None)], track="cm1_upgrade", day_fees_exempt=True)

    assert items == [(REAPP, None)]
