"""Issue 11, item 2: an application that ends (expiry, denial) closes its open checkouts at the
provider in the same step; money that still arrives is recorded, flagged for staff ("needs
action"), the applicant is told, and nothing is booked or counted as paid."""

from datetime import timedelta

import pytest
from django.core import mail

from enrollment.models import Registration
from enrollment.services.applications import application_deny
from enrollment.services.expiry import applications_expire
from lms import clock
from lms.models import AuditEvent
from payments.models import PaymentStatus
from payments.providers import EventKind
from payments.providers.fake import FakeProvider
from payments.selectors import day_fee_status, payments_needing_action_count
from payments.services import payment_start
from tests.factories.payments import fake_deliver
from tests.servers import checkout_submit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_expired_sessions():
    FakeProvider.expired_sessions.clear()
    yield
    FakeProvider.expired_sessions.clear()


def _expiring(make_application, **kwargs):
    today = clock.today()
    return make_application(
        submitted_on=today - timedelta(days=190), expires_on=today - timedelta(days=1), **kwargs
    )


def test_expiry_closes_the_open_checkouts_through_the_provider(make_application, fake_provider):
    application = _expiring(make_application, track="cm2")
    pending = payment_start(application=application, items=[("day_fee", 2)], user=application.user)
    declined = payment_start(application=application, items=[("day_fee", 3)], user=application.user)
    fake_deliver(EventKind.FAILED, declined)  # a declined card: still retryable until now
    other = make_application(track="cm1")
    untouched = payment_start(application=other, items=[("day_fee", 1)], user=other.user)

    assert applications_expire(today=clock.today()) == [application.pk]

    assert FakeProvider.expired_sessions == [
        pending.checkout_session_id,
        declined.checkout_session_id,
    ]
    for payment, before in ((pending, "pending"), (declined, "failed")):
        payment.refresh_from_db()
        assert payment.status == PaymentStatus.EXPIRED
        event = AuditEvent.objects.get(verb="payment.expired", object_id=str(payment.pk))
        assert (event.from_state, event.to_state) == (before, "expired")
        assert event.reason.startswith("Application expired")
    untouched.refresh_from_db()
    assert untouched.status == PaymentStatus.PENDING


def test_denial_closes_the_open_checkout(make_application, fake_provider, cert_staff):
    upgrade = make_application(track="cm1_upgrade", status="submitted")
    payment = payment_start(
        application=upgrade, items=[("reapplication_fee", None)], user=upgrade.user
    )

    application_deny(application=upgrade, actor=cert_staff, reason="Not eligible")

    payment.refresh_from_db()
    assert payment.status == PaymentStatus.EXPIRED
    assert FakeProvider.expired_sessions == [payment.checkout_session_id]


def test_a_payment_completed_after_expiry_is_flagged_books_nothing_and_the_person_is_told(
    client, cert_staff, make_application, fake_provider, django_capture_on_commit_callbacks
):
    application = _expiring(make_application, track="cm1")
    payment = payment_start(
        application=application, items=[("day_fee", 1), ("day_fee", 2)], user=application.user
    )
    applications_expire(today=clock.today())
    mail.outbox.clear()
    registrations = Registration.objects.count()

    with django_capture_on_commit_callbacks(execute=True):
        fake_deliver(EventKind.PAID, payment)

    payment.refresh_from_db()
    assert payment.status == PaymentStatus.EXPIRED  # never counted as paid
    assert payment.flagged
    assert "Paid after the application is expired" in payment.flag_reason
    assert payment.payment_intent_id == f"fake_pi_{payment.pk}"  # the money is traceable
    assert day_fee_status(application) == {1: "unpaid", 2: "unpaid"}
    assert Registration.objects.count() == registrations
    (message,) = mail.outbox
    assert message.to == [application.user.email]
    assert "$50.00 was taken for payment" in message.body  # the plain-text part
    assert "nothing was booked and no fee was marked paid" in message.body
    assert payments_needing_action_count() == 1

    client.force_login(cert_staff)
    listing = client.get("/admin/payments/", {"flagged": "true"}).content.decode()
    assert "Needs action (flagged)" in listing
    assert f"/admin/payments/inspect/{payment.pk}/" in listing


def test_a_payment_for_a_live_application_is_not_flagged(make_application, pay_days):
    application = make_application(track="cm1")
    payment = pay_days(application, [1])
    assert payment.status == PaymentStatus.PAID and not payment.flagged
    assert payments_needing_action_count() == 0


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_expiry_expires_the_checkout_on_the_stripe_standin(
    stripe_api, make_application, live_server
):
    from payments.stripe_api import stripe_client

    application = _expiring(make_application, track="cm1")
    payment = payment_start(
        application=application,
        items=[("day_fee", 1)],
        user=application.user,
        base_url=live_server.url,
    )
    assert stripe_client().v1.checkout.sessions.retrieve(payment.checkout_session_id).status == (
        "open"
    )

    applications_expire(today=clock.today())

    session = stripe_client().v1.checkout.sessions.retrieve(payment.checkout_session_id)
    assert session.status == "expired"
    from payments.providers.stripe import StripeProvider

    StripeProvider().expire_checkout(payment.checkout_session_id)  # already closed: no error
    status, _, body = checkout_submit(payment.checkout_url, action="pay")
    assert status == 409 and "no longer open" in body  # it can no longer be paid
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.EXPIRED
