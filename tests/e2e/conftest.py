"""Browser journeys: Playwright driving Debian's Chromium against the live server."""

import os
import shutil
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.urls import reverse

from tests.servers import standin_running

ARTIFACTS = Path(__file__).parent / "artifacts"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def _chromium_path() -> str:
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        pytest.fail("Chromium is not installed: `make sysdeps` installs Debian's chromium package.")
    return path


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # alongside it are still ordinary synchronous calls.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=_chromium_path(), args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1200, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def screenshot(page, request):
    """Save a screenshot under tests/e2e/artifacts/ (git-ignored) with the test's name."""
    ARTIFACTS.mkdir(exist_ok=True)

    def take(label: str) -> Path:
        path = ARTIFACTS / f"{request.node.name}-{label}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


AXE_JS = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
_AXE_RUN = """async (scope) => {
  const result = await axe.run(scope ? document.querySelector(scope) : document,
                               {resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ") + " :: " + n.html.slice(0, 120)),
  }));
}"""


def axe_violations(page, *, scope: str = "") -> list[dict]:
    """axe-core's violations on the page as it stands (inside `scope`, a CSS selector, if given)."""
    if not AXE_JS.exists():
        pytest.fail("axe-core is not installed: run `make e2e-deps` (npm ci in tests/e2e).")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    return page.evaluate(_AXE_RUN, scope)


@pytest.fixture
def a11y():
    """`a11y.check(page, label)` runs axe-core at 1280 px and at 390 px and checks the page does
    not scroll sideways on the phone; `a11y.assert_clean()` fails with every finding at once."""

    class Audit:
        def __init__(self):
            self.findings: dict[str, object] = {}
            self.pages: list[str] = []

        def check(self, page, label: str, *, scope: str = "") -> None:
            self.pages.append(label)
            for name, size in (("1280", DESKTOP), ("390", PHONE)):
                page.set_viewport_size(size)
                page.wait_for_timeout(50)
                violations = axe_violations(page, scope=scope)
                if violations:
                    self.findings[f"{label} @ {name}px"] = violations
                if name == "390":
                    overflow = page.evaluate(
                        "() => document.documentElement.scrollWidth - window.innerWidth"
                    )
                    if overflow > 0:
                        self.findings[f"{label} @ 390px scrolls sideways"] = f"{overflow}px"
            page.set_viewport_size(DESKTOP)

        def assert_clean(self) -> None:
            assert self.pages, "no page was checked"
            assert not self.findings, "\n".join(f"{k}: {v}" for k, v in self.findings.items())

    return Audit()


# --- The Stripe stand-in, its webhooks delayed as real Stripe often delays them ---------------

WEBHOOK_DELAY = 2.0


def _relay(target: str, delay: float) -> ThreadingHTTPServer:
    """An HTTP server on a free loopback port that forwards each POST to `target` after
    `delay` seconds, headers (the Stripe signature) and body untouched."""

    class Relay(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            time.sleep(delay)
            headers = {
                "Content-Type": self.headers.get("Content-Type", "application/json"),
                "Stripe-Signature": self.headers.get("Stripe-Signature", ""),
            }
            request = urllib.request.Request(target, data=body, headers=headers, method="POST")
            try:
                with urllib.request.urlopen(request, timeout=10) as response:
                    status = response.status
            except urllib.error.HTTPError as error:
                status = error.code
            self.send_response(status)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Relay)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture
def standin(live_server, settings, tmp_path):
    """The stand-in, its signed webhooks reaching the live server through a relay that holds each
    for `WEBHOOK_DELAY` seconds, so the "waiting for confirmation" state is always seen."""
    relay = _relay(live_server.url + reverse("payments:stripe-webhook"), WEBHOOK_DELAY)
    host, port = relay.server_address[:2]
    try:
        with standin_running(f"http://{host}:{port}/", tmp_path) as base:
            settings.STRIPE_API_BASE = base
            settings.PAYMENT_PROVIDER = "stripe"
            yield base
    finally:
        relay.shutdown()
        relay.server_close()
