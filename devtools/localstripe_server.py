"""Local Stripe stand-in for development and tests ONLY: localstripe plus Checkout Sessions.

localstripe (GPL-3.0) is a fake Stripe server with no Checkout Sessions. This script adds them
to its aiohttp app before starting it; the application never imports this module or localstripe.

    python devtools/localstripe_server.py --port 8420 \
        --webhook-url http://127.0.0.1:8000/payments/stripe/webhook/ --webhook-secret whsec_...

Added endpoints (only `mode=payment` with inline `price_data`; no Prices, no customers):
  POST /v1/checkout/sessions               create (Stripe-style 400 errors on bad params)
  GET  /v1/checkout/sessions/{id}          retrieve
  POST /v1/checkout/sessions/{id}/expire   expire; emits checkout.session.expired
  GET  /_config/checkout/{id}              stand-in for the hosted payment page
  POST /_config/checkout/{id}              action=pay -> a PaymentIntent is confirmed through
        localstripe, checkout.session.completed is emitted and the browser is sent (303) to
        success_url; action=decline, or card 4000 0000 0000 0002 -> the session stays open and,
        as real Stripe does for a card declined on Checkout, payment_intent.payment_failed is
        emitted (checkout.session.async_payment_failed is only for delayed methods like ACH);
        action=pay_by_bank -> as a delayed method does, the session completes unpaid (the debit
        not settled yet) and checkout.session.completed is emitted with payment_status "unpaid".
Each attempt creates a new PaymentIntent (Stripe would reuse one); its metadata is the session's
payment_intent_data[metadata] plus `checkout_session` (stand-in only: real Stripe does not add it).
Events go out through localstripe's webhook machinery, signed with the registered secret.

With LMS_CLOCK_START set (a drill or a benchmark whose server runs as of another moment), the
stand-in's own time runs from the same moment: it signs webhooks and checks `expires_at` with it,
as the server checks them with its clock.
"""

import argparse
import html
import logging
import os
import pickle
import sys
import time
from pathlib import Path

from aiohttp import web
from localstripe.errors import UserError
from localstripe.resources import Event, PaymentIntent, Store, StripeObject, store
from localstripe.server import app, get_post_data, json_response
from localstripe.webhooks import register_webhook, schedule_webhook

DECLINE_CARDS = {"4000000000000002", "4000000000000341"}
OPTIONAL_PARAMS = ("cancel_url", "client_reference_id", "customer_email", "metadata", "expires_at")


class CheckoutSession(StripeObject):
    object = "checkout.session"
    _id_prefix = "cs_test_"
    _page_base = "http://127.0.0.1:8420"  # this server's own address, set in main()

    def __init__(self, line_items, pi_metadata, **fields):
        super().__init__()  # stores the object in localstripe's store
        self._line_items, self._pi_metadata = line_items, pi_metadata or {}
        self.mode, self.payment_method_types = "payment", ["card"]
        self.currency = line_items[0]["currency"]
        self.amount_total = sum(i["amount"] for i in line_items)
        self.amount_subtotal = self.amount_total
        self.status, self.payment_status, self.payment_intent = "open", "unpaid", None
        for name in OPTIONAL_PARAMS:
            setattr(self, name, fields.get(name))
        self.success_url = fields["success_url"]
        self.metadata = self.metadata or {}
        self.expires_at = self.expires_at or self.created + 24 * 3600

    @property
    def url(self):  # Stripe clears the URL once the session is no longer open
        page = f"{self._page_base}/_config/checkout/{self.id}"
        return page if self.status == "open" else None

    def _emit(self, event_type):
        schedule_webhook(Event(event_type, self))

    def _expire(self):
        self.status = "expired"
        self._emit("checkout.session.expired")

    def _charge(self, payment_method):
        """Create and confirm a PaymentIntent in localstripe; True if it succeeded.
        localstripe emits payment_intent.succeeded or payment_intent.payment_failed."""
        pi = PaymentIntent._api_create(
            amount=self.amount_total,
            currency=self.currency,
            payment_method=payment_method,
            payment_method_types=["card"],
            metadata={**self._pi_metadata, "checkout_session": self.id},
        )
        self.payment_intent = pi.id
        try:
            PaymentIntent._api_confirm(pi.id)
        except UserError:  # 402 card declined
            return False
        return pi.status == "succeeded"


def _fail(message, param=None):
    return UserError(400, message, {"param": param} if param else None)


def _int(value, param, minimum=0):
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise _fail(f"Invalid integer: {value}", param) from None
    if number < minimum:
        raise _fail(f"`{param}` must be at least {minimum}.", param)
    return number


def _parse_line_items(raw):
    if not isinstance(raw, list) or not raw:
        raise _fail("Missing required param: line_items.", "line_items")
    items = []
    for n, item in enumerate(raw):
        param = f"line_items[{n}]"
        price = item.get("price_data") if isinstance(item, dict) else None
        if not isinstance(price, dict):
            msg = f"{param}[price_data] is required (this stand-in has no Prices)."
            raise _fail(msg, param)
        product = price.get("product_data")
        name = product.get("name") if isinstance(product, dict) else None
        if not price.get("currency") or not name:
            msg = f"Missing required param: {param}[price_data][currency|product_data]."
            raise _fail(msg, param)
        unit = _int(price.get("unit_amount"), f"{param}[price_data][unit_amount]")
        qty = _int(item.get("quantity"), f"{param}[quantity]", minimum=1)
        currency = price["currency"].lower()
        items.append(dict(name=name, currency=currency, quantity=qty, amount=unit * qty))
    if len({i["currency"] for i in items}) > 1:
        raise _fail("All line items must use the same currency.", "line_items")
    return items


async def create_session(request):
    data = await get_post_data(request) or {}
    data.pop("expand", None)
    known = {"mode", "line_items", "success_url", "payment_intent_data", *OPTIONAL_PARAMS}
    for key in data:
        if key not in known:
            raise _fail(f"Received unknown parameter: {key}", key)
    for key in ("metadata", "payment_intent_data"):
        if not isinstance(data.get(key) or {}, dict):
            raise _fail(f"Invalid object: {key}", key)
    if data.get("mode") != "payment":
        raise _fail("This stand-in supports only mode=payment.", "mode")
    if not str(data.get("success_url", "")).startswith("http"):
        raise _fail("Missing required param: success_url (absolute URL).", "success_url")
    if data.get("expires_at") is not None:
        data["expires_at"] = expires_at = _int(data["expires_at"], "expires_at")
        if not time.time() + 1795 <= expires_at <= time.time() + 24 * 3600 + 5:
            msg = "expires_at must be 30 minutes to 24 hours from now."
            raise _fail(msg, "expires_at")
    line_items = _parse_line_items(data.pop("line_items", None))
    pi_metadata = (data.pop("payment_intent_data", None) or {}).get("metadata")
    session = CheckoutSession(line_items, pi_metadata, **data)
    return json_response(session._export())


def _session(request):
    session = CheckoutSession._api_retrieve(request.match_info["id"])
    if session.status == "open" and time.time() >= session.expires_at:
        session._expire()
    return session


async def retrieve_session(request):
    return json_response(_session(request)._export())


async def expire_session(request):
    session = _session(request)
    if session.status != "open":
        msg = f"Only open Checkout Sessions can be expired (status: {session.status})."
        raise _fail(msg)
    session._expire()
    return json_response(session._export())


def _money(amount, currency):
    if currency == "usd":
        return f"${amount / 100:,.2f}"
    return f"{amount / 100:,.2f} {currency.upper()}"


PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Test checkout</title></head>
<body><main><h1>Test checkout</h1>
<p>Local Stripe stand-in for development: no real payment is made.</p>{alert}
<table><caption>Order</caption>
<thead><tr><th scope="col">Item</th><th scope="col">Quantity</th>
<th scope="col">Amount</th></tr></thead><tbody>{rows}</tbody>
<tfoot><tr><th scope="row" colspan="2">Total</th><td>{total}</td></tr></tfoot>
</table>{body}</main></body></html>"""
FORM = """<form method="post">
<p><label for="card">Card number</label>
<input id="card" name="card_number" value="4242 4242 4242 4242"
 autocomplete="cc-number" inputmode="numeric"></p>
<p><button name="action" value="pay">Pay {total}</button>
<button name="action" value="decline">Decline (test)</button>{cancel}</p></form>"""


def _page(session, message=None, status=200):
    esc, total = html.escape, _money(session.amount_total, session.currency)
    rows = "".join(
        f"<tr><td>{esc(i['name'])}</td><td>{i['quantity']}</td>"
        f"<td>{_money(i['amount'], i['currency'])}</td></tr>"
        for i in session._line_items
    )
    alert = f'<p role="alert"><strong>{esc(message)}</strong></p>' if message else ""
    if session.status == "open":
        url = session.cancel_url
        cancel = f' <a href="{esc(url)}">Cancel</a>' if url else ""
        body = FORM.format(total=total, cancel=cancel)
    else:
        body = f"<p>This checkout session is {esc(session.status)}.</p>"
    text = PAGE.format(alert=alert, rows=rows, total=total, body=body)
    return web.Response(text=text, content_type="text/html", status=status)


async def checkout_page(request):
    return _page(_session(request))


async def checkout_submit(request):
    session = _session(request)
    if session.status != "open":
        return _page(session, "This checkout session is no longer open.", status=409)
    form = await request.post()
    card = "".join(ch for ch in form.get("card_number", "") if ch.isdigit())
    if form.get("action") == "decline" or card in DECLINE_CARDS:
        session._charge("pm_card_chargeCustomerFail")
        return _page(session, "Your card was declined.", status=402)
    location = session.success_url.replace("{CHECKOUT_SESSION_ID}", session.id)
    if form.get("action") == "pay_by_bank":  # a delayed method: complete, money not settled yet
        session.status = "complete"
        session._emit("checkout.session.completed")
        raise web.HTTPSeeOther(location)
    if not session._charge("pm_card_visa"):
        return _page(session, "The payment failed.", status=402)
    session.status, session.payment_status = "complete", "paid"
    session._emit("checkout.session.completed")
    raise web.HTTPSeeOther(location)


def _use_state_file(path):
    """Replace localstripe's fixed /tmp/localstripe.pickle with `path`, or with no file at all."""

    def load(self):
        try:
            with open(path, "rb") as f:
                self.clear()
                self.update(pickle.load(f))
        except FileNotFoundError:
            pass

    def dump(self):
        with open(path, "wb") as f:
            pickle.dump(self, f, protocol=pickle.HIGHEST_PROTOCOL)

    Store.try_load_from_disk = load if path else lambda self: None
    Store.dump_to_disk = dump if path else lambda self: None


def _shift_time(offset: float) -> None:
    """Run this process's `time.time()` (which localstripe reads) `offset` seconds from the real
    one: signatures, expiries and created times follow it."""
    real = time.time
    time.time = lambda: real() + offset


def _start_offset(value: str) -> float:
    """The seconds LMS_CLOCK_START shifts the server's clock by (lms.clock, the same parsing)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from lms.clock import clock_offset

    return clock_offset(value).total_seconds()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1", help="a local address")
    parser.add_argument("--port", type=int, default=8420)
    parser.add_argument("--webhook-url", help="register this receiver at startup")
    parser.add_argument("--webhook-secret", help="its signing secret (whsec_...)")
    parser.add_argument("--state-file", help="keep state here (default: memory only)")
    parser.add_argument(
        "--clock-offset",
        type=float,
        default=0,
        help="run this server's clock so many seconds from the real one (a test whose project "
        "clock is set to another day; wins over LMS_CLOCK_START)",
    )
    args = parser.parse_args()
    if args.host in ("", "0.0.0.0", "::", "*"):
        parser.error("refusing to bind all interfaces; use 127.0.0.1")
    if bool(args.webhook_url) != bool(args.webhook_secret) or (
        args.webhook_url and not args.webhook_url.startswith("http")
    ):
        parser.error("--webhook-url (http...) and --webhook-secret go together")

    if args.clock_offset:  # a test whose project clock is frozen on another day
        _shift_time(args.clock_offset)
    elif os.environ.get("LMS_CLOCK_START"):  # a drill or benchmark on a moved clock
        _shift_time(_start_offset(os.environ["LMS_CLOCK_START"]))
    _use_state_file(args.state_file)
    store.try_load_from_disk()
    if args.webhook_url:  # same as POST /_config/webhooks/cli url=... secret=...
        register_webhook("cli", args.webhook_url, args.webhook_secret, None)

    host = f"[{args.host}]" if ":" in args.host else args.host
    CheckoutSession._page_base = f"http://{host}:{args.port}"
    app.router.add_post("/v1/checkout/sessions", create_session)
    app.router.add_get("/v1/checkout/sessions/{id}", retrieve_session)
    app.router.add_post("/v1/checkout/sessions/{id}/expire", expire_session)
    app.router.add_get("/_config/checkout/{id}", checkout_page)
    app.router.add_post("/_config/checkout/{id}", checkout_submit)

    logger = logging.getLogger("aiohttp.access")
    logger.setLevel(logging.INFO)
    logger.addHandler(logging.StreamHandler())
    web.run_app(app, host=args.host, port=args.port, access_log=logger)


if __name__ == "__main__":
    main()
