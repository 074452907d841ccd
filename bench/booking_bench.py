"""Booking benchmark: many people booking one session's seats at once, over HTTP through gunicorn.

Not a test. Given a PostgreSQL DATABASE_URL it migrates, creates N applicants whose Day 1 fee is
paid (1,000 by default), ONE Day 1 session with S seats (30), signs everyone in server-side
(a session row each), starts gunicorn on 127.0.0.1, fires every booking attempt at the same
moment over loopback (one thread and one connection per person, released by a barrier), and
reports throughput, latency and the confirmed count, which must equal the seats.

    DATABASE_URL=postgres://user@host/db .venv/bin/python bench/booking_bench.py
    .venv/bin/python tests/pg_cluster.py -- .venv/bin/python bench/booking_bench.py   # throwaway DB

Options: --people, --seats, --workers, --threads (gunicorn gthread), --deadline (seconds, the
whole run). Exit status 0 when exactly `seats` bookings are confirmed and no request failed.
Settings: `lms.settings.bench` (the test settings with staff MFA on, tasks queued rather than
run in the request, persistent DB connections); gunicorn as gunicorn.conf.py (production's).
Writes var/bench/booking.json.
"""

from __future__ import annotations

import argparse
import http.client
import os
import secrets
import socket
import statistics
import string
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._common import signed_in_sessions, stop_gunicorn  # noqa: E402
from bench.report import write_report  # noqa: E402


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--seats", type=int, default=30)
    parser.add_argument("--workers", type=int, help="default: gunicorn.conf.py (one per core)")
    parser.add_argument("--threads", type=int, help="default: gunicorn.conf.py (8)")
    parser.add_argument("--deadline", type=float, default=300.0)
    return parser.parse_args()


def _setup_django() -> None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("Set DATABASE_URL to a PostgreSQL database (the benchmark is about row locks).")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.bench")
    os.environ.setdefault("DATABASE_CONN_MAX_AGE", "60")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()


# --- Data ----------------------------------------------------------------------------------------


def _create_data(people: int, seats: int):
    """Applicants ready to book Day 1 (training approved, fee paid), one session, and a signed-in
    session cookie for each. Bulk inserts: seconds, not minutes."""
    from django.contrib.auth.hashers import make_password

    from enrollment.models import Application, ClassroomSession, QualifyingAgency
    from lms import clock
    from lms.models import User
    from payments.models import Payment, PaymentLineItem

    run = secrets.token_hex(4)
    today = clock.today()
    agency = QualifyingAgency.objects.create(name=f"Bench agency {run}", contract_type="111")
    password = make_password(None)
    users = User.objects.bulk_create(
        User(
            email=f"bench-{run}-{i}@example.org",
            first_name="Bench",
            last_name=f"Person {i}",
            password=password,
        )
        for i in range(people)
    )
    applications = Application.objects.bulk_create(
        Application(
            user=user,
            track="cm1",
            status="training_approved",
            legal_first_name="Bench",
            legal_last_name=f"Person {i}",
            agency=agency,
            submitted_on=today - timedelta(days=30),
            expires_on=today + timedelta(days=150),
        )
        for i, user in enumerate(users)
    )
    payments = Payment.objects.bulk_create(
        Payment(application=a, status="paid", amount_cents=2500, paid_at=clock.now())
        for a in applications
    )
    PaymentLineItem.objects.bulk_create(
        PaymentLineItem(
            payment=p, kind="day_fee", day=1, description="Classroom fee, Day 1", amount_cents=2500
        )
        for p in payments
    )
    session = ClassroomSession.objects.create(
        day=1,
        date=today + timedelta(days=14),
        start_time=datetime.strptime("09:00", "%H:%M").time(),
        end_time=datetime.strptime("16:00", "%H:%M").time(),
        venue=f"Bench center {run}",
        address="1 Loopback Way",
        capacity=seats,
    )
    cookies = signed_in_sessions(users)
    return session, cookies


# --- Server ------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def gunicorn_shape(workers: int | None = None, threads: int | None = None) -> tuple[int, int]:
    """Workers and threads as gunicorn.conf.py (production's configuration) chooses them,
    unless given."""
    config: dict = {"__file__": str(ROOT / "gunicorn.conf.py")}
    exec((ROOT / "gunicorn.conf.py").read_text(), config)  # noqa: S102 (our own config file)
    return workers or config["workers"], threads or config["threads"]


def _start_gunicorn(port: int, workers: int | None, threads: int | None) -> subprocess.Popen:
    """gunicorn with production's configuration (gunicorn.conf.py) on 127.0.0.1."""
    workers, threads = gunicorn_shape(workers, threads)
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--config=gunicorn.conf.py",
        f"--bind=127.0.0.1:{port}",
        f"--workers={workers}",
        f"--threads={threads}",
        "--log-level=warning",
    ]
    return subprocess.Popen(command, cwd=ROOT, env=os.environ.copy(), start_new_session=True)


def _request(port: int, method: str, path: str, headers=None, timeout=60.0):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=b"" if method == "POST" else None, headers=headers or {})
        response = conn.getresponse()
        response.read()
        return response
    finally:
        conn.close()


def _wait_until_up(port: int, workers: int, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            if _request(port, "GET", "/classroom/calendar/", timeout=5).status == 200:
                break
        except OSError:
            time.sleep(0.2)
    else:
        raise TimeoutError("gunicorn did not answer in time")
    warm = [
        threading.Thread(target=_request, args=(port, "GET", "/classroom/calendar/"))
        for _ in range(workers * 4)
    ]
    for t in warm:
        t.start()
    for t in warm:
        t.join()


# --- The stampede -------------------------------------------------------------------------------


def _outcome(response) -> str:
    """What the booking page would say: read from the signed messages cookie."""
    from django.contrib.messages import constants
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.http import HttpRequest

    if response.status != 302:
        return f"http {response.status}"
    for header, value in response.getheaders():
        if header.lower() == "set-cookie" and value.startswith("messages="):
            raw = value.split(";", 1)[0][len("messages=") :].strip('"')
            raw = raw.replace("\\054", ",").replace('\\"', '"').replace("\\\\", "\\")
            decoded = CookieStorage(HttpRequest())._decode(raw) or []
            levels = {m.level for m in decoded}
            if constants.SUCCESS in levels:
                return "booked"
            if constants.WARNING in levels:
                return "full"
            texts = " ".join(m.message for m in decoded)
            return "busy" if "try again" in texts else f"refused: {texts[:80]}"
    return "no message"


def _stampede(port: int, session_id: int, cookies: list[str], deadline: float):
    csrf = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))
    path = f"/classroom/sessions/{session_id}/book/"
    barrier = threading.Barrier(len(cookies) + 1)
    results: list[tuple[str, float] | None] = [None] * len(cookies)

    def attempt(index: int, cookie: str) -> None:
        headers = {
            "Cookie": f"sessionid={cookie}; csrftoken={csrf}",
            "X-CSRFToken": csrf,
            "Content-Type": "application/x-www-form-urlencoded",
        }
        barrier.wait(timeout=120)
        started = time.perf_counter()
        try:
            response = _request(
                port, "POST", path, headers, timeout=max(5.0, deadline - time.monotonic())
            )
            outcome = _outcome(response)
        except OSError as exc:
            outcome = f"error {type(exc).__name__}"
        results[index] = (outcome, time.perf_counter() - started)

    threading.stack_size(512 * 1024)
    threads = [
        threading.Thread(target=attempt, args=(i, c), daemon=True) for i, c in enumerate(cookies)
    ]
    for t in threads:
        t.start()
    barrier.wait(timeout=120)
    started = time.perf_counter()
    for t in threads:
        t.join(timeout=max(0.0, deadline - time.monotonic()))
    elapsed = time.perf_counter() - started
    return [r for r in results if r is not None], len(cookies), elapsed


def _report(results, attempted, elapsed, confirmed, seats, workers, threads) -> bool:
    outcomes = Counter(outcome for outcome, _ in results)
    latencies = sorted(latency for _, latency in results)
    p95 = latencies[max(0, int(len(latencies) * 0.95) - 1)] if latencies else float("nan")
    booked = outcomes.get("booked", 0)
    print(f"gunicorn: {workers} workers x {threads} threads on 127.0.0.1")
    print(f"attempts: {attempted} concurrent, {len(results)} answered in {elapsed:.2f} s")
    print(f"outcomes: {dict(sorted(outcomes.items()))}")
    print(f"throughput: {len(results) / elapsed * 60:,.0f} booking attempts/minute")
    print(f"bookings: {booked / elapsed * 60:,.0f} bookings/minute ({booked} booked)")
    if latencies:
        print(
            f"latency: p50 {statistics.median(latencies) * 1000:.0f} ms, "
            f"p95 {p95 * 1000:.0f} ms, max {latencies[-1] * 1000:.0f} ms"
        )
    print(f"confirmed in the database: {confirmed} (seats: {seats})")
    ok = confirmed == seats == booked and len(results) == attempted
    ok = ok and all(o in ("booked", "full") for o in outcomes)
    print("RESULT:", "OK" if ok else "FAILED")
    write_report(
        "booking",
        {
            "server": f"gunicorn gthread {workers} workers x {threads} threads",
            "attempted": attempted,
            "answered": len(results),
            "seconds": round(elapsed, 2),
            "outcomes": dict(sorted(outcomes.items())),
            "booked": booked,
            "confirmed": confirmed,
            "seats": seats,
            "p50_ms": round(statistics.median(latencies) * 1000, 1) if latencies else None,
            "p95_ms": round(p95 * 1000, 1) if latencies else None,
            "ok": ok,
        },
    )
    return ok


def main() -> int:
    args = _args()
    deadline = time.monotonic() + args.deadline
    _setup_django()
    from django.core.management import call_command
    from django.db import connections

    from enrollment.models import Registration

    call_command("migrate", interactive=False, verbosity=0)
    print(f"creating {args.people} applicants and one session of {args.seats} seats...")
    session, cookies = _create_data(args.people, args.seats)
    connections.close_all()
    port = _free_port()
    server = _start_gunicorn(port, args.workers, args.threads)
    try:
        _wait_until_up(port, gunicorn_shape(args.workers)[0], deadline)
        results, attempted, elapsed = _stampede(port, session.pk, cookies, deadline)
    finally:
        stop_gunicorn(server)
    confirmed = Registration.objects.filter(session=session, status="confirmed").count()
    workers, threads = gunicorn_shape(args.workers, args.threads)
    ok = _report(results, attempted, elapsed, confirmed, args.seats, workers, threads)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
