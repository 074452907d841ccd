"""Issue 11, fees: the applicant chooses which days to pay; a $0 day needs no checkout; the CM I
Upgrade's reapplication fee comes before the first booking; amounts are fixed at submission and
policy changes are audited. Each refusal also checks that nothing was written."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from enrollment.models import Application, ApplicationUpload, CertificationPolicy, Registration
from enrollment.rules import RuleViolation
from enrollment.services.applications import application_submit
from enrollment.services.booking import registration_book
from lms.models import AuditEvent
from payments.models import Payment
from payments.selectors import application_fees, day_fee_status, fee_lines
from payments.services import payment_start
from tests.factories.enrollment import POLICY_FORM, ApplicationFactory, make_session

pytestmark = pytest.mark.django_db
FEES = "/payments/fees/"


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def _writes() -> tuple[int, int, int]:
    return Payment.objects.count(), Registration.objects.count(), AuditEvent.objects.count()


# --- Choosing which days to pay (item 6) ------------------------------------------------------


def test_the_applicant_pays_only_the_days_they_tick(client, make_application, fake_provider):
    cm2 = make_application(track="cm2")
    client.force_login(cm2.user)
    page = _text(client.get(FEES))
    for day in (2, 3, 4):
        assert f'name="fee" value="day_fee:{day}" data-cents="2500" checked' in page

    response = client.post(FEES, {"fee": ["day_fee:3"]})

    payment = Payment.objects.get(application=cm2)
    assert response.status_code == 302 and response["Location"] == payment.checkout_url
    assert payment.amount_cents == 2500
    assert [(i.kind, i.day) for i in payment.items.all()] == [("day_fee", 3)]
    # Paying a different day later is a second, separate checkout for that day alone.
    client.post(FEES, {"fee": ["day_fee:2", "day_fee:4"]})
    second = Payment.objects.filter(application=cm2).exclude(pk=payment.pk).get()
    assert sorted(i.day for i in second.items.all()) == [2, 4]
    assert second.amount_cents == 5000


@pytest.mark.parametrize(
    ("chosen", "message"),
    [
        ([], "Choose at least one fee to pay."),
        (["day_fee:1"], "is not a fee you can pay now"),  # CM II has no Day 1
        (["reapplication_fee:"], "is not a fee you can pay now"),
    ],
)
def test_a_bad_choice_is_an_error_at_the_field_and_opens_no_checkout(
    client, make_application, fake_provider, chosen, message
):
    cm2 = make_application(track="cm2")
    client.force_login(cm2.user)
    before = _writes()

    response = client.post(FEES, {"fee": chosen})

    assert response.status_code == 400
    assert message in response.content.decode()
    assert 'role="alert" id="fee-errors"' in response.content.decode()
    assert _writes() == before


# --- A $0 day fee (item 5) ----------------------------------------------------------------------


def test_a_zero_day_fee_needs_no_checkout_and_the_day_can_be_booked(
    client, make_application, fake_provider
):
    application = make_application(track="cm1", day_fee_cents=0, reapplication_fee_cents=1500)
    client.force_login(application.user)

    text = _text(client.get(FEES))
    assert text.count("No fee: book this day without paying") == 2
    assert "Pay $" not in text
    assert "Nothing to pay: every fee is paid or waived." in text
    assert day_fee_status(application) == {1: "free", 2: "free"}
    before = _writes()
    with pytest.raises(RuleViolation, match="Day 1 has no fee"):
        payment_start(application=application, items=[("day_fee", 1)], user=application.user)
    assert _writes() == before

    registration = registration_book(application=application, session=make_session(), user=None)
    assert (registration.fee_item, registration.fee_exempt) == (None, True)


# --- The CM I Upgrade's reapplication fee before the first booking (item 4) ---------------------


def test_the_reapplication_fee_comes_before_the_first_classroom_booking(
    client, make_application, pay_days
):
    upgrade = make_application(track="cm1_upgrade")
    pay_days(upgrade, [3])
    session = make_session(day=3)
    before = _writes()

    with pytest.raises(RuleViolation, match="Pay the reapplication fee before you book"):
        registration_book(application=upgrade, session=session, user=upgrade.user)
    assert _writes() == before

    client.force_login(upgrade.user)
    text = _text(client.get(FEES))
    assert "Unpaid</span> — due before your first classroom booking" in text
    assert "must be paid before you can book your first classroom day" in text

    dashboard = _text(client.get(reverse("enrollment:dashboard")))
    assert "Your reapplication fee is due: it must be paid before you can book" in dashboard
    assert f'<a href="{FEES}">Pay the reapplication fee</a>' in dashboard

    pay_days(upgrade, reapplication=True)
    assert "due before your first" not in _text(client.get(FEES))
    assert "reapplication fee is due" not in _text(client.get(reverse("enrollment:dashboard")))
    registration = registration_book(application=upgrade, session=session, user=upgrade.user)
    assert registration.fee_item.day == 3


# --- Amounts fixed at submission; policy changes audited (item 7) -------------------------------


def _policy_edit(client, **values):
    url = f"/admin/settings/enrollment/certificationpolicy/{CertificationPolicy.load().pk}/"
    return client.post(url, {**POLICY_FORM, **values})


def _upgrade_application():
    """A CM I Upgrade that qualifies: a certified CM I with a bachelor's and a current CPRP,
    its transcript uploaded."""
    application = ApplicationFactory(
        track="cm1_upgrade",
        cm1_certificate_number="CM1-0042",
        highest_education="bachelor",
        degree_other="Sociology",
        institution="University of Oklahoma",
        cprp_certified=True,
    )
    ApplicationUpload.objects.create(
        application=application,
        purpose="transcript",
        storage_name=f"uploads/{application.pk}/transcript.pdf",
        original_name="transcript.pdf",
        kind="pdf",
        size=10,
    )
    return application


def test_amounts_are_fixed_at_submission_and_a_policy_change_is_audited(
    client, cert_staff, fake_provider, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        earlier = application_submit(
            application=_upgrade_application(),
            user=None,
        )
    assert (earlier.day_fee_cents, earlier.reapplication_fee_cents) == (2500, 1500)

    client.force_login(cert_staff)
    _policy_edit(client, day_fee="30.00", reapplication_fee="20.00")

    events = AuditEvent.objects.filter(verb="policy.changed").order_by("pk")
    assert [(e.actor, e.from_state, e.to_state) for e in events] == [
        (cert_staff, "25.00", "30.00"),
        (cert_staff, "15.00", "20.00"),
    ]
    assert "classroom fee per day ($): 25.00 → 30.00" in events[0].reason
    # The application submitted before the change keeps its amounts...
    earlier = Application.objects.get(pk=earlier.pk)
    assert application_fees(earlier) == (2500, 1500)
    assert [line.amount_cents for line in fee_lines(earlier)] == [2500, 2500, 1500]
    payment = payment_start(
        application=earlier, items=[("reapplication_fee", None)], user=earlier.user
    )
    assert payment.amount_cents == 1500
    # ...one submitted after it pays the new ones.
    with django_capture_on_commit_callbacks(execute=True):
        later = application_submit(
            application=_upgrade_application(),
            user=None,
        )
    assert application_fees(later) == (3000, 2000)

    # Saving the policy unchanged writes nothing.
    count = events.count()
    _policy_edit(client, day_fee="30.00", reapplication_fee="20.00")
    assert AuditEvent.objects.filter(verb="policy.changed").count() == count


def test_a_refused_policy_edit_records_nothing(client, cert_staff):
    client.force_login(cert_staff)
    response = _policy_edit(client, day_fee="-5")
    assert response.status_code == 200
    assert not AuditEvent.objects.filter(verb="policy.changed").exists()
    assert CertificationPolicy.load().day_fee == 25


def test_an_unsubmitted_application_follows_the_policy_in_force(make_application):
    draft = make_application(track="cm1", status="draft")
    policy = CertificationPolicy.load()
    policy.day_fee = 40
    policy.save()
    assert application_fees(draft) == (4000, 0)
    assert draft.expires_on is None or draft.expires_on > draft.created_at.date() - timedelta(1)
