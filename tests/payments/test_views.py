"""The payment pages for every role: fees, the return from checkout, its status, receipts, and
the read-only admin. Someone else's payment is a 404."""

import re

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from lms import clock
from payments.models import Payment, PaymentStatus
from payments.providers import EventKind, ProviderUnavailable
from payments.providers.fake import FakeProvider
from payments.receipts import receipt_context
from tests.factories.enrollment import confirm_employee
from tests.factories.payments import fake_deliver
from tests.readers import body, csv_rows, pdf_text, xlsx_rows

pytestmark = pytest.mark.django_db
DAYS_2_3_4 = [("day_fee", 2), ("day_fee", 3), ("day_fee", 4)]


@pytest.fixture
def cm2(make_application):
    return make_application(
        track="cm2", legal_first_name="Ada", legal_last_name="Lovelace", status="training_approved"
    )


@pytest.fixture
def owner(client, cm2):
    client.force_login(cm2.user)
    return client


@pytest.fixture
def paid(cm2, pay_days):
    return pay_days(cm2, [2, 3, 4])


def _pay_all(client, **kwargs):
    """Tick every fee the fees page offers and pay."""
    page = client.get(reverse("payments:fees")).content.decode()
    chosen = re.findall(r'name="fee" value="([^"]+)"', page)
    return client.post(reverse("payments:fees"), {"fee": chosen}, **kwargs)


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


# --- The fees page ------------------------------------------------------------------------------


def test_fees_page_lists_the_days_and_the_total(owner, fake_provider):
    response = owner.get(reverse("payments:fees"))

    text = _text(response)
    assert response.status_code == 200
    for day in (2, 3, 4):
        assert f"Classroom training fee, Day {day}</th> <td>$25.00</td>" in text
    assert "Day 1" not in text
    assert "Total to pay now</th><td><strong data-fee-total>$75.00</strong>" in text
    assert "Pay $75.00 online</button>" in text


def test_paying_redirects_to_the_checkout(owner, cm2, fake_provider):
    response = _pay_all(owner)

    payment = Payment.objects.get()
    assert response.status_code == 302
    assert (
        response.url
        == payment.checkout_url
        == f"https://checkout.fake.invalid/{payment.checkout_session_id}"
    )
    assert payment.amount_cents == 7500
    assert payment.application == cm2


def test_paying_twice_returns_to_the_same_checkout(owner, fake_provider):
    first = _pay_all(owner)
    second = _pay_all(owner)

    assert first.url == second.url
    assert Payment.objects.count() == 1


def test_paid_days_show_a_receipt_link_and_no_button(owner, paid):
    text = _text(owner.get(reverse("payments:fees")))

    assert text.count(reverse("payments:receipt", args=[paid.pk])) >= 3
    assert "Pay $" not in text
    assert "Nothing to pay: every fee is paid or waived." in text


def test_a_confirmed_employee_sees_exempt_days_and_pays_the_reapplication_fee(
    client, make_application, fake_provider
):
    application = make_application(track="cm1_upgrade", status="submitted", odmhsas_employee=True)
    confirm_employee(application)
    client.force_login(application.user)

    text = _text(client.get(reverse("payments:fees")))

    assert text.count("Exempt (ODMHSAS employee)") == 2
    assert "Reapplication fee (CM I Upgrade)</th> <td>$15.00</td>" in text
    assert "Pay $15.00 online" in text


def test_an_unconfirmed_claim_is_explained(client, make_application, fake_provider):
    application = make_application(track="cm2", odmhsas_employee=True)
    client.force_login(application.user)

    text = _text(client.get(reverse("payments:fees")))

    assert "Once certification staff confirm it" in text
    assert "Pay $75.00 online" in text


def test_day_fees_wait_for_training_approval(client, make_application, fake_provider):
    application = make_application(track="cm2", status="approved")
    client.force_login(application.user)

    text = _text(client.get(reverse("payments:fees")))
    response = client.post(reverse("payments:fees"))

    assert "once your web-based training is approved" in text
    assert "Pay $" not in text
    assert response.url == reverse("payments:fees")
    assert not Payment.objects.exists()


def test_no_application_yet(client, applicant):
    client.force_login(applicant)

    response = client.get(reverse("payments:fees"))

    assert "You have no application yet" in _text(response)


def test_a_provider_outage_is_a_message(owner, fake_provider, monkeypatch):
    def refuse(self, payment, **kwargs):
        raise ProviderUnavailable("The payment service is not available right now.")

    monkeypatch.setattr(FakeProvider, "create_checkout", refuse)

    response = _pay_all(owner, follow=True)

    assert "The payment service is not available right now." in _text(response)
    assert not Payment.objects.exists()


def test_pages_need_a_sign_in(client, paid):
    for url in (
        reverse("payments:fees"),
        reverse("payments:payment-return", args=[paid.pk]),
        reverse("payments:payment-status", args=[paid.pk]),
        reverse("payments:receipt", args=[paid.pk]),
        reverse("payments:receipt-pdf", args=[paid.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith("/accounts/login/")


# --- Return from checkout and its status --------------------------------------------------------


def test_the_return_page_waits_for_the_webhook(owner, cm2, fake_provider):
    _pay_all(owner)
    payment = Payment.objects.get()
    url = reverse("payments:payment-return", args=[payment.pk])

    waiting = _text(owner.get(url))
    status = owner.get(reverse("payments:payment-status", args=[payment.pk])).json()
    assert "Waiting for confirmation" in waiting
    assert (status["status"], status["paid"], status["final"]) == ("pending", False, False)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING  # coming back marks nothing paid

    fake_deliver(EventKind.PAID, payment)

    paid = _text(owner.get(url))
    assert "<h2>Paid</h2>" in paid
    assert "Waiting for confirmation" not in paid
    assert reverse("payments:receipt", args=[payment.pk]) in paid
    assert owner.get(reverse("payments:payment-status", args=[payment.pk])).json()["paid"]


def test_the_return_page_after_a_decline(owner, fake_provider):
    _pay_all(owner)
    payment = Payment.objects.get()
    fake_deliver(EventKind.FAILED, payment)

    text = _text(owner.get(reverse("payments:payment-return", args=[payment.pk])))

    assert "The payment did not go through" in text
    assert f'href="{payment.checkout_url}">Try again' in text  # the same checkout, not a new one
    assert 'data-final="false"' in text  # it keeps following the checkout


def test_back_from_the_checkout_after_a_decline_waits_then_shows_paid(owner, fake_provider):
    _pay_all(owner)
    payment = Payment.objects.get()
    fake_deliver(EventKind.FAILED, payment)  # the first card was declined
    back = reverse("payments:payment-return", args=[payment.pk]) + "?checkout=done"
    status = reverse("payments:payment-status", args=[payment.pk]) + "?checkout=done"

    text = _text(owner.get(back))  # a retry succeeded; its confirmation is on its way
    assert "Waiting for confirmation" in text
    assert "did not go through" not in text and "Try again" not in text
    assert "?checkout=done" in text  # the page polls the same way
    assert owner.get(status).json() | {"html": ""} == {
        "status": "failed",
        "paid": False,
        "state": "waiting",
        "final": False,
        "html": "",
    }

    fake_deliver(EventKind.PAID, payment, event_id="evt_retry_paid")
    data = owner.get(status).json()
    assert (data["state"], data["final"]) == ("paid", True)
    assert "<h2>Paid</h2>" in data["html"]
    assert Payment.objects.count() == 1  # no second checkout was ever offered


def test_a_decline_on_a_closed_checkout_is_final(owner, fake_provider):
    _pay_all(owner)
    payment = Payment.objects.get()
    fake_deliver(EventKind.FAILED, payment)
    Payment.objects.filter(pk=payment.pk).update(expires_at=clock.now())

    text = _text(owner.get(reverse("payments:payment-return", args=[payment.pk])))

    assert "This checkout has closed." in text and 'data-final="true"' in text
    assert "Try again" not in text


# --- Receipts, for every role -----------------------------------------------------------------


def test_the_receipt_shows_what_was_paid(owner, cm2, paid):
    response = owner.get(reverse("payments:receipt", args=[paid.pk]))

    text = _text(response)
    assert response.status_code == 200
    assert "Ada Lovelace" in text
    assert f"#{cm2.pk} (CM II New Applicant)" in text
    for day in (2, 3, 4):
        assert f'Classroom training fee, Day {day}</td><td class="amount">$25.00' in text
    assert "$75.00" in text
    assert paid.payment_intent_id in text
    assert f"{paid.paid_at.astimezone(clock.LOCAL_TZ):%B %-d, %Y}" in text
    assert 'id="print-receipt">Print</button>' in text
    assert reverse("payments:receipt-pdf", args=[paid.pk]) in text
    assert "refund" not in text.lower().replace("not refundable", "")


def test_the_receipt_pdf(owner, paid):
    response = owner.get(reverse("payments:receipt-pdf", args=[paid.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(pdf_text(response.content).split())
    assert "Ada Lovelace" in text
    for day in (2, 3, 4):
        assert f"Classroom training fee, Day {day} $25.00" in text
    assert "$75.00" in text
    assert paid.payment_intent_id in text
    assert f"{paid.paid_at.astimezone(clock.LOCAL_TZ):%B %-d, %Y}" in text


def test_the_pdf_template_carries_the_same_facts(paid, cm2):
    html = render_to_string("payments/receipt_pdf.html", receipt_context(paid))

    assert "Ada Lovelace" in html
    assert f"#{cm2.pk}" in html
    assert paid.payment_intent_id in html
    assert "$75.00" in html


def test_a_receipt_falls_back_to_the_email(make_application, pay_days, client):
    application = make_application(track="cm1", legal_first_name="", legal_last_name="")
    payment = pay_days(application, [1])
    client.force_login(application.user)

    text = _text(client.get(reverse("payments:receipt", args=[payment.pk])))

    assert f"<dd>{application.user.email}</dd>" in text


@pytest.mark.parametrize("who", ["cert_staff", "superuser"])
def test_staff_see_any_receipt(client, paid, who, request):
    client.force_login(request.getfixturevalue(who))

    assert client.get(reverse("payments:receipt", args=[paid.pk])).status_code == 200
    assert client.get(reverse("payments:receipt-pdf", args=[paid.pk])).status_code == 200
    assert client.get(reverse("payments:payment-return", args=[paid.pk])).status_code == 200


@pytest.mark.parametrize("who", ["applicant", "trainer", "editor", "agency_user"])
def test_everyone_else_gets_404(client, paid, who, request):
    client.force_login(request.getfixturevalue(who))

    for name in ("receipt", "receipt-pdf", "payment-return", "payment-status"):
        assert client.get(reverse(f"payments:{name}", args=[paid.pk])).status_code == 404


def test_a_pending_payment_has_no_receipt(owner, fake_provider):
    _pay_all(owner)
    payment = Payment.objects.get()

    assert owner.get(reverse("payments:receipt", args=[payment.pk])).status_code == 404
    assert owner.get(reverse("payments:receipt-pdf", args=[payment.pk])).status_code == 404


# --- The admin: read-only for everyone --------------------------------------------------------


def test_staff_list_filter_and_inspect_payments(client, cert_staff, paid):
    client.force_login(cert_staff)

    listing = client.get(reverse("payments_admin:index"))
    filtered = client.get(reverse("payments_admin:index"), {"status": "failed"})
    inspect = client.get(reverse("payments_admin:inspect", args=[paid.pk]))

    assert listing.status_code == 200
    assert "Ada Lovelace" in _text(listing)
    assert "Ada Lovelace" not in _text(filtered)
    text = _text(inspect)
    assert inspect.status_code == 200
    assert "Classroom training fee, Day 3" in text
    assert "payment.paid" in text
    assert f"evt_fake_paid_{paid.pk}" in text


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_staff_export_payments(client, cert_staff, paid, fmt):
    client.force_login(cert_staff)

    response = client.get(reverse("payments_admin:index"), {"export": fmt})

    assert response.status_code == 200
    rows = csv_rows(body(response)) if fmt == "csv" else xlsx_rows(body(response))
    assert rows[0][:5] == ["Payment", "Application", "Person", "Email", "Amount"]
    (row,) = [r for r in rows[1:] if str(r[0]) == str(paid.pk)]
    assert [str(v) for v in row[1:3]] == [str(paid.application_id), "Ada Lovelace"]
    assert float(row[4]) == 75.0
    assert "USD" in row and "Paid" in row


@pytest.mark.parametrize("who", ["cert_staff", "superuser"])
def test_nobody_adds_edits_or_deletes_a_payment(client, paid, who, request):
    client.force_login(request.getfixturevalue(who))

    refused = (302, 403, 404)  # Wagtail answers a refused permission with a redirect home
    assert client.get(reverse("payments_admin:add")).status_code in refused
    assert client.post(reverse("payments_admin:add"), {"flag_reason": "x"}).status_code in refused
    for name in ("edit", "delete"):
        url = reverse(f"payments_admin:{name}", args=[paid.pk])
        assert client.get(url).status_code in refused
        assert client.post(url, {"flag_reason": "changed"}).status_code in refused
    paid.refresh_from_db()
    assert (paid.status, paid.flag_reason) == (PaymentStatus.PAID, "")
    assert Payment.objects.filter(pk=paid.pk).exists()


@pytest.mark.parametrize("who", ["applicant", "trainer", "editor", "agency_user"])
def test_others_do_not_see_the_payments_admin(client, paid, who, request):
    client.force_login(request.getfixturevalue(who))

    response = client.get(reverse("payments_admin:index"))

    assert response.status_code in (302, 403)


def test_there_is_no_refund_anywhere():
    import payments.providers.base
    import payments.selectors
    import payments.services
    import payments.urls
    import payments.views
    import payments.wagtail_hooks

    modules = [
        payments.providers.base,
        payments.selectors,
        payments.services,
        payments.urls,
        payments.views,
        payments.wagtail_hooks,
    ]
    for module in modules:
        assert not [name for name in dir(module) if "refund" in name.lower()]
    assert not [p for p in payments.urls.urlpatterns if "refund" in str(p.pattern)]


@pytest.mark.parametrize(
    ("track", "status", "note"),
    [
        ("cm1_upgrade", "draft", "The reapplication fee can be paid once your application is"),
        ("cm2", "submitted", "Classroom day fees can be paid once your web-based training"),
        ("cm2", "expired", "This application is closed; nothing can be paid for it."),
        ("cm2", "denied", "This application is closed; nothing can be paid for it."),
    ],
)
def test_why_there_is_no_pay_button(client, make_application, fake_provider, track, status, note):
    application = make_application(track=track, status=status)
    client.force_login(application.user)

    text = _text(client.get(reverse("payments:fees")))

    assert note in text
    assert "Pay $" not in text
