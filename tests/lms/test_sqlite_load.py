"""The dev platform on SQLite survives a stampede: 200 people book 3 seats at the same moment.

Self-contained (it brings its own SQLite file, so it runs inside the PostgreSQL `make test`):
`migrate` a fresh SQLite database, create 200 applicants ready to book Day 1 and one session of
3 seats (the booking benchmark's data), start the web server exactly as `make run` does
(devtools/run.py) on a free loopback port, then fire every booking at once from threads.
Exactly 3 are booked; every other answer is "full" or the polite 503 "busy, try again"; no
other server error and no refused connection.
"""

import http.client
import json
import os
import secrets
import signal
import sqlite3
import string
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.messages import constants
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpRequest

from devtools.run import processes
from tests.servers import free_port

ROOT = Path(__file__).resolve().parents[2]
PEOPLE, SEATS = 200, 3

pytestmark = pytest.mark.integration

CREATE_DATA = """
import json, django
django.setup()
from bench.booking_bench import _create_data
session, cookies = _create_data({people}, {seats})
print(json.dumps({{"session": session.pk, "cookies": cookies}}))
"""


def _env(tmp_path: Path) -> dict[str, str]:
    celery = tmp_path / "celery"
    for sub in ("queue", "processed", "control", "results"):
        (celery / sub).mkdir(parents=True, exist_ok=True)
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lms.settings.dev",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        # The test reads the answers' signed messages cookie with its own key.
        "SECRET_KEY": settings.SECRET_KEY,
        "LMS_VAR_DIR": str(tmp_path / "var"),
        "CELERY_BROKER_DIR": str(celery),
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "LOG_LEVEL": "WARNING",
    }


def _request(port, method, path, headers=None, timeout=120.0):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=b"" if method == "POST" else None, headers=headers or {})
        response = conn.getresponse()
        response.read()
        return response
    finally:
        conn.close()


def _outcome(response) -> str:
    if response.status == 503:
        polite = response.getheader("Retry-After") and "text/html" in response.getheader(
            "Content-Type", ""
        )
        return "busy (503)" if polite else "503 without Retry-After"
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


def _stampede(port: int, session_id: int, cookies: list[str]) -> Counter:
    csrf = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))
    barrier = threading.Barrier(len(cookies) + 1)
    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt(cookie: str) -> None:
        headers = {
            "Cookie": f"sessionid={cookie}; csrftoken={csrf}",
            "X-CSRFToken": csrf,
            "Content-Type": "application/x-www-form-urlencoded",
        }
        barrier.wait(timeout=60)
        try:
            outcome = _outcome(
                _request(port, "POST", f"/classroom/sessions/{session_id}/book/", headers)
            )
        except OSError as exc:
            outcome = f"connection {type(exc).__name__}"
        with lock:
            outcomes.append(outcome)

    threading.stack_size(512 * 1024)
    threads = [threading.Thread(target=attempt, args=(c,), daemon=True) for c in cookies]
    for t in threads:
        t.start()
    barrier.wait(timeout=60)
    for t in threads:
        t.join(timeout=240)
    return Counter(outcomes)


@pytest.fixture
def sqlite_platform(tmp_path):
    """The platform's web server on a fresh SQLite file: (port, session id, cookies, db path)."""
    env = _env(tmp_path)
    run = {"cwd": ROOT, "env": env, "check": True, "capture_output": True, "text": True}
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], **run)
    created = subprocess.run(
        [sys.executable, "-c", CREATE_DATA.format(people=PEOPLE, seats=SEATS)], **run
    )
    data = json.loads(created.stdout.strip().splitlines()[-1])
    port = free_port()
    web = [f"--bind=127.0.0.1:{port}" if a.startswith("--bind=") else a for a in processes()["web"]]
    web = [a for a in web if a != "--access-logfile=-"]
    log = (tmp_path / "web.log").open("w")
    server = subprocess.Popen(
        web, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    deadline = time.monotonic() + 90
    while True:
        try:
            if _request(port, "GET", "/classroom/calendar/", timeout=10).status == 200:
                break
        except OSError:
            pass
        assert time.monotonic() < deadline and server.poll() is None, "web server did not start"
        time.sleep(0.3)
    yield port, data["session"], data["cookies"], tmp_path / "db.sqlite3"
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def test_200_simultaneous_bookings_for_3_seats_on_sqlite(sqlite_platform, tmp_path):
    port, session_id, cookies, db = sqlite_platform
    outcomes = _stampede(port, session_id, cookies)

    log = (tmp_path / "web.log").read_text()[-3000:]
    assert sum(outcomes.values()) == PEOPLE, (outcomes, log)
    assert outcomes["booked"] == SEATS, (outcomes, log)
    assert set(outcomes) <= {"booked", "full", "busy", "busy (503)"}, (outcomes, log)
    with sqlite3.connect(db) as conn:
        (confirmed,) = conn.execute(
            "SELECT count(*) FROM enrollment_registration WHERE session_id = ? "
            "AND status = 'confirmed'",
            (session_id,),
        ).fetchone()
        (journal,) = conn.execute("PRAGMA journal_mode").fetchone()
    assert confirmed == SEATS
    assert journal == "wal"
