"""Public verification benchmark: /verify/<number>.json under 200 concurrent clients, through
gunicorn and PostgreSQL, beside the trivial /exam/ping/ view in the same run.

Not a test. Given a PostgreSQL DATABASE_URL it migrates, issues N certificates through the
real service (50 by default, each with a confirmed employment), starts gunicorn on 127.0.0.1
(a port in 9550-9599), then for each endpoint releases C client threads at once (200), each
sending R requests (10) on its own connections, and reports requests per second, p50 / p95 /
max latency and any failure. Each JSON answer is checked (status 200, may_bill_t1017 true,
modifier "HN"). The per-client rate limit is lifted for the run (one loopback address).

    .venv/bin/python tests/pg_cluster.py -- .venv/bin/python bench/verify_bench.py

Options: --certificates, --clients, --requests, --workers, --threads. Exit status 0 when no
request failed.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import sys
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._common import stop_gunicorn  # noqa: E402
from bench.booking_bench import _free_port, _start_gunicorn, gunicorn_shape  # noqa: E402
from bench.booking_bench import _setup_django as setup_django  # noqa: E402  (same settings)


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--certificates", type=int, default=50)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--requests", type=int, default=10)
    parser.add_argument("--workers", type=int, help="default: gunicorn.conf.py (one per core)")
    parser.add_argument("--threads", type=int, help="default: gunicorn.conf.py (8)")
    args = parser.parse_args()
    args.workers, args.threads = gunicorn_shape(args.workers, args.threads)
    return args


def _setup_django() -> None:
    # The public lookup's own rate limit would refuse the stampede: lift it for the run.
    os.environ["VERIFY_RATE_LIMIT_PER_MINUTE"] = "100000000"
    setup_django()


def _create_certificates(count: int) -> list[str]:
    """`count` CM II certificates issued through `certification_issue` (signed credentials)."""
    import secrets
    from datetime import date, timedelta

    from certification.models import Employment
    from certification.services.certificates import certification_issue
    from enrollment.models import Application, QualifyingAgency
    from lms import clock
    from lms.models import User

    run = secrets.token_hex(4)
    today = clock.today()
    agency = QualifyingAgency.objects.create(name=f"Bench agency {run}", contract_type="111")
    numbers = []
    for i in range(count):
        user = User.objects.create(
            email=f"bench-{run}-{i}@example.org", first_name="Bench", last_name=f"Holder {i}"
        )
        Employment.objects.create(
            person=user, agency=agency, started_on=date(2020, 1, 1), confirmed_at=clock.now()
        )
        application = Application.objects.create(
            user=user,
            track="cm2",
            status="employment_verified",
            legal_first_name="Bench",
            legal_last_name=f"Holder {i}",
            agency=agency,
            submitted_on=today - timedelta(days=60),
            expires_on=today + timedelta(days=120),
        )
        numbers.append(certification_issue(application=application, actor=None).number)
    return numbers


def _get(port: int, path: str, timeout: float = 60.0) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def _wait_until_up(port: int, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            if _get(port, "/exam/ping/", timeout=5)[0] == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError("gunicorn did not answer in time")


def _json_ok(status: int, body: bytes) -> bool:
    if status != 200:
        return False
    data = json.loads(body)
    return data.get("may_bill_t1017") is True and data.get("modifier") == "HN"


def _burst(port: int, paths: list[str], clients: int, per_client: int, check) -> dict:
    barrier = threading.Barrier(clients + 1)
    latencies: list[float] = []
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()

    def client(index: int) -> None:
        barrier.wait(timeout=120)
        for n in range(per_client):
            path = paths[(index * per_client + n) % len(paths)]
            started = time.perf_counter()
            try:
                status, body = _get(port, path)
                outcome = "ok" if check(status, body) else f"http {status}"
            except OSError as exc:
                outcome = f"error {type(exc).__name__}"
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                outcomes[outcome] += 1

    threading.stack_size(512 * 1024)
    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    for t in threads:
        t.start()
    barrier.wait(timeout=120)
    started = time.perf_counter()
    for t in threads:
        t.join(timeout=600)
    wall = time.perf_counter() - started
    latencies.sort()
    return {
        "requests": len(latencies),
        "rps": len(latencies) / wall,
        "p50": statistics.median(latencies),
        "p95": latencies[max(0, int(len(latencies) * 0.95) - 1)],
        "max": latencies[-1],
        "outcomes": dict(outcomes),
    }


def _line(name: str, r: dict) -> str:
    return (
        f"{name:<26} {r['requests']:>6} requests  {r['rps']:>8,.0f} req/s  "
        f"p50 {r['p50'] * 1000:>5.0f} ms  p95 {r['p95'] * 1000:>5.0f} ms  "
        f"max {r['max'] * 1000:>5.0f} ms  {r['outcomes']}"
    )


def main() -> int:
    args = _args()
    _setup_django()
    from django.core.management import call_command
    from django.db import connections

    call_command("migrate", interactive=False, verbosity=0)
    print(f"issuing {args.certificates} certificates (signed credentials)...")
    numbers = _create_certificates(args.certificates)
    connections.close_all()
    port = _free_port()
    server = _start_gunicorn(port, args.workers, args.threads)
    try:
        _wait_until_up(port, time.monotonic() + 60)
        _burst(port, ["/exam/ping/"], args.workers * 4, 2, lambda s, b: s == 200)  # warm-up
        trivial = _burst(port, ["/exam/ping/"], args.clients, args.requests, lambda s, b: s == 200)
        verify = _burst(
            port, [f"/verify/{n}.json" for n in numbers], args.clients, args.requests, _json_ok
        )
    finally:
        stop_gunicorn(server)
    print(f"gunicorn: {args.workers} workers x {args.threads} threads on 127.0.0.1:{port}")
    print(f"clients: {args.clients} concurrent, {args.requests} requests each")
    print(_line("trivial /exam/ping/", trivial))
    print(_line("public /verify/<n>.json", verify))
    print(f"verify throughput: {verify['rps'] / trivial['rps']:.0%} of the trivial view's")
    ok = set(trivial["outcomes"]) == {"ok"} and set(verify["outcomes"]) == {"ok"}
    print("RESULT:", "OK" if ok else "FAILED")
    from bench.report import write_report

    write_report(
        "verify",
        {
            "trivial": trivial,
            "verify": verify,
            "summary": f"{verify['rps']:.0f} req/s = {verify['rps'] / trivial['rps']:.0%} of the "
            f"trivial view's; p95 {verify['p95'] * 1000:.0f} ms",
            "ok": ok,
        },
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
