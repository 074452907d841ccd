"""Fixtures for payments: the fake provider, applications at a given stage, days paid through
fake events, and the local Stripe stand-in (tests/servers.py) sending signed webhooks to the
live server."""

from collections.abc import Callable, Iterator

import pytest
from django.urls import reverse

from payments.providers import EventKind, get_provider
from payments.providers.fake import FakeProvider
from payments.services import payment_start
from tests.factories.enrollment import application_at
from tests.factories.payments import fake_deliver
from tests.servers import standin_running

# --- Applications and the fake provider ------------------------------------------------------


@pytest.fixture
def fake_provider(settings) -> FakeProvider:
    settings.PAYMENT_PROVIDER = "fake"
    return get_provider()


@pytest.fixture
def make_application(db) -> Callable:
    """An application on `track` at `status` (set directly: these tests are about payments)."""

    def make(track="cm1", status="training_approved", **kwargs):
        return application_at(status, track=track, **kwargs)

    return make


@pytest.fixture
def pay_days(fake_provider) -> Callable:
    """Start and confirm (through a fake event) a payment for `days` of `application`."""

    def pay(application, days=(), *, reapplication=False):
        items = [("day_fee", day) for day in days]
        if reapplication:
            items.append(("reapplication_fee", None))
        payment = payment_start(application=application, items=items, user=application.user)
        fake_deliver(EventKind.PAID, payment)
        payment.refresh_from_db()
        return payment

    return pay


@pytest.fixture(scope="session")
def stripe_standin(live_server, tmp_path_factory) -> Iterator[str]:
    """Base URL of a stand-in sending webhooks to the live server's webhook view."""
    webhook_url = live_server.url + reverse("payments:stripe-webhook")
    with standin_running(webhook_url, tmp_path_factory.mktemp("stripe-standin")) as base:
        yield base


@pytest.fixture
def stripe_api(settings, stripe_standin) -> str:
    """Point the Stripe SDK (and the "stripe" provider) at the stand-in."""
    settings.STRIPE_API_BASE = stripe_standin
    settings.PAYMENT_PROVIDER = "stripe"
    return stripe_standin
