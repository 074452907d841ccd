"""The fee gate before a booking is payments' contribution to enrollment's hook `booking_checks`:
with payments' check registered an unpaid day is refused
as before (nothing written); a paid one takes its fee."""

import pytest
from wagtail import hooks

from enrollment.models import Registration
from enrollment.rules import RuleViolation
from enrollment.services.booking import registration_book
from payments.selectors import booking_fee_source
from tests.factories.enrollment import make_session, nothing_written, pay, ready

pytestmark = pytest.mark.django_db


def test_with_payments_hook_registered_an_unpaid_day_is_refused_and_nothing_written():
    assert booking_fee_source in hooks.get_hooks("booking_checks")
    application = ready(paid=(2,))
    session = make_session(day=1)
    with pytest.raises(RuleViolation, match="Pay the Day 1 classroom fee"):
        registration_book(application=application, session=session, user=application.user)
    assert nothing_written(application)


def test_with_payments_hook_registered_a_paid_day_takes_its_fee():
    application = ready(paid=())
    item = pay(application, 1)
    registration = registration_book(
        application=application, session=make_session(day=1), user=application.user
    )
    assert registration.fee_item == item and not registration.fee_exempt


def test_another_app_can_refuse_a_booking_through_the_hook():
    def closed_for_audit(*, application, day):
        raise RuleViolation(f"Day {day} bookings are paused for an audit.")

    application = ready(paid=(1,))
    with hooks.register_temporarily("booking_checks", closed_for_audit, order=-1):
        with pytest.raises(RuleViolation, match="Day 1 bookings are paused"):
            registration_book(
                application=application, session=make_session(day=1), user=application.user
            )
    assert nothing_written(application)
    assert not Registration.objects.exists()
