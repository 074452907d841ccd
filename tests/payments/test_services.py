"""Payment services with the fake provider: starting a checkout, the webhook-driven
transitions, the sweep of abandoned checkouts, and confirming an ODMHSAS employee."""

from datetime import timedelta

import pytest
from django.core import mail
from wagtail import hooks

from enrollment.models import Application, ApplicationStatus
from enrollment.rules import RuleViolation
from enrollment.services.applications import application_employee_confirm
from lms import clock
from lms.models import AuditEvent, OutboxMessage
from payments.models import Payment, PaymentStatus, StripeEvent
from payments.providers import EventKind, InvalidEvent, ProviderUnavailable
from payments.providers.fake import FakeProvider
from payments.selectors import is_day_fee_exempt
from payments.services import payment_start, webhook_receive
from payments.tasks import payments_expire_stale
from tests.factories.enrollment import confirm_employee
from tests.factories.payments import fake_deliver

pytestmark = pytest.mark.django_db
DAYS_2_3_4 = [("day_fee", 2), ("day_fee", 3), ("day_fee", 4)]


def _receipts():
    return OutboxMessage.objects.filter(template="payment_received").count()


def _audits(payment, verb):
    return AuditEvent.objects.filter(object_id=str(payment.pk), verb=verb).count()


@pytest.fixture
def cm2(make_application):
    return make_application(track="cm2")


@pytest.fixture
def started(cm2, fake_provider):
    return payment_start(application=cm2, items=DAYS_2_3_4, user=cm2.user)


# --- payment_start ----------------------------------------------------------------------------


def test_start_creates_a_pending_payment_with_a_checkout(cm2, started):
    assert started.status == PaymentStatus.PENDING
    assert (started.provider, started.amount_cents, started.currency) == ("fake", 7500, "usd")
    assert [(i.kind, i.day, i.amount_cents) for i in started.items.order_by("pk")] == [
        ("day_fee", 2, 2500),
        ("day_fee", 3, 2500),
        ("day_fee", 4, 2500),
    ]
    assert started.items.first().description == "Classroom training fee, Day 2"
    assert started.checkout_session_id == f"fake_cs_{started.pk}"
    assert started.checkout_url.endswith(started.checkout_session_id)
    assert started.expires_at > clock.now()
    assert _audits(started, "payment.start") == 1


def test_start_returns_the_open_checkout_for_the_same_fees(cm2, started):
    again = payment_start(application=cm2, items=list(reversed(DAYS_2_3_4)), user=cm2.user)

    assert again == started
    assert Payment.objects.count() == 1


def test_start_refuses_an_overlapping_checkout(cm2, started):
    with pytest.raises(RuleViolation, match="already open"):
        payment_start(application=cm2, items=[("day_fee", 2)], user=cm2.user)

    assert Payment.objects.count() == 1


def test_a_new_checkout_once_the_old_one_expired(cm2, started):
    Payment.objects.filter(pk=started.pk).update(expires_at=clock.now() - timedelta(seconds=1))

    again = payment_start(application=cm2, items=DAYS_2_3_4, user=cm2.user)

    assert again != started


def test_a_declined_checkout_is_offered_again(cm2, started):
    fake_deliver(EventKind.FAILED, started)

    again = payment_start(application=cm2, items=DAYS_2_3_4, user=cm2.user)

    assert again == started
    assert again.status == PaymentStatus.FAILED


@pytest.mark.parametrize(
    ("track", "status", "items", "message"),
    [
        ("cm2", "training_approved", [("day_fee", 1)], "not a classroom day of the CM II"),
        ("cm2", "approved", [("day_fee", 2)], "once your web-based training is approved"),
        ("cm1", "submitted", [("reapplication_fee", None)], "has no reapplication fee"),
        ("cm1_upgrade", "draft", [("reapplication_fee", None)], "once your application is"),
    ],
)
def test_start_refuses_and_writes_nothing(
    make_application, fake_provider, track, status, items, message
):
    application = make_application(track=track, status=status)

    with pytest.raises(RuleViolation, match=message):
        payment_start(application=application, items=items, user=application.user)

    assert not Payment.objects.exists()
    assert not AuditEvent.objects.filter(verb__startswith="payment.").exists()


def test_start_refuses_a_paid_day(cm2, pay_days):
    pay_days(cm2, [2])

    with pytest.raises(RuleViolation, match="Day 2 is already paid"):
        payment_start(application=cm2, items=[("day_fee", 2)], user=cm2.user)


def test_start_refuses_exempt_day_fees(make_application, fake_provider):
    application = make_application(track="cm2", odmhsas_employee=True)
    confirm_employee(application)

    with pytest.raises(RuleViolation, match="ODMHSAS employees do not pay"):
        payment_start(application=application, items=[("day_fee", 2)], user=application.user)

    assert not Payment.objects.exists()


def test_start_refuses_someone_elses_application(cm2, make_application, fake_provider):
    other = make_application(track="cm2")

    with pytest.raises(RuleViolation, match="your own application"):
        payment_start(application=cm2, items=DAYS_2_3_4, user=other.user)

    assert not Payment.objects.exists()


def test_the_reapplication_fee_can_be_paid_at_submission(make_application, fake_provider):
    application = make_application(track="cm1_upgrade", status="submitted")

    payment = payment_start(
        application=application, items=[("reapplication_fee", None)], user=application.user
    )

    assert payment.amount_cents == 1500
    assert payment.items.get().description == "Reapplication fee (CM I Upgrade)"


def test_a_provider_outage_writes_nothing(cm2, fake_provider, monkeypatch):
    def refuse(self, payment, **kwargs):
        raise ProviderUnavailable("The payment service is not available right now.")

    monkeypatch.setattr(FakeProvider, "create_checkout", refuse)

    with pytest.raises(ProviderUnavailable):
        payment_start(application=cm2, items=DAYS_2_3_4, user=cm2.user)

    assert not Payment.objects.exists()
    assert not AuditEvent.objects.filter(verb__startswith="payment.").exists()


# --- Webhook-driven transitions -----------------------------------------------------------------


def test_paid_event_confirms_audits_and_emails(started, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        stored = fake_deliver(EventKind.PAID, started)

    started.refresh_from_db()
    assert started.status == PaymentStatus.PAID
    assert started.paid_at is not None
    assert started.payment_intent_id == f"fake_pi_{started.pk}"
    assert stored.processed_at is not None
    assert _audits(started, "payment.paid") == 1
    assert len(mail.outbox) == 1
    assert f"/payments/{started.pk}/receipt/" in mail.outbox[0].body
    assert "$75.00" in mail.outbox[0].subject


def test_twenty_deliveries_pay_once(started, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(20):
            fake_deliver(EventKind.PAID, started)

    started.refresh_from_db()
    assert started.status == PaymentStatus.PAID
    assert StripeEvent.objects.count() == 1
    assert _audits(started, "payment.paid") == 1
    assert len(mail.outbox) == 1


def test_what_the_money_is_for_happens_with_the_confirmation_or_not_at_all(started):
    """The contribution point "payment_paid" runs once, on the payment already paid, in the
    confirming transaction: when it fails, nothing is paid, stored or mailed, and the provider's
    redelivery pays."""
    seen = []

    def owner(payment):
        seen.append((payment.pk, payment.status))
        if len(seen) == 1:
            raise RuntimeError("what the money is for could not be done")

    with hooks.register_temporarily("payment_paid", owner):
        with pytest.raises(RuntimeError):
            fake_deliver(EventKind.PAID, started)
        started.refresh_from_db()
        assert started.status == PaymentStatus.PENDING
        assert not StripeEvent.objects.exists() and _receipts() == 0

        fake_deliver(EventKind.PAID, started)  # the provider delivers it again
        fake_deliver(EventKind.PAID, started)

    started.refresh_from_db()
    assert started.status == PaymentStatus.PAID
    assert seen == [(started.pk, PaymentStatus.PAID)] * 2  # the failed run, then the one that paid
    assert _receipts() == 1


def test_a_forged_event_writes_nothing(started):
    payload, _ = FakeProvider.event(EventKind.PAID, started)

    with pytest.raises(InvalidEvent):
        webhook_receive(provider=FakeProvider(), payload=payload, signature="0" * 64)

    started.refresh_from_db()
    assert started.status == PaymentStatus.PENDING
    assert not StripeEvent.objects.exists()


@pytest.mark.parametrize(
    "mismatch", [{"amount_cents": 5000}, {"currency": "eur"}, {"amount_cents": 75000}]
)
def test_an_amount_mismatch_is_refused_and_flagged(started, mismatch):
    fake_deliver(EventKind.PAID, started, **mismatch)

    started.refresh_from_db()
    assert started.status == PaymentStatus.PENDING
    assert started.paid_at is None
    assert started.flagged
    assert "not marked paid" in started.flag_reason
    assert _audits(started, "payment.flagged") == 1
    assert _audits(started, "payment.paid") == 0


def test_a_failure_after_success_does_not_unpay(started):
    fake_deliver(EventKind.PAID, started)
    fake_deliver(EventKind.FAILED, started)

    started.refresh_from_db()
    assert started.status == PaymentStatus.PAID
    assert StripeEvent.objects.filter(processed_at__isnull=False).count() == 2
    assert _audits(started, "payment.failed") == 0


def test_a_decline_then_success(started):
    fake_deliver(EventKind.FAILED, started)
    started.refresh_from_db()
    assert started.status == PaymentStatus.FAILED
    # the declined PaymentIntent is kept: staff find the payment by the provider's reference
    assert started.payment_intent_id == f"fake_pi_{started.pk}"

    fake_deliver(EventKind.PAID, started)

    started.refresh_from_db()
    assert started.status == PaymentStatus.PAID


def test_success_after_expiry_stays_expired_and_is_flagged(started):
    fake_deliver(EventKind.EXPIRED, started)
    fake_deliver(EventKind.PAID, started)

    started.refresh_from_db()
    assert started.status == PaymentStatus.EXPIRED
    assert started.paid_at is None
    assert started.flagged
    assert "after the checkout expired" in started.flag_reason
    assert _audits(started, "payment.flagged") == 1


def test_a_paid_event_naming_no_amount_tells_staff_what_it_said(started):
    """An event that names no amount or currency is a mismatch; staff read what it said."""
    fake_deliver(EventKind.PAID, started, amount_cents=None, currency="")

    started.refresh_from_db()
    assert (started.status, started.flagged) == (PaymentStatus.PENDING, True)
    assert started.flag_reason == (
        f"The provider reported 0.00 ? paid but 75.00 USD was asked (evt_fake_paid_{started.pk});"
        " not marked paid."
    )


def test_money_after_expiry_tells_staff_what_was_taken_and_the_payer_what_was_asked(
    started, django_capture_on_commit_callbacks
):
    """The flag quotes the amount the provider reported; the payer's email, when the event
    names none, the amount the checkout asked."""
    fake_deliver(EventKind.EXPIRED, started)
    with django_capture_on_commit_callbacks(execute=True):
        fake_deliver(EventKind.PAID, started, amount_cents=2500, event_id="evt_late_1")
    with django_capture_on_commit_callbacks(execute=True):
        fake_deliver(
            EventKind.PAID, started, amount_cents=None, event_id="evt_late_2", payment_intent_id=""
        )

    started.refresh_from_db()
    assert started.status == PaymentStatus.EXPIRED
    assert "Paid after the checkout expired (evt_late_1, $25.00): the money" in started.flag_reason
    assert "Paid after the checkout expired (evt_late_2, $0.00): the money" in started.flag_reason
    first, second = mail.outbox
    assert "$25.00 was taken for payment" in first.body
    assert "$75.00 was taken for payment" in second.body


@pytest.mark.parametrize("owner_says", ["", "the renewal was withdrawn"])
def test_a_payment_owned_by_a_higher_app_is_closed_only_when_its_owner_says_so(started, owner_says):
    """A payment with a reference (a renewal's) counts however its application stands (a
    certified holder's is final); only the owning app's "payment_closed_reason" closes it."""
    Payment.objects.filter(pk=started.pk).update(reference="test:1")
    Application.objects.filter(pk=started.application_id).update(status=ApplicationStatus.CERTIFIED)

    def owner(payment):
        return owner_says if payment.reference == "test:1" else ""

    with hooks.register_temporarily("payment_closed_reason", owner):
        fake_deliver(EventKind.PAID, started)

    started.refresh_from_db()
    if owner_says:
        assert (started.status, started.flagged) == (PaymentStatus.PENDING, True)
        assert f"Paid after {owner_says} (" in started.flag_reason
    else:
        assert (started.status, started.flagged) == (PaymentStatus.PAID, False)


def test_a_failure_event_found_by_payment_id_alone(started):
    fake_deliver(EventKind.FAILED, started, session_id="")

    started.refresh_from_db()
    assert started.status == PaymentStatus.FAILED


def test_an_unknown_session_is_stored_and_ignored(started):
    stored = fake_deliver(
        EventKind.PAID, event_id="evt_unknown", session_id="fake_cs_nope", amount_cents=7500
    )

    started.refresh_from_db()
    assert started.status == PaymentStatus.PENDING
    assert stored.processed_at is not None
    assert StripeEvent.objects.filter(stripe_id="evt_unknown").exists()


def test_a_second_payment_for_a_paid_day_is_flagged(cm2, fake_provider):
    first = payment_start(application=cm2, items=[("day_fee", 2)], user=cm2.user)
    # The first checkout closes; the person starts a second, then both complete.
    Payment.objects.filter(pk=first.pk).update(expires_at=clock.now() - timedelta(seconds=1))
    second = payment_start(application=cm2, items=[("day_fee", 2)], user=cm2.user)
    fake_deliver(EventKind.PAID, first)
    fake_deliver(EventKind.PAID, second)

    second.refresh_from_db()
    assert second.status == PaymentStatus.PAID
    assert second.flagged
    assert "Day 2 had already been paid" in second.flag_reason


# --- The sweep of abandoned checkouts -----------------------------------------------------------


def test_stale_checkouts_expire_once(cm2, started, make_application, fake_provider):
    fresh_app = make_application(track="cm1")
    fresh = payment_start(application=fresh_app, items=[("day_fee", 1)], user=fresh_app.user)
    later = started.expires_at + timedelta(minutes=16)
    Payment.objects.filter(pk=fresh.pk).update(expires_at=later + timedelta(minutes=30))

    assert payments_expire_stale(now=later) == 1
    assert payments_expire_stale(now=later.isoformat()) == 0

    started.refresh_from_db()
    fresh.refresh_from_db()
    assert started.status == PaymentStatus.EXPIRED
    assert fresh.status == PaymentStatus.PENDING
    assert _audits(started, "payment.expired") == 1


def test_the_sweep_waits_for_the_grace_period(started):
    assert payments_expire_stale(now=started.expires_at + timedelta(minutes=5)) == 0

    started.refresh_from_db()
    assert started.status == PaymentStatus.PENDING


def test_the_sweep_leaves_paid_and_failed_payments(cm2, started):
    fake_deliver(EventKind.PAID, started)

    assert payments_expire_stale(now=started.expires_at + timedelta(hours=1)) == 0
    started.refresh_from_db()
    assert started.status == PaymentStatus.PAID


# --- Confirming an ODMHSAS employee ---------------------------------------------------------------


def test_staff_confirm_an_employee(make_application, cert_staff):
    application = make_application(track="cm2", odmhsas_employee=True)

    assert application_employee_confirm(application=application, actor=cert_staff) is True
    assert application_employee_confirm(application=application, actor=cert_staff) is False

    assert is_day_fee_exempt(application)
    events = AuditEvent.objects.filter(verb="application.employee_confirmed")
    assert [(e.object_id, e.actor) for e in events] == [(str(application.pk), cert_staff)]


def test_only_staff_confirm(make_application):
    application = make_application(track="cm2", odmhsas_employee=True)

    with pytest.raises(RuleViolation, match="Only certification staff"):
        application_employee_confirm(application=application, actor=application.user)

    assert not is_day_fee_exempt(application)


def test_nothing_to_confirm_without_the_claim(make_application, cert_staff):
    application = make_application(track="cm2")

    with pytest.raises(RuleViolation, match="nothing to confirm"):
        application_employee_confirm(application=application, actor=cert_staff)
