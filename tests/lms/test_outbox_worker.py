"""Emails are never lost, nor sent twice, when a real Celery worker is killed mid-way.

300 emails are written to the outbox in one transaction; on commit each one's task goes to the
broker, twice (as a redelivery would). A real worker (prefork, 2 processes) sends them to an SMTP
sink. After 150 are accepted the sink holds every new transfer, so both worker processes are
caught in the middle of one, and the whole worker is killed with SIGKILL. A new worker then takes
the rest, the periodic sweep takes what the dead one had claimed or reserved, and the sink counts
deliveries by Message-ID. Once on Redis (production), once on the filesystem broker (`make run`).
"""

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from celery import Celery
from celery.result import allow_join_result
from django.db import connection, transaction

from lms.models import OutboxMessage, OutboxStatus
from lms.services import email_send

ROOT = Path(__file__).resolve().parents[2]
TOTAL, KILL_AFTER = 300, 150
CONTEXT = {
    "application": {"pk": 1, "legal_first_name": "Ada", "user": {"email": "a@example.org"}},
    "site_url": "http://127.0.0.1",
}

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _database_url() -> str:
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s["PASSWORD"] else ""
    return f"postgres://{s['USER']}{password}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


def _broker(kind: str, tmp_path: Path, redis_url: str | None) -> dict[str, str]:
    if kind == "redis":
        return {"CELERY_BROKER_URL": f"{redis_url}/0", "CELERY_RESULT_BACKEND": f"{redis_url}/1"}
    folder = tmp_path / "celery"
    for sub in ("queue", "processed", "control", "results"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    return {
        "CELERY_BROKER_URL": "filesystem://",
        "CELERY_BROKER_DIR": str(folder),
        "CELERY_BROKER_POLL_SECONDS": "0.05",
    }


def _sender(env: dict[str, str]) -> Celery:
    """A client configured like the platform's app, but not eager: messages go to the broker.
    Never the current app: the platform's shared tasks must stay bound to the eager one."""
    if env["CELERY_BROKER_URL"] == "filesystem://":
        folder = Path(env["CELERY_BROKER_DIR"])
        return Celery(
            "sender",
            set_as_current=False,
            broker="filesystem://",
            backend=f"file://{folder / 'results'}",
            broker_transport_options={
                "data_folder_in": str(folder / "queue"),
                "data_folder_out": str(folder / "queue"),
                "processed_folder": str(folder / "processed"),
                "control_folder": str(folder / "control"),
            },
        )
    return Celery(
        "sender",
        set_as_current=False,
        broker=env["CELERY_BROKER_URL"],
        backend=env["CELERY_RESULT_BACKEND"],
    )


class Worker:
    def __init__(self, env: dict[str, str], log: Path):
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "lms", "worker", "--pool=prefork"]
            + ["--concurrency=2", "--loglevel=INFO", "--without-gossip", "--without-mingle"],
            cwd=ROOT,
            env=env,
            stdout=log.open("a"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill(self) -> None:
        """SIGKILL the worker and its pool processes at once: nothing gets to clean up."""
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


def _get(result, timeout: float = 90):
    """result.get() from the test's own thread (see test_celery_worker._get)."""
    with allow_join_result():
        return result.get(timeout=timeout)


def _wait(predicate, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.1)


@pytest.mark.parametrize("broker", ["redis", "filesystem"])
def test_300_emails_survive_a_killed_worker_and_none_is_sent_twice(
    broker, request, tmp_path, smtp_sink, monkeypatch
):
    redis_url = request.getfixturevalue("redis_url") if broker == "redis" else None
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lms.settings.test",
        "DATABASE_URL": _database_url(),
        **_broker(broker, tmp_path, redis_url),
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_sink.port),
        "EMAIL_TIMEOUT": "60",
        # Short, so the test need not wait minutes: unsent after 2 s, claims held 3 s.
        "EMAIL_OUTBOX_RESEND_AFTER_SECONDS": "2",
        "EMAIL_OUTBOX_LEASE_SECONDS": "3",
    }
    sender = _sender(env)

    def enqueue_twice(pk: int) -> None:
        # What the platform's app does on commit, sent to this test's broker instead of run
        # eagerly; and once more, as a broker redelivers: the two worker processes then take
        # the same email at the same moment, and only one may send it.
        for _ in range(2):
            sender.send_task("lms.tasks.email_outbox_send", args=[pk])

    monkeypatch.setattr("lms.services._enqueue", enqueue_twice)
    log = tmp_path / "worker.log"
    first = Worker(env, log)
    request.addfinalizer(first.stop)
    assert _get(sender.send_task("lms.tasks.ping", args=["up"])) == {"echo": "up"}

    smtp_sink.hold_after(KILL_AFTER)
    with transaction.atomic():
        rows = [
            email_send(template="application_expired", to=[f"p{i}@example.org"], context=CONTEXT)
            for i in range(TOTAL)
        ]
    expected = {row.message_id for row in rows}

    # Both worker processes are now each in the middle of a transfer the sink holds.
    _wait(lambda: smtp_sink.held >= 2, 120, "both worker processes to be mid-transfer")
    first.kill()
    smtp_sink.release()
    # (a transfer already past DATA when the hold began may still have been accepted)
    accepted_before_restart = len(smtp_sink.accepted)
    assert KILL_AFTER <= accepted_before_restart < TOTAL
    sent = OutboxMessage.objects.filter(status=OutboxStatus.SENT).count()
    assert sent == accepted_before_restart
    assert OutboxMessage.objects.filter(status=OutboxStatus.SENDING).count() == 2

    second = Worker(env, log)
    request.addfinalizer(second.stop)

    def all_sent() -> bool:
        return not OutboxMessage.objects.exclude(status=OutboxStatus.SENT).exists()

    deadline = time.monotonic() + 180
    while not all_sent():
        assert time.monotonic() < deadline, "some emails were never sent"
        # What beat does every minute, here every 2 s.
        _get(sender.send_task("lms.tasks.email_outbox_sweep"))
        time.sleep(2)
    second.stop()

    deliveries = Counter(smtp_sink.accepted)
    assert sum(deliveries.values()) == TOTAL, log.read_text()[-3000:]
    assert set(deliveries) == expected
    assert max(deliveries.values()) == 1, "an email was delivered twice"
