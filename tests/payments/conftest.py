"""Fixtures for payments: the fake provider, applications at a given stage, and the local Stripe
stand-in (devtools/localstripe_server.py) sending signed webhooks to the live server.

The stand-in helpers are plain functions too, so the browser journey in tests/e2e can start
its own stand-in.
"""

import hashlib
import hmac
import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from payments.providers import EventKind, get_provider
from payments.providers.fake import FakeProvider
from payments.services import payment_start, webhook_receive
from tests.factories import ApplicationFactory

SCRIPT = Path(__file__).resolve().parents[2] / "devtools" / "localstripe_server.py"


# --- Applications and the fake provider ------------------------------------------------------


@pytest.fixture
def fake_provider(settings) -> FakeProvider:
    settings.PAYMENT_PROVIDER = "fake"
    return get_provider()


@pytest.fixture
def make_application(db) -> Callable:
    """An application on `track` at `status` (set directly: these tests are about payments)."""

    def make(track="cm1", status="training_approved", **kwargs):
        return ApplicationFactory(track=track, status=status, **kwargs)

    return make


def fake_deliver(kind, payment=None, **fields):
    """Deliver one fake-provider event through the same service the webhook view calls."""
    payload, signature = FakeProvider.event(kind, payment, **fields)
    return webhook_receive(provider=FakeProvider(), payload=payload, signature=signature)


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


# --- Stripe-style signatures -------------------------------------------------------------------


def stripe_signature(payload: bytes, secret: str | None = None, *, at: int | None = None) -> str:
    """A `Stripe-Signature` header as Stripe computes it (signed now, or at unix time `at`)."""
    secret = secret or django_settings.STRIPE_WEBHOOK_SECRET
    timestamp = int(time.time()) if at is None else at
    signed = f"{timestamp}.".encode() + payload
    return f"t={timestamp},v1={hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()}"


def stripe_post(client, event: dict, *, secret: str | None = None, signature: str | None = None):
    """POST one event to the webhook view, signed like Stripe (or with `signature`)."""
    payload = json.dumps(event).encode()
    header = signature if signature is not None else stripe_signature(payload, secret)
    return client.post(
        reverse("payments:stripe-webhook"),
        payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=header,
    )


# --- The local Stripe stand-in -----------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until_up(base: str, proc: subprocess.Popen, log: Path, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"The Stripe stand-in exited early:\n{log.read_text()}")
        try:
            urllib.request.urlopen(f"{base}/v1/balance", timeout=1)
            return
        except urllib.error.HTTPError:  # 401 without a key: it is answering
            return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"The Stripe stand-in did not answer within {timeout} s:\n{log.read_text()}")


@contextmanager
def standin_running(webhook_url: str, log_dir: Path, *, port: int | None = None) -> Iterator[str]:
    """Run the stand-in on a free loopback port (or `port`), posting webhooks to `webhook_url`;
    yields its base URL and stops it afterwards."""
    port = port or free_port()
    log = log_dir / "server.log"
    cmd = [sys.executable, str(SCRIPT), "--port", str(port), "--webhook-url", webhook_url]
    cmd += ["--webhook-secret", django_settings.STRIPE_WEBHOOK_SECRET]
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, proc, log)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


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


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def checkout_submit(url: str, **fields) -> tuple[int, dict, str]:
    """POST the stand-in's hosted page form without following the redirect."""
    data = urllib.parse.urlencode(fields).encode()
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(url, data=data, timeout=10) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:  # 303 (not followed), 402
        return error.code, dict(error.headers), error.read().decode()


def wait_for(predicate: Callable[[], object], timeout: float = 10, step: float = 0.2):
    """Poll `predicate` until it is truthy or `timeout` seconds pass; returns its last value."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(step)
