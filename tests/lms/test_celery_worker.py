"""A real Celery worker on the filesystem broker runs the platform's tasks.

Email delivery through a real worker (and a killed one) is in test_outbox_worker.py."""

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from celery import Celery
from celery.result import allow_join_result

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.integration


@pytest.fixture
def broker_dir(tmp_path):
    return tmp_path / "celery"


@pytest.fixture
def worker(broker_dir, tmp_path):
    """A `celery worker` process with the test settings, its broker in a temporary folder."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lms.settings.test",
        "CELERY_BROKER_DIR": str(broker_dir),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(tmp_path / "mail"),
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "lms", "worker", "--pool=solo", "--loglevel=INFO"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    yield proc
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()


def _client_app(broker_dir: Path) -> Celery:
    """A sender configured like the platform, but not eager: messages really go to the broker."""
    queue = str(broker_dir / "queue")
    for sub in ("queue", "processed", "control", "results"):
        (broker_dir / sub).mkdir(parents=True, exist_ok=True)
    return Celery(
        "sender",
        set_as_current=False,
        broker="filesystem://",
        backend=f"file://{broker_dir / 'results'}",
        broker_transport_options={
            "data_folder_in": queue,
            "data_folder_out": queue,
            "processed_folder": str(broker_dir / "processed"),
            "control_folder": str(broker_dir / "control"),
        },
    )


def _get(result, timeout: float = 60):
    """result.get() from the test's own thread. Celery's "never call get() within a task" flag
    is process-wide: an eager task running meanwhile in a live-server thread (a late Stripe
    webhook) would set it for this thread too."""
    with allow_join_result():
        return result.get(timeout=timeout)


def test_a_task_runs_through_a_real_worker(worker, broker_dir, tmp_path):
    sender = _client_app(broker_dir)
    result = sender.send_task("lms.tasks.ping", args=["hello"])
    assert _get(result) == {"echo": "hello"}

    assert worker.poll() is None, "the worker should still be running"


@pytest.fixture
def platform_app(broker_dir):
    """The platform's own Celery app (lms/celery.py), not eager for this test and pointed at the
    worker's broker folder; put back as it was afterwards."""
    from lms.celery import app

    _client_app(broker_dir)  # makes the broker's folders
    queue = str(broker_dir / "queue")
    changes = {
        "task_always_eager": False,
        "broker_url": "filesystem://",
        "result_backend": f"file://{broker_dir / 'results'}",
        "broker_transport_options": {
            "data_folder_in": queue,
            "data_folder_out": queue,
            "processed_folder": str(broker_dir / "processed"),
            "control_folder": str(broker_dir / "control"),
        },
    }
    saved = {key: app.conf.get(key) for key in changes}
    app.conf.update(changes)
    app._pool = None
    app.amqp._producer_pool = None  # an earlier test's producers still point at its broker
    app.__dict__.pop("backend", None)
    app._local.__dict__.pop("backend", None)
    yield app
    app.conf.update(saved)
    app._pool = None
    app.amqp._producer_pool = None
    app._local.__dict__.pop("backend", None)


@pytest.fixture
def db_worker(broker_dir, tmp_path, worker_database_url):
    """A `celery -A lms worker` on the test database."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lms.settings.test",
        "DATABASE_URL": worker_database_url,
        "CELERY_BROKER_DIR": str(broker_dir),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(tmp_path / "mail"),
    }
    log = tmp_path / "worker.log"
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "lms", "worker", "--pool=solo", "--loglevel=INFO"],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    proc.log = log
    yield proc
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()


def test_the_daily_expiry_runs_through_the_platforms_app_on_a_real_worker(platform_app, db_worker):
    from enrollment.models import Application
    from enrollment.tasks.applications import applications_expire_task
    from lms import clock
    from tests.factories.enrollment import ApplicationFactory

    today = clock.today()
    overdue = ApplicationFactory(
        status="submitted",
        submitted_on=today - timedelta(days=200),
        expires_on=today - timedelta(days=1),
    )
    alive = ApplicationFactory(
        status="submitted", submitted_on=today, expires_on=today + timedelta(days=180)
    )

    result = applications_expire_task.apply_async(args=[today.isoformat()])

    assert result.backend.__class__.__name__ == "FilesystemBackend"  # not run eagerly here
    try:
        assert _get(result, timeout=240) == 1  # a loaded machine starts a worker slowly
    except Exception:
        print(db_worker.log.read_text()[-4000:])
        raise
    assert Application.objects.get(pk=overdue.pk).status == "expired"
    assert Application.objects.get(pk=alive.pk).status == "submitted"
    assert db_worker.poll() is None
