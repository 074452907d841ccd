"""Fees come from the track's rules and the policy; what counts as paid comes from payments."""

from datetime import date, time

import pytest

from enrollment.models import CertificationPolicy, ClassroomSession, Registration
from payments.selectors import (
    day_fee_status,
    fee_lines,
    fees_due,
    fees_payable,
    is_day_fee_exempt,
    unused_paid_day_item,
)
from tests.factories.enrollment import confirm_employee

pytestmark = pytest.mark.django_db


def _total(fees) -> int:
    return sum(fee.amount_cents for fee in fees)


@pytest.mark.parametrize(
    ("track", "days", "total_cents"),
    [
        ("cm1", [1, 2], 5000),
        ("cm1_upgrade", [3, 4, None], 6500),  # $50 of day fees + the $15 reapplication fee
        ("cm2", [2, 3, 4], 7500),
        ("cm2_cprp", [1, 2], 5000),
    ],
)
def test_fees_per_track(make_application, track, days, total_cents):
    due = fees_due(make_application(track=track))

    assert [fee.day for fee in due] == days
    assert _total(due) == total_cents


def test_a_confirmed_employee_pays_no_day_fee_but_the_reapplication_fee(make_application):
    application = make_application(track="cm1_upgrade", odmhsas_employee=True)
    confirm_employee(application)

    due = fees_due(application)

    assert [(fee.kind, fee.amount_cents) for fee in due] == [("reapplication_fee", 1500)]
    assert day_fee_status(application) == {3: "exempt", 4: "exempt"}
    assert [line.status for line in fee_lines(application)] == ["exempt", "exempt", "unpaid"]


def test_an_unconfirmed_employee_claim_still_pays(make_application):
    application = make_application(track="cm2", odmhsas_employee=True)

    assert not is_day_fee_exempt(application)
    assert _total(fees_due(application)) == 7500


def test_confirmation_without_the_claim_exempts_nobody(make_application):
    application = make_application(track="cm2", odmhsas_employee=False)
    confirm_employee(application)

    assert _total(fees_due(application)) == 7500


def test_amounts_follow_the_policy(make_application):
    policy = CertificationPolicy.load()
    policy.day_fee = "30.50"
    policy.reapplication_fee = "20"
    policy.save()

    due = fees_due(make_application(track="cm1_upgrade"))

    assert [fee.amount_cents for fee in due] == [3050, 3050, 2000]


def test_the_reapplication_fee_is_payable_at_submission_day_fees_later(make_application):
    application = make_application(track="cm1_upgrade", status="submitted")

    assert [fee.kind for fee in fees_payable(application)] == ["reapplication_fee"]
    assert len(fees_due(application)) == 3


def test_paid_days_are_no_longer_due(make_application, pay_days):
    application = make_application(track="cm2")
    payment = pay_days(application, [2, 3])

    assert [fee.day for fee in fees_due(application)] == [4]
    assert day_fee_status(application) == {2: "paid", 3: "paid", 4: "unpaid"}
    lines = fee_lines(application)
    assert [line.payment for line in lines] == [payment, payment, None]


def test_a_pending_payment_pays_nothing(make_application, fake_provider):
    from payments.services import payment_start

    application = make_application(track="cm1")
    payment_start(application=application, items=[("day_fee", 1)], user=application.user)

    assert day_fee_status(application) == {1: "unpaid", 2: "unpaid"}


def _registration(application, item, *, day, attendance="", status="confirmed"):
    session = ClassroomSession.objects.create(
        day=day,
        date=date(2027, 3, 1),
        start_time=time(9),
        end_time=time(16),
        venue="ODMHSAS training room",
        address="2000 N Classen Blvd, Oklahoma City",
        capacity=20,
    )
    return Registration.objects.create(
        application=application,
        session=session,
        day=day,
        fee_item=item,
        attendance=attendance,
        status=status,
    )


@pytest.mark.parametrize("missed", ["absent", "left_early"])
def test_a_missed_day_must_be_paid_again(make_application, pay_days, missed):
    application = make_application(track="cm1")
    payment = pay_days(application, [1, 2])
    item = payment.items.get(day=1)
    registration = _registration(application, item, day=1)

    assert day_fee_status(application)[1] == "paid"
    assert unused_paid_day_item(application, 1) is None  # held by the registration

    registration.attendance = missed
    registration.save()
    # A trainer's mark alone changes nothing about money: the lock does.
    assert day_fee_status(application) == {1: "paid", 2: "paid"}
    assert fees_due(application) == []

    registration.status = "cancelled"  # what locking the attendance does to a missed booking
    registration.save()

    assert day_fee_status(application) == {1: "unpaid", 2: "paid"}
    assert [fee.day for fee in fees_due(application)] == [1]


@pytest.mark.parametrize("attended", ["present", "late", ""])
def test_attended_and_upcoming_days_stay_paid(make_application, pay_days, attended):
    application = make_application(track="cm1")
    payment = pay_days(application, [1])
    _registration(application, payment.items.get(day=1), day=1, attendance=attended)

    assert day_fee_status(application)[1] == "paid"
    assert unused_paid_day_item(application, 1) is None


def test_a_day_paid_again_after_a_miss_is_free_to_book(make_application, pay_days):
    application = make_application(track="cm1")
    first = pay_days(application, [1])
    _registration(
        application, first.items.get(day=1), day=1, attendance="absent", status="cancelled"
    )

    again = pay_days(application, [1])

    assert day_fee_status(application)[1] == "paid"
    assert unused_paid_day_item(application, 1) == again.items.get()


def test_unused_paid_day_item_is_the_free_one(make_application, pay_days):
    application = make_application(track="cm1")
    payment = pay_days(application, [1, 2])

    assert unused_paid_day_item(application, 1) == payment.items.get(day=1)
    assert unused_paid_day_item(application, 2) == payment.items.get(day=2)


def test_another_applications_payment_does_not_count(make_application, pay_days):
    mine, theirs = make_application(track="cm1"), make_application(track="cm1")
    pay_days(theirs, [1, 2])

    assert day_fee_status(mine) == {1: "unpaid", 2: "unpaid"}
    assert unused_paid_day_item(mine, 1) is None
