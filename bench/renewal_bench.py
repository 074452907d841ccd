"""The renewal rush: certified holders finish their renewal in the last days of June, over HTTP
through gunicorn, paying on the local Stripe stand-in.

Not a test. It needs a PostgreSQL database it may fill (`make bench` gives it a durable
throwaway one) and runs on loopback only:

    .venv/bin/python tests/pg_cluster.py --durable -- .venv/bin/python bench/renewal_bench.py
    ... bench/renewal_bench.py --holders 50 --clients 10      # small, while developing

What it does: `migrate`; bulk-creates N holders (2,000) certified through Jun 30 of year Y, each
with the renewal of Y ready to submit (every profile section confirmed, CEUs meeting the rules,
employment re-verified by the employer) but not yet signed, the year's audit seed recorded, and a
signed-in session each; runs the server "as of" Jun 30 of Y, 09:00 in Chicago (LMS_CLOCK_START,
anchored once, so gunicorn's workers and the stand-in share one ticking clock); starts the Stripe
stand-in (devtools/localstripe_server.py, signed webhooks to the server) and gunicorn as
production runs it (gunicorn.conf.py; lms.settings.bench: staff MFA on, tasks queued, persistent
connections). Then `--clients` holders at a time, each thinking `--think-ms` (±50%) before each
step, do what the real path does at its end:

1. summary: GET /renewal/<pk>/sign/ (everything to be submitted, and the signature form);
2. sign: POST it (typed name, attestation), then GET the renewal it redirects to;
3. checkout: POST /renewal/<pk>/submit/, which opens a checkout on the stand-in (302 to it);
4. pay (the stand-in's hosted page, not our server: timed apart): POST action=pay, 303 back;
5. return: GET the payment's return page; then, as its script does, GET /payments/<pk>/status/
   every second until it says paid: the renewal is submitted in the transaction that confirms
   the payment, when the stand-in's signed webhook arrives ("confirmed": from pay to paid);
6. submitted: GET /renewal/<pk>/, which must say "Submitted: waiting for review".

Beside each step, in random order, the holder asks GET /exam/ping/ (the trivial signed-in view,
the yardstick of every bench), so both are measured under the same load at the same moments.

It reports errors (any unexpected status, page or exception; exit status 1 unless 0), p50/p95 of
each step and of the trivial view, throughput, and, from the database afterwards, that exactly N
renewals are submitted, each with exactly one paid payment of the fee due (no double charge)
which is its `fee_payment`; and writes var/bench/renewal.json.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._common import signed_in_sessions, stop_gunicorn  # noqa: E402
from bench.booking_bench import _free_port, _start_gunicorn, gunicorn_shape  # noqa: E402
from bench.exam_bench import Candidate, _pct, _wait_up  # noqa: E402
from bench.report import write_report  # noqa: E402

STEPS = ("summary", "sign", "checkout", "pay", "return", "status", "confirmed", "submitted")
SUBMITTED = "Submitted: waiting for review"
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--holders", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=100, help="holders at a time")
    parser.add_argument("--think-ms", type=int, default=2000, help="mean pause before a step")
    parser.add_argument("--year", type=int, help="the renewal year (default: the next Jun 30's)")
    parser.add_argument("--clock-start", help="default: Jun 30 of the year, 09:00 in Chicago")
    parser.add_argument("--confirm-timeout", type=float, default=60.0, help="pay → paid, seconds")
    parser.add_argument("--max-seconds", type=int, default=1800)
    args = parser.parse_args(argv)
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        parser.error("set DATABASE_URL to a PostgreSQL database (tests/pg_cluster.py does)")
    if not 1 <= args.holders <= 10_000 or not 1 <= args.clients <= 500:
        parser.error("--holders must be 1..10000 and --clients 1..500")
    if args.year is None:
        today = date.today()
        args.year = today.year if today <= date(today.year, 6, 30) else today.year + 1
    args.clock_start = args.clock_start or f"{args.year}-06-30T09:00:00-05:00"
    args.clients = min(args.clients, args.holders)
    return args


# --- Data (in this process, on the moved clock; then every connection is closed) -------------


def _seed(holders: int, year: int) -> list[tuple[int, str]]:
    """N holders with a ready, unsigned renewal of `year`; returns (renewal pk, session key)."""
    from datetime import timedelta
    from decimal import Decimal

    from django.db import connections, transaction

    from certification.models import (
        AuditSeed,
        CeuEntry,
        Employment,
        Level,
        Renewal,
        VerificationRequest,
        VerificationStatus,
    )
    from certification.models.renewals import RENEWAL_SECTIONS
    from certification.services.renewals import _profile_from  # what renewal_start stores
    from enrollment.models import Application, QualifyingAgency
    from enrollment.selectors.applications import policy_get
    from lms import clock
    from lms.models import User
    from tests.factories.certification import bulk_certifications
    from tests.factories.enrollment import ApplicationFactory

    run = os.urandom(3).hex()
    now = clock.now()
    with transaction.atomic():
        agency = QualifyingAgency.objects.create(name=f"Rush agency {run}", contract_type="111")
        users = User.objects.bulk_create(
            (
                User(email=f"rush-{run}-{i}@example.org", first_name="Rush", last_name=f"H{i}")
                for i in range(holders)
            ),
            batch_size=1000,
        )
        applications = Application.objects.bulk_create(
            (
                ApplicationFactory.build(
                    user=u,
                    agency=agency,
                    status="certified",
                    submitted_on=date(year - 2, 11, 1),
                    expires_on=date(year - 1, 5, 1),
                )
                for u in users
            ),
            batch_size=1000,
        )
        certifications = bulk_certifications(
            holders,
            valid_through=date(year, 6, 30),
            issued_on=date(year - 1, 3, 10),
            applications=applications,
            level=Level.CM1,
        )
        jobs = Employment.objects.bulk_create(
            Employment(
                person=u,
                agency=agency,
                started_on=date(year - 3, 3, 1),
                position="Case manager",
                confirmed_at=now - timedelta(days=20),
            )
            for u in users
        )
        requests = VerificationRequest.objects.bulk_create(
            VerificationRequest(
                application=a,
                person=a.user,
                agency=agency,
                status=VerificationStatus.CONFIRMED,
                employed_since=job.started_on,
                position="Case manager",
                is_case_management=True,
                attester_name="Pat Attester",
                decided_at=now - timedelta(days=20),
                employment=job,
            )
            for a, job in zip(applications, jobs, strict=True)
        )
        renewals = Renewal.objects.bulk_create(
            Renewal(
                certification=c,
                year=year,
                profile=_profile_from(a),
                sections_reviewed=list(RENEWAL_SECTIONS),
                employer=agency,
                verification=r,
            )
            for c, a, r in zip(certifications, applications, requests, strict=True)
        )
        on = date(year - 1, 9, 15)
        CeuEntry.objects.bulk_create(
            (
                CeuEntry(
                    renewal=renewal,
                    category=category,
                    title=f"{category.replace('_', ' ').capitalize()} course",
                    provider="Red Rock Training",
                    hours=Decimal(hours),
                    completed_on=on,
                )
                for renewal in renewals
                for category, hours in (("ethics", 3), ("strengths_based", 3), ("general", 6))
            ),
            batch_size=3000,
        )
        AuditSeed.objects.get_or_create(
            year=year, defaults={"seed": os.urandom(32).hex(), "rate": policy_get().audit_rate}
        )
    keys = signed_in_sessions(users, hours=6)
    _check_ready(renewals)
    connections.close_all()
    return [(renewal.pk, key) for renewal, key in zip(renewals, keys, strict=True)]


def _check_ready(renewals) -> None:
    """The seed is what the holder's path leaves before signing: only the signature is missing
    (checked by the selector the submit view uses, on a sample)."""
    from certification.models import Renewal
    from certification.selectors.renewals import submission_problems
    from lms import clock

    sample = random.Random(1).sample(renewals, min(25, len(renewals)))
    for renewal in Renewal.objects.filter(pk__in=[r.pk for r in sample]):
        missing = submission_problems(renewal, clock.today()).missing
        if set(missing) != {"sign"}:
            raise SystemExit(f"seeded renewal {renewal.pk} is not ready to sign: {missing}")


# --- One holder --------------------------------------------------------------------------------


@dataclass
class Tally:
    """Seconds per step and the trivial view; errors by kind."""

    times: dict[str, list[float]] = field(default_factory=lambda: {s: [] for s in STEPS})
    ping: list[float] = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)
    done: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, step: str, seconds: float) -> None:
        with self.lock:
            (self.ping if step == "ping" else self.times[step]).append(seconds)

    def error(self, what: str) -> None:
        with self.lock:
            self.errors[what] += 1


class Refused(Exception):
    """A step did not answer what the real path answers; the message is its error kind."""


def _timed(tally: Tally, step: str, call):
    began = time.perf_counter()
    result = call()
    tally.add(step, time.perf_counter() - began)
    return result


def _expect(status: int, wanted: int, what: str, body: bytes = b"", text: str = "") -> None:
    if status != wanted or (text and text.encode() not in body):
        raise Refused(f"{what}: HTTP {status}" + (f" without “{text}”" if status == wanted else ""))


class Holder:
    """One holder's browser: our server through `Candidate` (cookies kept), and the stand-in's
    hosted page on a connection of its own."""

    def __init__(self, args, port: int, standin: str, pk: int, key: str, deadline: float):
        self.args, self.pk, self.deadline = args, pk, deadline
        self.web = Candidate(port, key, deadline)
        self.standin = urllib.parse.urlsplit(standin)
        self.rng = random.Random(pk)

    def think(self) -> None:
        time.sleep(self.args.think_ms / 1000 * self.rng.uniform(0.5, 1.5))

    def with_ping(self, tally: Tally, step) -> object:
        """The step and one trivial view, in random order."""
        first = self.rng.random() < 0.5
        if first:
            self.ping(tally)
        result = step()
        if not first:
            self.ping(tally)
        return result

    def ping(self, tally: Tally) -> None:
        status, _, _ = _timed(tally, "ping", lambda: self.web.request("GET", "/exam/ping/"))
        _expect(status, 200, "ping")

    def post(self, path: str, fields: dict[str, str]):
        body = urllib.parse.urlencode(fields).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        return self.web.request("POST", path, body=body, headers=headers)

    def renew(self, tally: Tally) -> None:
        base = f"/renewal/{self.pk}/"
        self.think()
        status, _, page = self.with_ping(
            tally, lambda: _timed(tally, "summary", lambda: self.web.request("GET", f"{base}sign/"))
        )
        _expect(status, 200, "summary", page, "Sign the renewal")
        token = CSRF_FIELD.search(page.decode()).group(1)
        self.think()
        self.with_ping(tally, lambda: _timed(tally, "sign", lambda: self._sign(base, token)))
        self.think()
        checkout = self.with_ping(
            tally, lambda: _timed(tally, "checkout", lambda: self._checkout(base, token))
        )
        self.think()
        back = _timed(tally, "pay", lambda: self._pay(checkout))
        paid_at = time.perf_counter()
        self.with_ping(tally, lambda: self._confirmed(tally, back, paid_at))
        status, _, page = self.with_ping(
            tally, lambda: _timed(tally, "submitted", lambda: self.web.request("GET", base))
        )
        _expect(status, 200, "submitted", page, SUBMITTED)

    def _sign(self, base: str, token: str) -> None:
        fields = {"csrfmiddlewaretoken": token, "signed_name": f"Rush H{self.pk}", "attested": "on"}
        status, location, _ = self.post(f"{base}sign/", fields)
        _expect(status, 302, "sign")
        status, _, page = self.web.request("GET", location)
        _expect(status, 200, "signed renewal", page, "Pay and submit")

    def _checkout(self, base: str, token: str) -> str:
        status, location, _ = self.post(f"{base}submit/", {"csrfmiddlewaretoken": token})
        _expect(status, 302, "checkout")
        if not (location or "").startswith(f"{self.standin.scheme}://{self.standin.netloc}/"):
            raise Refused(f"checkout: sent to {(location or '-')[:40]}, not the stand-in")
        return location

    def _pay(self, checkout: str) -> str:
        """The stand-in's hosted page: pay with the test card; returns where it sends us."""
        conn = http.client.HTTPConnection(self.standin.hostname, self.standin.port, timeout=30)
        try:
            body = urllib.parse.urlencode({"action": "pay", "card_number": "4242424242424242"})
            headers = {"Content-Type": "application/x-www-form-urlencoded"}
            conn.request("POST", urllib.parse.urlsplit(checkout).path, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
        finally:
            conn.close()
        _expect(response.status, 303, "stand-in pay")
        return response.getheader("Location") or ""

    def _confirmed(self, tally: Tally, back: str, paid_at: float) -> None:
        """The return page, then its status poll every second until the payment is paid."""
        path = urllib.parse.urlsplit(back)
        status, _, _ = _timed(
            tally, "return", lambda: self.web.request("GET", f"{path.path}?{path.query}")
        )
        _expect(status, 200, "return page")
        poll = path.path.replace("/return/", "/status/") + "?checkout=done"
        while True:
            time.sleep(1.0)
            status, _, data = _timed(tally, "status", lambda: self.web.request("GET", poll))
            _expect(status, 200, "status")
            if b'"paid": true' in data:
                tally.add("confirmed", time.perf_counter() - paid_at)
                return
            if time.perf_counter() - paid_at > self.args.confirm_timeout:
                raise Refused("not confirmed in time (no webhook?)")


def _drive(args, port: int, standin: str, holders: list[tuple[int, str]]) -> tuple[Tally, float]:
    tally = Tally()
    deadline = time.monotonic() + args.max_seconds

    def one(item: tuple[int, str]) -> None:
        try:
            Holder(args, port, standin, *item, deadline).renew(tally)
            with tally.lock:
                tally.done += 1
        except Refused as refusal:
            tally.error(str(refusal))
        except Exception as exc:  # every failure counts, none stops the others
            tally.error(f"{type(exc).__name__}: {exc}"[:120])

    began = time.perf_counter()
    with ThreadPoolExecutor(max_workers=args.clients) as pool:
        list(pool.map(one, holders))
    return tally, time.perf_counter() - began


# --- Afterwards: the database --------------------------------------------------------------------


def _stored(pks: list[int]) -> dict:
    """Submitted renewals and their payments, as the database has them."""
    from django.db.models import Count

    from certification.models import Renewal, RenewalStatus
    from certification.selectors.renewals import RENEWAL_REFERENCE, renewal_invariant_problems
    from payments.models import Payment, PaymentStatus, StripeEvent

    refs = {f"{RENEWAL_REFERENCE}{pk}": pk for pk in pks}
    renewals = Renewal.objects.filter(pk__in=pks)
    payments = Payment.objects.filter(reference__in=refs)
    paid = payments.filter(status=PaymentStatus.PAID)
    paid_per_renewal = Counter(dict(paid.values_list("reference").annotate(n=Count("pk"))))
    fee_payment = dict(renewals.values_list("pk", "fee_payment_id"))
    paid_pk = {refs[ref]: pk for ref, pk in paid.values_list("reference", "pk")}
    return {
        "submitted": renewals.filter(status=RenewalStatus.SUBMITTED).count(),
        "drawn_for_audit": renewals.filter(audit_selected=True).count(),
        "paid_payments": paid.count(),
        "renewals_paid_twice": sum(1 for n in paid_per_renewal.values() if n > 1),
        "fee_payment_is_its_paid_one": sum(
            1 for pk in pks if fee_payment.get(pk) and fee_payment[pk] == paid_pk.get(pk)
        ),
        "paid_amounts_cents": sorted(set(paid.values_list("amount_cents", flat=True))),
        "unpaid_payments": payments.exclude(status=PaymentStatus.PAID).count(),
        "flagged_payments": payments.filter(flagged=True).count(),
        "webhook_events_stored": StripeEvent.objects.count(),
        "invariant_problems": len(renewal_invariant_problems()),
    }


def _fee_cents(year: int) -> int:
    from enrollment.rules import renewal_fee
    from enrollment.selectors.applications import policy_get
    from lms import clock

    return int(renewal_fee(year, clock.today(), odmhsas_employee=False, policy=policy_get()) * 100)


# --- Report --------------------------------------------------------------------------------------


def _ms(values: list[float]) -> dict:
    return {
        "n": len(values),
        "p50": round(_pct(values, 0.5), 1),
        "p95": round(_pct(values, 0.95), 1),
    }


def _report(args, tally: Tally, seconds: float, stored: dict, fee_cents: int) -> dict:
    workers, threads = gunicorn_shape()
    requests = sum(len(v) for k, v in tally.times.items() if k not in ("pay", "confirmed"))
    requests += len(tally.ping) + stored["webhook_events_stored"]
    n = args.holders
    db_ok = (
        stored["submitted"] == n
        and stored["paid_payments"] == n
        and stored["renewals_paid_twice"] == 0
        and stored["fee_payment_is_its_paid_one"] == n
        and stored["paid_amounts_cents"] == [fee_cents]
        and stored["flagged_payments"] == 0
    )
    errors = sum(tally.errors.values())
    return {
        "holders": n,
        "clients": args.clients,
        "think_ms": args.think_ms,
        "label": f"{n} holders, {args.clients} at a time, think {args.think_ms} ms ±50%",
        "clock_start": args.clock_start,
        "year": args.year,
        "server": f"gunicorn gthread {workers} workers x {threads} threads (gunicorn.conf.py)",
        "settings": "lms.settings.bench",
        "payment": "Stripe provider against the local stand-in (devtools/localstripe_server.py)",
        "errors": errors,
        "error_kinds": dict(tally.errors.most_common(10)),
        "completed": tally.done,
        "seconds": round(seconds, 1),
        "holders_per_minute": round(tally.done / seconds * 60, 1) if seconds else 0.0,
        "requests_per_s": round(requests / seconds, 1) if seconds else 0.0,
        "steps_ms": {step: _ms(values) for step, values in tally.times.items()},
        "ping_ms": _ms(tally.ping),
        "fee_cents": fee_cents,
        "database": stored,
        "database_ok": db_ok,
        "ok": errors == 0 and db_ok and tally.done == n,
    }


def _print(report: dict) -> None:
    print(f"\nRenewal rush: {report['label']}; clock from {report['clock_start']}")
    print(f"  {report['server']}; {report['payment']}")
    print(f"  errors: {report['errors']} {report['error_kinds'] or ''}")
    rows = {**report["steps_ms"], "ping (trivial)": report["ping_ms"]}
    for name, row in rows.items():
        print(f"  {name:<15} n={row['n']:<6} p50={row['p50']:8.1f} ms   p95={row['p95']:8.1f} ms")
    print(
        f"  throughput: {report['holders_per_minute']} renewals/minute, "
        f"{report['requests_per_s']} requests/s to the server, {report['seconds']} s in all"
    )
    print(f"  database: {report['database']}")
    print("RESULT:", "OK" if report["ok"] else "FAILED")


# --- Main ----------------------------------------------------------------------------------------


def _environment(args, var_dir: str, standin_base: str) -> None:
    """This process's environment, which gunicorn and the stand-in inherit."""
    from lms.clock import clock_start_anchored

    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "lms.settings.bench",
            "DATABASE_CONN_MAX_AGE": "60",
            "LMS_VAR_DIR": var_dir,
            "LOG_LEVEL": "WARNING",
            "LMS_CLOCK_START": clock_start_anchored(args.clock_start),
            "STRIPE_API_BASE": standin_base,
        }
    )


def main(argv: list[str] | None = None) -> int:
    args = _args(argv)
    var_dir = tempfile.mkdtemp(prefix="renewal-bench-")
    port, standin_port = _free_port(), _free_port()
    _environment(args, var_dir, f"http://127.0.0.1:{standin_port}")
    print("migrating…", flush=True)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, check=True
    )
    import django

    django.setup()
    from tests.servers import standin_running

    print(f"seeding {args.holders} holders ready to renew for {args.year}…", flush=True)
    holders = _seed(args.holders, args.year)
    webhook = f"http://127.0.0.1:{port}/payments/stripe/webhook/"
    with standin_running(webhook, Path(var_dir), port=standin_port) as standin:
        server = _start_gunicorn(port, None, None)
        try:
            _wait_up(port, server)
            print(f"{args.clients} holders at a time on gunicorn 127.0.0.1:{port}…", flush=True)
            tally, seconds = _drive(args, port, standin, holders)
            time.sleep(2)  # webhooks still in flight (a late one is counted, not waited for)
        finally:
            stop_gunicorn(server)
    report = _report(
        args, tally, seconds, _stored([pk for pk, _ in holders]), _fee_cents(args.year)
    )
    _print(report)
    write_report("renewal", report)
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
