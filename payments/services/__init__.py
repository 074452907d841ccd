"""Writes on payments: start a checkout (`checkout`), record and process provider events and the
transitions they drive (`events`), sweep abandoned checkouts (`expiry`), and staff confirming
an ODMHSAS employee. There is no refund path: the policy allows none.
"""

from payments.services.checkout import application_employee_confirm, payment_start
from payments.services.events import (
    payment_confirm,
    payment_expire,
    payment_fail,
    stripe_event_record,
    webhook_receive,
)
from payments.services.expiry import STALE_GRACE, payments_expire_stale

__all__ = [
    "STALE_GRACE",
    "application_employee_confirm",
    "payment_confirm",
    "payment_expire",
    "payment_fail",
    "payment_start",
    "payments_expire_stale",
    "stripe_event_record",
    "webhook_receive",
]
