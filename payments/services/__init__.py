"""Writes on payments: start a checkout (`checkout`), record and process provider events and the
transitions they drive (`events`), sweep abandoned checkouts (`expiry`). There is no refund path:
the policy allows none. (Staff confirming an ODMHSAS employee: `enrollment.services.applications`.)
"""

from payments.services.checkout import Charge, payment_start, payment_start_charges
from payments.services.events import (
    payment_confirm,
    payment_expire,
    payment_fail,
    stripe_event_record,
    webhook_receive,
)
from payments.services.expiry import STALE_GRACE, payment_checkout_close, payments_expire_stale

__all__ = [
    "Charge",
    "STALE_GRACE",
    "payment_checkout_close",
    "payment_confirm",
    "payment_expire",
    "payment_fail",
    "payment_start",
    "payment_start_charges",
    "payments_expire_stale",
    "stripe_event_record",
    "webhook_receive",
]
