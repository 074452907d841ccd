"""Load benchmark of the competency exam: many candidates start together and autosave answers.

Not a test. It needs a PostgreSQL database it may fill (use a throwaway one; `make bench` runs
it on a durable one), and runs on loopback only:

    .venv/bin/python tests/pg_cluster.py --durable -- .venv/bin/python bench/exam_bench.py
    .venv/bin/python bench/exam_bench.py --database-url postgres://lms@127.0.0.1:5432/bench \
        [--candidates 300] [--saves 15] [--think-ms 3000] [--stress-clients 16]

What it does: `migrate`; seeds the demo bank, a "Bench exam" (40 items, made the active exam),
N candidates with an application whose classroom days are complete, and a signed-in session for
each; starts gunicorn on 127.0.0.1 as production runs it (gunicorn.conf.py; lms.settings.bench:
staff MFA on, tasks queued not run in the request, persistent connections); then

1. every candidate opens /exam/ (which sets the CSRF cookie and draws their paper), all wait at
   a barrier and press the trivial view together ("ping (together)", the floor on this machine),
   wait again, then start together: POST /exam/start/, which answers with the attempt's page
   and its first question ("start");
2. think run: each candidate answers `--saves` questions, thinking `--think-ms` (±50%, uniform)
   before each; each answer is one POST /exam/attempt/<id>/answer/ ("save") and one GET
   /exam/ping/ (a trivial JSON view behind the same middleware, the yardstick), in random
   order, so both are measured under the same load at the same moments;
3. stress run: `--stress-clients` candidates with no think time, alternating blocks of saves
   and blocks of pings (interleaved, each block as long for every client), for throughput.

It reports errors (any unexpected status or exception; the exit status is 1 unless 0), p50/p95
of start, save and ping, the save/ping ratio at p50, and throughput; and writes
var/bench/exam.json. Bounded: at most `--candidates` threads, every request has a timeout, and
the run stops at `--max-seconds`. Standard library only (http.client + threads).
"""

from __future__ import annotations

import argparse
import http.client
import json
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
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OPTION = re.compile(r'name="q-(\d+)" value="([^"]+)"')
ATTEMPT_URL = re.compile(r'data-attempt-url="/exam/attempt/(\d+)/"')
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
        ExamAttempt.all_objects.filter(user__in=users).delete()  # a fresh run (papers too)
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


def _wait_up(port: int, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/exam/ping/")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.3)
        if server.poll() is not None:
            break
    raise SystemExit("gunicorn did not come up on 127.0.0.1")


# --- one simulated candidate ----------------------------------------------------------------


@dataclass
class Tally:
    start: list[float] = field(default_factory=list)
    save: list[float] = field(default_factory=list)
    ping: list[float] = field(default_factory=list)
    ping_together: list[float] = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, seconds: float) -> None:
        with self.lock:
            getattr(self, kind).append(seconds)

    def error(self, what: str) -> None:
        with self.lock:
            self.errors[what] += 1


class Candidate:
    def __init__(self, port: int, session_key: str, deadline: float):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.host = f"127.0.0.1:{port}"  # absolute URLs the server builds point back here
        self.cookies = {"sessionid": session_key}
        self.deadline = deadline

    def request(self, method: str, path: str, body: bytes | None = None, headers=None):
        if time.monotonic() > self.deadline:
            raise TimeoutError("the run's time limit was reached")
        headers = {
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            "Host": self.host,
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


def _candidate_run(args, port, key, barrier, tally, deadline, rng_seed, ready) -> None:
    """Open the exam, start with everyone, then answer with think time (save + ping)."""
    rng = random.Random(rng_seed)
    who = Candidate(port, key, deadline)
    try:
        status, _, _ = who.request("GET", "/exam/")
        _expect(tally, "overview", status, 200)
        # the floor: everyone presses the trivial view together, then Start together
        barrier.wait(timeout=max(1, deadline - time.monotonic()))
        began = time.perf_counter()
        status, _, _ = who.request("GET", "/exam/ping/")
        if _expect(tally, "ping (together)", status, 200):
            tally.add("ping_together", time.perf_counter() - began)
        barrier.wait(timeout=max(1, deadline - time.monotonic()))
        token = who.cookies.get("csrftoken", "")
        began = time.perf_counter()
        status, location, page = who.request(
            "POST",
            "/exam/start/",
            body=urllib.parse.urlencode({"csrfmiddlewaretoken": token}).encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        # Start answers with the attempt's page itself (the first question, in one request)
        found = ATTEMPT_URL.search(page.decode()) if status == 200 else None
        if found is None:
            tally.error(f"start: HTTP {status} {location or ''} without an attempt's page")
            return
        path = f"/exam/attempt/{found.group(1)}/"
        tally.add("start", time.perf_counter() - began)
        options: dict[int, list[str]] = {}
        for position, key_ in OPTION.findall(page.decode()):
            options.setdefault(int(position), []).append(key_)
        if "correct" in page.decode().lower():
            tally.error("attempt page mentions 'correct'")
        if not options:
            tally.error("attempt page has no questions")
            return
        sitter = Sitter(who, f"{path}answer/", options, token, rng)
        ready.append(sitter)
        for i in range(args.saves):
            time.sleep(args.think_ms / 1000 * rng.uniform(0.5, 1.5))
            steps = [sitter.save, sitter.ping]
            rng.shuffle(steps)
            for step in steps:
                step(i, tally)
    except Exception as exc:  # every failure counts, none stops the others
        tally.error(f"{type(exc).__name__}: {exc}"[:120])


@dataclass
class Sitter:
    """A candidate with an attempt under way: saves an answer, or asks the trivial view."""

    who: Candidate
    url: str
    options: dict[int, list[str]]
    token: str
    rng: random.Random

    def save(self, i: int, tally: Tally) -> None:
        positions = sorted(self.options)
        position = positions[i % len(positions)]
        body = json.dumps(
            {"position": position, "choice": [self.rng.choice(self.options[position])]}
        )
        began = time.perf_counter()
        status, _, data = self.who.request(
            "POST",
            self.url,
            body=body.encode(),
            headers={"Content-Type": "application/json", "X-CSRFToken": self.token},
        )
        if _expect(tally, "save", status, 200) and b'"saved": true' in data:
            tally.add("save", time.perf_counter() - began)
        elif status == 200:
            tally.error("save: not saved")

    def ping(self, i: int, tally: Tally) -> None:
        began = time.perf_counter()
        status, _, _ = self.who.request("GET", "/exam/ping/")
        if _expect(tally, "ping", status, 200):
            tally.add("ping", time.perf_counter() - began)


def _stress(args, sitters: list[Sitter], deadline: float) -> tuple[Tally, dict[str, float]]:
    """Zero think time: every client alternates a block of saves and a block of pings, in
    step with the others (a barrier between blocks), so both kinds meet the same load."""
    tally = Tally()
    clients = sitters[: args.stress_clients]
    barrier = threading.Barrier(len(clients))
    blocks = 2 * max(1, args.stress_rounds)
    marks: list[float] = []

    def run(sitter: Sitter) -> None:
        try:
            for block in range(blocks + 1):
                if barrier.wait(timeout=max(1, deadline - time.monotonic())) == 0:
                    marks.append(time.perf_counter())
                if block == blocks:
                    return
                step = sitter.save if block % 2 == 0 else sitter.ping
                for i in range(args.stress_block):
                    step(block * args.stress_block + i, tally)
        except Exception as exc:
            tally.error(f"stress {type(exc).__name__}: {exc}"[:120])

    with ThreadPoolExecutor(max_workers=len(clients)) as pool:
        list(pool.map(run, clients))
    spent = {"save": 0.0, "ping": 0.0}
    for block in range(min(blocks, len(marks) - 1)):
        spent["save" if block % 2 == 0 else "ping"] += marks[block + 1] - marks[block]
    return tally, spent


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))] * 1000


def _drive(args, port: int, keys: list[str]) -> tuple[Tally, Tally, dict[str, float]]:
    tally = Tally()
    deadline = time.monotonic() + args.max_seconds
    barrier = threading.Barrier(len(keys))
    sitters: list[Sitter] = []
    with ThreadPoolExecutor(max_workers=len(keys)) as pool:
        for i, key in enumerate(keys):
            pool.submit(_candidate_run, args, port, key, barrier, tally, deadline, i, sitters)
    stress, spent = _stress(args, sitters, deadline) if sitters else (Tally(), {})
    return tally, stress, spent


def _ms(values: list[float]) -> dict:
    return {"n": len(values), "p50": _pct(values, 0.5), "p95": _pct(values, 0.95)}


def _report(args, tally: Tally, stress: Tally, spent: dict, stored: dict) -> dict:
    from bench.booking_bench import gunicorn_shape

    workers, threads = gunicorn_shape()

    def ratio(t: Tally) -> float | None:
        return round(_pct(t.save, 0.5) / _pct(t.ping, 0.5), 3) if t.save and t.ping else None

    save_rps = len(stress.save) / spent["save"] if spent.get("save") else 0.0
    ping_rps = len(stress.ping) / spent["ping"] if spent.get("ping") else 0.0
    return {
        "candidates": args.candidates,
        "server": f"gunicorn gthread {workers} workers x {threads} threads (gunicorn.conf.py)",
        "settings": args.settings,
        "errors": sum(tally.errors.values()) + sum(stress.errors.values()),
        "error_kinds": dict((tally.errors + stress.errors).most_common(10)),
        "start_ms": _ms(tally.start),
        "ping_together_ms": _ms(tally.ping_together),
        "think": {
            "label": f"{args.candidates} candidates, think {args.think_ms} ms ±50%, "
            f"{args.saves} answers each",
            "save_ms": _ms(tally.save),
            "ping_ms": _ms(tally.ping),
            "ratio_p50": ratio(tally),
        },
        "stress": {
            "label": f"{args.stress_clients} clients, no think time",
            "save_ms": _ms(stress.save),
            "ping_ms": _ms(stress.ping),
            "ratio_p50": ratio(stress),
            "save_per_s": round(save_rps, 1),
            "ping_per_s": round(ping_rps, 1),
            "throughput_ratio": round(save_rps / ping_rps, 3) if ping_rps else None,
        },
        **stored,
    }


def _print(report: dict) -> None:
    print(f"\nExam benchmark: {report['candidates']} candidates, {report['server']}")
    print(f"  errors: {report['errors']} {report['error_kinds'] or ''}")
    for label, key in (("start (together)", "start_ms"), ("ping (together)", "ping_together_ms")):
        row = report[key]
        print(f"  {label:<17} n={row['n']:<6} p50={row['p50']:8.1f} ms   p95={row['p95']:8.1f} ms")
    for run in ("think", "stress"):
        part = report[run]
        print(f"  {run}: {part['label']}")
        for name in ("save", "ping"):
            row = part[f"{name}_ms"]
            print(
                f"    {name:<5} n={row['n']:<6} p50={row['p50']:8.1f} ms   p95={row['p95']:8.1f} ms"
            )
        print(f"    save/ping at p50: {part['ratio_p50']}")
    stress = report["stress"]
    print(
        f"  throughput: save {stress['save_per_s']}/s, trivial view {stress['ping_per_s']}/s, "
        f"ratio {stress['throughput_ratio']}"
    )
    print(f"  stored: {report['attempts']} attempts open, {report['answers_stored']} answers saved")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--settings", default="lms.settings.bench")
    parser.add_argument("--candidates", type=int, default=300)
    parser.add_argument("--saves", type=int, default=15, help="answers per candidate (think run)")
    parser.add_argument("--think-ms", type=int, default=3000, help="mean pause before an answer")
    parser.add_argument("--stress-clients", type=int, default=16)
    parser.add_argument("--stress-rounds", type=int, default=4, help="save blocks = ping blocks")
    parser.add_argument("--stress-block", type=int, default=25, help="requests per block")
    parser.add_argument("--max-seconds", type=int, default=600)
    parser.add_argument("--json", help="also write the report to this file")
    args = parser.parse_args(argv)
    if not args.database_url or not args.database_url.startswith(("postgres://", "postgresql://")):
        parser.error("a PostgreSQL --database-url (or DATABASE_URL) is required")
    if not 1 <= args.candidates <= 1000 or not 1 <= args.saves <= 500:
        parser.error("--candidates must be 1..1000 and --saves 1..500")
    args.stress_clients = max(1, min(args.stress_clients, args.candidates))

    var_dir = tempfile.mkdtemp(prefix="exam-bench-")
    env = {
        **os.environ,
        "DATABASE_URL": args.database_url,
        "DJANGO_SETTINGS_MODULE": args.settings,
        "DATABASE_CONN_MAX_AGE": "60",
        "LMS_VAR_DIR": var_dir,
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    os.environ.update({k: env[k] for k in env if k != "PYTHONPATH"})
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
    from bench._common import stop_gunicorn
    from bench.booking_bench import _free_port, _start_gunicorn

    port = _free_port()
    server = _start_gunicorn(port, None, None)
    try:
        _wait_up(port, server)
        print(f"driving gunicorn on 127.0.0.1:{port}…", flush=True)
        tally, stress, spent = _drive(args, port, keys)
    finally:
        stop_gunicorn(server)
    report = _report(args, tally, stress, spent, _results_check(args.candidates))
    _print(report)
    from bench.report import write_report

    write_report("exam", report)
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2))
    return 0 if report["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
