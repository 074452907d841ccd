"""`seed_demo`'s payments part (hook `demo_seeders`, registered in `payments/wagtail_hooks.py`):
each required day's fee of the demo applicants who book their days (`booked@`, `attended@`),
paid as a verified Stripe webhook leaves it. Runs after enrollment has made their applications
and before it books their days; an application already paid or booked is left alone."""

from enrollment import rules
from enrollment.demo import demo_applications_to_pay
from lms import clock
from payments.models import Payment, PaymentLineItem, PaymentStatus


def seed_payments_demo() -> None:
    for application in demo_applications_to_pay():
        if Payment.objects.filter(application=application).exists():
            continue
        for day in rules.required_days(application.track):
            payment = Payment.objects.create(
                application=application,
                status=PaymentStatus.PAID,
                amount_cents=2500,
                paid_at=clock.now(),
            )
            PaymentLineItem.objects.create(
                payment=payment,
                kind=PaymentLineItem.Kind.DAY_FEE,
                day=day,
                description=f"Classroom training fee, Day {day}",
                amount_cents=2500,
            )
