"""Load benchmark of the competency exam: many candidates start together and autosave answers.

Not a test. It needs a PostgreSQL database it may fill (use a throwaway one), and runs on
loopback only:

    .venv/bin/python tests/pg_cluster.py -- .venv/bin/python bench/exam_bench.py
    .venv/bin/python bench/exam_bench.py --database-url postgres://lms@127.0.0.1:5432/bench \
        [--candidates 300] [--saves 40] [--workers 3] [--threads 4] [--json report.json]

What it does: `migrate`; seeds the demo bank, a "Bench exam" (40 items, made the active exam),
N candidates with an application whose classroom days are complete, and a signed-in session for
each; starts gunicorn on 127.0.0.1 (lms.settings.test by default: DEBUG off, PostgreSQL from
DATABASE_URL, persistent connections); then

1. every candidate opens /exam/ (which sets the CSRF cookie), all wait at a barrier, then start
   together: POST /exam/start/ and GET the attempt page ("start" = both);
2. each saves `--saves` answers, one POST /exam/attempt/<id>/answer/ after another ("save");
3. the same threads then GET /exam/ping/ (a trivial JSON view behind the same middleware) as
   many times, as the yardstick.

It reports errors (any unexpected status or exception; the exit status is 1 unless 0), p50/p95
of start and save, and save throughput as a ratio of the trivial view's throughput. Bounded: at
most `--candidates` threads, every request has a timeout, and the run stops at `--max-seconds`.
Standard library only (http.client + threads).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OPTION = re.compile(r'name="q-(\d+)" value="([^"]+)"')
ATTEMPT_URL = re.compile(r"^/exam/attempt/(\d+)/$")
BENCH_EMAIL = "bench-{:04d}@bench.invalid"


# --- setup (in this process, then every connection is closed) ---------------------------------


def _django(settings: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = settings
    import django

    django.setup()


def _seed(candidates: int) -> list[str]:
    """The bank, the bench exam, N candidates with fresh sessions; returns the session keys."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connections, transaction

    from enrollment.models import Application
    from exams.demo import seed_exam_bank
    from exams.models import BlueprintRow, ExamAttempt, ExamDefinition, ExamTopic
    from lms import clock
    from lms.models import User

    seed_exam_bank()
    with transaction.atomic():
        exam, created = ExamDefinition.objects.get_or_create(
            title="Bench exam",
            defaults={
                "time_limit_minutes": 120,
                "pass_mark_percent": 75,
                "attempts_allowed": 1000,
                "retake_wait_hours": 0,
                "feedback": "score",
            },
        )
        if created:
            for order, topic in enumerate(ExamTopic.objects.order_by("code")[:8]):
                BlueprintRow.objects.create(
                    definition=exam, topic=topic, item_count=5, sort_order=order
                )
        ExamDefinition.objects.exclude(pk=exam.pk).update(is_active=False)
        ExamDefinition.objects.filter(pk=exam.pk).update(is_active=True)

        emails = [BENCH_EMAIL.format(i) for i in range(candidates)]
        known = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
        User.objects.bulk_create(
            User(email=e, first_name="Bench", last_name=e[6:10], password="!bench")
            for e in emails
            if e not in known
        )
        users = list(User.objects.filter(email__in=emails).order_by("email"))
        ExamAttempt.objects.filter(user__in=users).delete()  # a fresh run
        have = set(Application.objects.filter(user__in=users).values_list("user_id", flat=True))
        today = clock.today()
        Application.objects.bulk_create(
            Application(user=u, track="cm1", submitted_on=today, expires_on=today + timedelta(90))
            for u in users
            if u.pk not in have
        )
        Application.objects.filter(user__in=users).update(
            status="classroom_complete", expires_on=today + timedelta(days=90)
        )
    keys = []
    for user in users:
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        keys.append(session.session_key)
    connections.close_all()
    return keys


def _results_check(candidates: int) -> dict[str, int]:
    from django.db import connections

    from exams.models import AttemptItem, ExamAttempt

    attempts = ExamAttempt.objects.filter(user__email__startswith="bench-", status="in_progress")
    counts = {
        "attempts": attempts.count(),
        "answers_stored": AttemptItem.objects.filter(
            attempt__in=attempts, response__isnull=False
        ).count(),
    }
    connections.close_all()
    return counts


# --- the server -------------------------------------------------------------------------------


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_server(env: dict, port: int, workers: int, threads: int) -> subprocess.Popen:
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "lms.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "gthread",
        "--threads",
        str(threads),
        "--keep-alive",
        "30",
        "--timeout",
        "120",
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/exam/ping/")
            if conn.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.3)
        if server.poll() is not None:
            break
    server.terminate()
    raise SystemExit("gunicorn did not come up on 127.0.0.1")


# --- one simulated candidate ----------------------------------------------------------------


@dataclass
class Tally:
    start: list[float] = field(default_factory=list)
    save: list[float] = field(default_factory=list)
    ping: list[float] = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)
    save_window: list[float] = field(default_factory=list)  # first start, last end
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, seconds: float) -> None:
        with self.lock:
            getattr(self, kind).append(seconds)

    def error(self, what: str) -> None:
        with self.lock:
            self.errors[what] += 1

    def window(self, begin: float, end: float) -> None:
        with self.lock:
            if not self.save_window:
                self.save_window[:] = [begin, end]
            else:
                self.save_window[0] = min(self.save_window[0], begin)
                self.save_window[1] = max(self.save_window[1], end)


class Candidate:
    def __init__(self, port: int, session_key: str, deadline: float):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookies = {"sessionid": session_key}
        self.deadline = deadline

    def request(self, method: str, path: str, body: bytes | None = None, headers=None):
        if time.monotonic() > self.deadline:
            raise TimeoutError("the run's time limit was reached")
        headers = {
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            "Host": "127.0.0.1",
            **(headers or {}),
        }
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        except (http.client.HTTPException, OSError):
            self.conn.close()  # one retry on a fresh connection (a keep-alive closed under us)
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        data = response.read()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, response.getheader("Location"), data


def _expect(tally: Tally, what: str, status: int, wanted: int) -> bool:
    if status != wanted:
        tally.error(f"{what}: HTTP {status}")
        return False
    return True


def _candidate_run(args, port, key, barrier, tally, deadline, rng_seed) -> None:
    rng = random.Random(rng_seed)
    who = Candidate(port, key, deadline)
    try:
        status, _, _ = who.request("GET", "/exam/")
        _expect(tally, "overview", status, 200)
        barrier.wait(timeout=max(1, deadline - time.monotonic()))
        token = who.cookies.get("csrftoken", "")
        began = time.perf_counter()
        status, location, _ = who.request(
            "POST",
            "/exam/start/",
            body=urllib.parse.urlencode({"csrfmiddlewaretoken": token}).encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        path = urllib.parse.urlsplit(location or "").path
        if status != 302 or not ATTEMPT_URL.match(path):
            tally.error(f"start: HTTP {status} to {path or '-'}")
            return
        status, _, page = who.request("GET", path)
        if not _expect(tally, "attempt page", status, 200):
            return
        tally.add("start", time.perf_counter() - began)
        options: dict[int, list[str]] = {}
        for position, key_ in OPTION.findall(page.decode()):
            options.setdefault(int(position), []).append(key_)
        if "correct" in page.decode().lower():
            tally.error("attempt page mentions 'correct'")
        _saves(args, who, f"{path}answer/", options, token, tally, rng)
    except Exception as exc:  # every failure counts, none stops the others
        tally.error(f"{type(exc).__name__}: {exc}"[:120])
    finally:
        who.conn.close()


def _saves(args, who, url, options, token, tally, rng) -> None:
    positions = sorted(options)
    if not positions:
        tally.error("attempt page has no questions")
        return
    first = time.perf_counter()
    for i in range(args.saves):
        position = positions[i % len(positions)]
        body = json.dumps({"position": position, "choice": [rng.choice(options[position])]})
        began = time.perf_counter()
        status, _, data = who.request(
            "POST",
            url,
            body=body.encode(),
            headers={"Content-Type": "application/json", "X-CSRFToken": token},
        )
        if _expect(tally, "save", status, 200) and b'"saved": true' in data:
            tally.add("save", time.perf_counter() - began)
        elif status == 200:
            tally.error("save: not saved")
        if args.think_ms:
            time.sleep(args.think_ms / 1000)
    tally.window(first, time.perf_counter())


def _ping_run(args, port, key, barrier, tally, deadline) -> None:
    who = Candidate(port, key, deadline)
    try:
        barrier.wait(timeout=max(1, deadline - time.monotonic()))
        for _ in range(args.saves):
            began = time.perf_counter()
            status, _, _ = who.request("GET", "/exam/ping/")
            if _expect(tally, "ping", status, 200):
                tally.add("ping", time.perf_counter() - began)
    except Exception as exc:
        tally.error(f"ping {type(exc).__name__}: {exc}"[:120])
    finally:
        who.conn.close()


# --- the run --------------------------------------------------------------------------------


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))] * 1000


def _drive(args, port: int, keys: list[str]) -> tuple[Tally, float]:
    tally = Tally()
    deadline = time.monotonic() + args.max_seconds
    barrier = threading.Barrier(len(keys))
    with ThreadPoolExecutor(max_workers=len(keys)) as pool:
        for i, key in enumerate(keys):
            pool.submit(_candidate_run, args, port, key, barrier, tally, deadline, i)
    ping_barrier = threading.Barrier(len(keys))
    began = time.perf_counter()
    with ThreadPoolExecutor(max_workers=len(keys)) as pool:
        for key in keys:
            pool.submit(_ping_run, args, port, key, ping_barrier, tally, deadline)
    return tally, time.perf_counter() - began


def _report(args, tally: Tally, ping_seconds: float, stored: dict) -> dict:
    save_seconds = (tally.save_window[1] - tally.save_window[0]) if tally.save_window else 0
    save_rps = len(tally.save) / save_seconds if save_seconds else 0.0
    ping_rps = len(tally.ping) / ping_seconds if ping_seconds else 0.0
    return {
        "candidates": args.candidates,
        "saves_per_candidate": args.saves,
        "server": f"gunicorn gthread {args.workers} workers x {args.threads} threads",
        "errors": sum(tally.errors.values()),
        "error_kinds": dict(tally.errors.most_common(10)),
        "start_ms": {
            "n": len(tally.start),
            "p50": _pct(tally.start, 0.5),
            "p95": _pct(tally.start, 0.95),
        },
        "save_ms": {
            "n": len(tally.save),
            "p50": _pct(tally.save, 0.5),
            "p95": _pct(tally.save, 0.95),
        },
        "ping_ms": {
            "n": len(tally.ping),
            "p50": _pct(tally.ping, 0.5),
            "p95": _pct(tally.ping, 0.95),
        },
        "save_per_s": round(save_rps, 1),
        "ping_per_s": round(ping_rps, 1),
        "save_to_ping_ratio": round(save_rps / ping_rps, 3) if ping_rps else None,
        "mean_save_ms": round(statistics.fmean(tally.save) * 1000, 1) if tally.save else None,
        **stored,
    }


def _print(report: dict) -> None:
    print(
        f"\nExam benchmark: {report['candidates']} candidates x {report['saves_per_candidate']} "
        f"saves, {report['server']}"
    )
    print(f"  errors: {report['errors']} {report['error_kinds'] or ''}")
    for name in ("start", "save", "ping"):
        row = report[f"{name}_ms"]
        print(f"  {name:<5} n={row['n']:<6} p50={row['p50']:8.1f} ms   p95={row['p95']:8.1f} ms")
    print(
        f"  throughput: save {report['save_per_s']}/s, trivial view {report['ping_per_s']}/s, "
        f"ratio {report['save_to_ping_ratio']}"
    )
    print(f"  stored: {report['attempts']} attempts open, {report['answers_stored']} answers saved")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--settings", default="lms.settings.test")
    parser.add_argument("--candidates", type=int, default=300)
    parser.add_argument("--saves", type=int, default=40)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--think-ms", type=int, default=0, help="pause between saves")
    parser.add_argument("--max-seconds", type=int, default=600)
    parser.add_argument("--json", help="also write the report to this file")
    args = parser.parse_args(argv)
    if not args.database_url or not args.database_url.startswith(("postgres://", "postgresql://")):
        parser.error("a PostgreSQL --database-url (or DATABASE_URL) is required")
    if not 1 <= args.candidates <= 1000 or not 1 <= args.saves <= 500:
        parser.error("--candidates must be 1..1000 and --saves 1..500")

    var_dir = tempfile.mkdtemp(prefix="exam-bench-")
    env = {
        **os.environ,
        "DATABASE_URL": args.database_url,
        "DJANGO_SETTINGS_MODULE": args.settings,
        "DATABASE_CONN_MAX_AGE": "60",
        "LMS_VAR_DIR": var_dir,
        "PYTHONPATH": str(ROOT),
    }
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "DATABASE_CONN_MAX_AGE", "LMS_VAR_DIR")})
    print("migrating…", flush=True)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    _django(args.settings)
    print(f"seeding {args.candidates} candidates…", flush=True)
    keys = _seed(args.candidates)
    port = _free_port()
    server = _start_server(env, port, args.workers, args.threads)
    try:
        print(f"driving gunicorn on 127.0.0.1:{port}…", flush=True)
        tally, ping_seconds = _drive(args, port, keys)
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
    report = _report(args, tally, ping_seconds, _results_check(args.candidates))
    _print(report)
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2))
    return 0 if report["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
