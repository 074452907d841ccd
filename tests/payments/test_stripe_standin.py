"""The local Stripe stand-in end to end.

The real SDK (through payments.stripe_api.stripe_client) talks to devtools/localstripe_server.py,
the stand-in's hosted page is "paid" over plain HTTP, and the stand-in POSTs a signed webhook into
the live Django server, whose view verifies it with stripe.Webhook.construct_event and stores it.
"""

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
import stripe
from django.conf import settings as django_settings
from django.urls import reverse

from payments.models import StripeEvent
from payments.stripe_api import stripe_client
from tests.factories.payments import stripe_signature
from tests.servers import checkout_submit, wait_for

SCRIPT = Path(__file__).resolve().parents[2] / "devtools" / "localstripe_server.py"
SUCCESS_URL = "http://shop.example.test/paid?session={CHECKOUT_SESSION_ID}"
CANCEL_URL = "http://shop.example.test/cancelled"

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def client_api(settings, stripe_standin) -> stripe.StripeClient:
    settings.STRIPE_API_BASE = stripe_standin
    return stripe_client()


def _create_session(client_api: stripe.StripeClient, **extra):
    line_items = [
        {
            "price_data": {
                "currency": "usd",
                "unit_amount": 2500,
                "product_data": {"name": name},
            },
            "quantity": 1,
        }
        for name in ("Core training, day 1", "Core training, day 2")
    ]
    params = {
        "mode": "payment",
        "line_items": line_items,
        "success_url": SUCCESS_URL,
        "cancel_url": CANCEL_URL,
        "client_reference_id": "enrollment-42",
        "customer_email": "applicant@example.test",
        "metadata": {"enrollment": "42"},
        **extra,
    }
    return client_api.v1.checkout.sessions.create(params=params)


def _wait_for_event(timeout: float = 10, **lookup) -> StripeEvent | None:
    return wait_for(lambda: StripeEvent.objects.filter(**lookup).first(), timeout=timeout)


def test_create_retrieve_and_hosted_page(client_api, stripe_standin):
    session = _create_session(client_api)

    assert session.id.startswith("cs_test_")
    assert session.object == "checkout.session"
    assert (session.amount_total, session.currency) == (5000, "usd")
    assert (session.status, session.payment_status) == ("open", "unpaid")
    assert session.url == f"{stripe_standin}/_config/checkout/{session.id}"
    assert session.livemode is False

    again = client_api.v1.checkout.sessions.retrieve(session.id)
    assert (again.id, again.amount_total) == (session.id, 5000)
    assert again.client_reference_id == "enrollment-42"
    assert again.customer_email == "applicant@example.test"
    assert again.metadata.to_dict() == {"enrollment": "42"}
    assert again.expires_at > again.created

    page = urllib.request.urlopen(session.url, timeout=10).read().decode()
    assert "<title>Test checkout</title>" in page
    assert "Core training, day 2" in page
    assert "$50.00" in page
    assert 'value="4242 4242 4242 4242"' in page
    assert f'href="{CANCEL_URL}"' in page


def test_pay_delivers_a_signed_completed_event(client_api):
    session = _create_session(client_api)

    status, headers, _ = checkout_submit(
        session.url, action="pay", card_number="4242 4242 4242 4242"
    )

    assert status == 303
    assert headers["Location"] == SUCCESS_URL.replace("{CHECKOUT_SESSION_ID}", session.id)
    event = _wait_for_event(type="checkout.session.completed", payload__data__object__id=session.id)
    assert event is not None, "no verified checkout.session.completed reached the webhook view"
    obj = event.payload["data"]["object"]
    assert (obj["status"], obj["payment_status"], obj["amount_total"]) == ("complete", "paid", 5000)
    assert obj["client_reference_id"] == "enrollment-42"

    paid = client_api.v1.checkout.sessions.retrieve(session.id)
    assert (paid.status, paid.payment_status) == ("complete", "paid")
    assert paid.payment_intent.startswith("pi_")
    assert paid.url is None


def test_decline_stores_the_failure_and_no_completion(client_api):
    session = _create_session(client_api)

    status, _, body = checkout_submit(
        session.url, action="decline", card_number="4242 4242 4242 4242"
    )

    assert status == 402
    assert "Your card was declined." in body
    failed = _wait_for_event(
        type="payment_intent.payment_failed",
        payload__data__object__metadata__checkout_session=session.id,
    )
    assert failed is not None, "no verified payment_intent.payment_failed reached the view"
    still_open = client_api.v1.checkout.sessions.retrieve(session.id)
    assert (still_open.status, still_open.payment_status) == ("open", "unpaid")
    assert failed.payload["data"]["object"]["id"] == still_open.payment_intent
    completed = _wait_for_event(
        timeout=1.5, type="checkout.session.completed", payload__data__object__id=session.id
    )
    assert completed is None


def test_decline_card_number_declines_too(client_api):
    session = _create_session(client_api)

    status, _, body = checkout_submit(session.url, action="pay", card_number="4000 0000 0000 0002")

    assert status == 402
    assert "Your card was declined." in body
    assert client_api.v1.checkout.sessions.retrieve(session.id).payment_status == "unpaid"


def test_expire_emits_an_expired_event(client_api):
    session = _create_session(client_api, expires_at=int(time.time()) + 3600)

    expired = client_api.v1.checkout.sessions.expire(session.id)

    assert (expired.status, expired.url) == ("expired", None)
    event = _wait_for_event(type="checkout.session.expired", payload__data__object__id=session.id)
    assert event is not None


def test_bad_params_get_a_stripe_style_400(client_api):
    with pytest.raises(stripe.InvalidRequestError) as raised:
        client_api.v1.checkout.sessions.create(
            params={"mode": "payment", "success_url": SUCCESS_URL}
        )

    assert raised.value.http_status == 400
    assert raised.value.param == "line_items"
    assert raised.value.json_body["error"]["type"] == "invalid_request_error"


@pytest.mark.parametrize(
    "signature",
    [
        pytest.param(lambda payload: stripe_signature(payload, "whsec_wrong"), id="wrong-secret"),
        pytest.param(lambda payload: "t=1,v1=" + "0" * 64, id="garbage"),
        pytest.param(lambda payload: None, id="missing"),
    ],
)
def test_forged_webhook_is_refused_and_not_stored(client, signature):
    payload = json.dumps(
        {
            "id": "evt_forged_1",
            "object": "event",
            "type": "checkout.session.completed",
            "data": {"object": {"id": "cs_test_forged", "object": "checkout.session"}},
        }
    ).encode()
    headers = {}
    if (header := signature(payload)) is not None:
        headers["HTTP_STRIPE_SIGNATURE"] = header

    response = client.post(
        reverse("payments:stripe-webhook"), payload, content_type="application/json", **headers
    )

    assert response.status_code == 400
    assert not StripeEvent.objects.filter(stripe_id="evt_forged_1").exists()


def test_correctly_signed_webhook_is_stored_once(client):
    """Control for the test above: the same payload with the right secret is accepted."""
    payload = json.dumps(
        {"id": "evt_genuine_1", "object": "event", "type": "ping", "data": {"object": {}}}
    ).encode()
    header = stripe_signature(payload, django_settings.STRIPE_WEBHOOK_SECRET)
    url = reverse("payments:stripe-webhook")

    for _ in range(2):
        response = client.post(
            url, payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=header
        )
        assert response.status_code == 200

    assert StripeEvent.objects.filter(stripe_id="evt_genuine_1").count() == 1
