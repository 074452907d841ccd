"""Production scales out: two gunicorn nodes (`lms.settings.production`) on two loopback ports
over one PostgreSQL, one Redis (broker and cache) and one S3 object store (moto's server), with
a Celery worker beside each node.

The nodes run the real production settings; only the environment is that of a loopback
deployment: a load balancer's `Host` and `X-Forwarded-Proto: https` on every request (so the
HTTPS redirect, secure cookies and CSRF origin checks stay on), ALLOWED_HOSTS its name, no proxy
counted for client addresses, and the file-based email backend into a folder both workers
write to (instead of SMTP). Static files are collected once, with the same manifest the
production storage reads (uncompressed, to keep the run short).
"""

import email
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
import requests
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from enrollment.models import ApplicationUpload, Registration
from lms.models import OutboxMessage, OutboxStatus
from tests.factories.enrollment import (
    EXAMPLE_ENV,
    LOCAL_PATHS,
    PASSWORD,
    ApplicationFactory,
    UserFactory,
)
from tests.samples import pdf_bytes
from tests.servers import free_port, redis_server, s3_server

ROOT = Path(__file__).resolve().parents[2]
PDF = pdf_bytes()
# What the load balancer passes on: the public host name (the same whichever node answers:
# allauth keys a login lockout by site and email) and that the client spoke HTTPS.
PUBLIC_HOST = "bhcm.test"
_FORWARDED = {"X-Forwarded-Proto": "https", "Host": PUBLIC_HOST}

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _database_url() -> str:
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s["PASSWORD"] else ""
    return f"postgres://{s['USER']}{password}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


def _production_env(*, redis: str, store, var: Path, mail: Path, static: Path) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if k not in {*EXAMPLE_ENV, *LOCAL_PATHS}}
    clean.pop("DJANGO_SETTINGS_MODULE", None)
    return {
        **clean,
        **EXAMPLE_ENV,
        **store.env,
        "DJANGO_SETTINGS_MODULE": "lms.settings.production",
        # One secret for every node (sessions and signed cookies cross nodes); the test's own,
        # so it can sign people in server-side for the booking race.
        "SECRET_KEY": settings.SECRET_KEY,
        "ALLOWED_HOSTS": PUBLIC_HOST,
        "WAGTAILADMIN_BASE_URL": f"https://{PUBLIC_HOST}",
        "ALLAUTH_TRUSTED_PROXY_COUNT": "0",
        "DATABASE_URL": _database_url(),
        "DATABASE_CONN_MAX_AGE": "0",
        "CELERY_BROKER_URL": f"{redis}/0",
        "CACHE_URL": f"{redis}/1",
        "CELERY_RESULT_BACKEND": f"{redis}/2",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail),
        "LMS_VAR_DIR": str(var),
        "STATIC_ROOT": str(static),
    }


COLLECT_STATIC = """
import django
django.setup()
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core.management import call_command
# The manifest production's CompressedManifestStaticFilesStorage reads, without compressing.
settings.STORAGES["staticfiles"] = {
    "BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
}
call_command("collectstatic", interactive=False, verbosity=0)
"""


@dataclass
class Process:
    proc: subprocess.Popen
    log: Path

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def _spawn(command: list[str], env: dict[str, str], log: Path) -> Process:
    proc = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    return Process(proc, log)


@dataclass
class Cluster:
    ports: dict[str, int]
    store: object
    var: Path
    mail: Path
    nodes: dict[str, Process]
    workers: dict[str, Process]

    def url(self, node: str, path: str) -> str:
        return f"http://127.0.0.1:{self.ports[node]}{path}"


def _wait_healthy(cluster: Cluster, node: str) -> None:
    deadline = time.monotonic() + 240  # a ceiling for a busy machine; seconds when idle
    while time.monotonic() < deadline:
        if cluster.nodes[node].proc.poll() is not None:
            break
        try:
            response = requests.get(cluster.url(node, "/healthz"), headers=_FORWARDED, timeout=5)
            if response.status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    pytest.fail(f"node {node} did not come up:\n{cluster.nodes[node].output()[-3000:]}")


@pytest.fixture(scope="module")
def cluster(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[Cluster]:
    root = tmp_path_factory.mktemp("scale-out")
    with django_db_blocker.unblock():
        database_url = _database_url()
    with redis_server(root / "redis") as redis, s3_server(root / "s3") as store:
        mail, var, static = root / "mail", root / "var", root / "static"
        mail.mkdir()
        env = _production_env(redis=redis, store=store, var=var, mail=mail, static=static)
        env["DATABASE_URL"] = database_url
        collected = subprocess.run(
            [sys.executable, "-c", COLLECT_STATIC], cwd=ROOT, env=env, capture_output=True
        )
        assert collected.returncode == 0, collected.stderr.decode()[-3000:]
        ports = {"A": free_port(), "B": free_port()}
        nodes, workers = {}, {}
        try:
            for name, port in ports.items():
                nodes[name] = _spawn(
                    [sys.executable, "-m", "gunicorn", "lms.wsgi:application"]
                    + [f"--bind=127.0.0.1:{port}", "--workers=2", "--threads=4"]
                    + ["--worker-class=gthread", "--timeout=60", "--graceful-timeout=5"]
                    # two nodes on one machine: not both on gunicorn's one default socket path
                    + ["--no-control-socket"],
                    env,
                    root / f"node-{name}.log",
                )
                workers[name] = _spawn(
                    [sys.executable, "-m", "celery", "-A", "lms", "worker", "--pool=solo"]
                    + [f"--hostname=worker-{name}@%h", "--loglevel=INFO"]
                    + ["--without-gossip", "--without-mingle"],
                    env,
                    root / f"worker-{name}.log",
                )
            found = Cluster(ports, store, var, mail, nodes, workers)
            for name in ports:
                _wait_healthy(found, name)
            yield found
        finally:
            for process in [*nodes.values(), *workers.values()]:
                process.stop()


@dataclass
class Visitor:
    """A browser behind the load balancer: keeps its cookies whichever node answers."""

    cluster: Cluster
    cookies: dict[str, str] = field(default_factory=dict)

    def request(self, node: str, method: str, path: str, **kwargs) -> requests.Response:
        origin = f"https://{PUBLIC_HOST}"
        headers = {**_FORWARDED, "Origin": origin, "Referer": f"{origin}/"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = kwargs.pop("data", None)
        if method == "POST" and "csrftoken" in self.cookies:
            data = {"csrfmiddlewaretoken": self.cookies["csrftoken"], **(data or {})}
        response = requests.request(
            method,
            self.cluster.url(node, path),
            headers=headers,
            data=data,
            allow_redirects=False,
            timeout=60,
            **kwargs,
        )
        for header in response.raw.headers.getlist("Set-Cookie"):
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response

    def sign_in(self, node: str, email_address: str, password: str = PASSWORD):
        self.request(node, "GET", "/accounts/login/")
        return self.request(
            node, "POST", "/accounts/login/", data={"login": email_address, "password": password}
        )


def _person(**kwargs):
    """A verified user whose password the production hasher (PBKDF2) checks; the test
    settings' fast MD5 hasher is not one production accepts."""
    user = UserFactory(**kwargs)
    salt = PBKDF2PasswordHasher().salt()
    user.password = PBKDF2PasswordHasher().encode(PASSWORD, salt, iterations=10_000)
    user.save(update_fields=["password"])
    return user


def test_a_transcript_uploaded_through_node_a_downloads_through_node_b_for_its_owner_only(
    cluster,
):
    application = ApplicationFactory(user=_person())
    owner = Visitor(cluster)
    assert owner.sign_in("A", application.user.email).status_code == 302

    saved = owner.request(
        "A",
        "POST",
        f"/application/{application.pk}/",
        data={"action": "save", "legal_first_name": "Ada", "legal_last_name": "Byron"},
        files={"transcript": ("transcript.pdf", PDF, "application/pdf")},
    )
    assert saved.status_code == 302, saved.text[-2000:]
    upload = ApplicationUpload.objects.get(application=application)
    # In the bucket, not on any node's disk.
    assert f"private/{upload.storage_name}" in cluster.store.keys()
    assert not cluster.var.exists() or not [p for p in cluster.var.rglob("*") if p.is_file()]

    download = f"/application/{application.pk}/uploads/{upload.pk}/"
    through_b = owner.request("B", "GET", download)
    assert through_b.status_code == 200
    assert through_b.content == PDF
    assert through_b.headers["Content-Disposition"].startswith("attachment")

    stranger = Visitor(cluster)
    assert stranger.sign_in("B", ApplicationFactory(user=_person()).user.email).status_code == 302
    assert stranger.request("B", "GET", download).status_code == 404
    assert stranger.request("A", "GET", download).status_code == 404


def test_a_login_lockout_triggered_on_node_a_holds_on_node_b(cluster):
    user = _person()
    visitor = Visitor(cluster)
    for _ in range(5):
        wrong = visitor.sign_in("A", user.email, "not-the-password")
        assert wrong.status_code == 200 and "sessionid" not in visitor.cookies
    locked = Visitor(cluster).sign_in("B", user.email)
    assert locked.status_code in (200, 429)
    assert "Too many failed login attempts" in locked.text
    # Only that account is locked: someone else signs in through B.
    assert Visitor(cluster).sign_in("B", _person().email).status_code == 302


def test_a_booking_race_split_across_both_nodes_confirms_exactly_the_capacity_and_emails_once(
    cluster,
):
    from bench.booking_bench import _create_data

    seats, people = 8, 32
    session, session_keys = _create_data(people, seats)
    path = f"/classroom/sessions/{session.pk}/book/"
    barrier = threading.Barrier(people)
    statuses: list[int] = []

    def book(index: int, key: str) -> None:
        visitor = Visitor(cluster, cookies={"sessionid": key, "csrftoken": "t" * 32})
        barrier.wait(timeout=60)
        statuses.append(visitor.request("AB"[index % 2], "POST", path).status_code)

    threads = [threading.Thread(target=book, args=(i, k)) for i, k in enumerate(session_keys)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert Counter(statuses) == {302: people}
    confirmed = Registration.objects.filter(session=session, status="confirmed")
    assert confirmed.count() == seats
    assert len(set(confirmed.values_list("application_id", flat=True))) == seats

    # Each confirmation email sent once, by one of the two workers.
    outbox = OutboxMessage.objects.filter(template="registration_confirmed")
    deadline = time.monotonic() + 60
    while outbox.exclude(status=OutboxStatus.SENT).exists() or outbox.count() < seats:
        assert time.monotonic() < deadline, _logs(cluster.workers)
        time.sleep(0.5)
    expected = set(outbox.values_list("message_id", flat=True))
    delivered = Counter(
        message["Message-ID"] for message in _mailed(cluster.mail) if message["Message-ID"]
    )
    assert set(delivered) == expected and len(expected) == seats
    assert max(delivered.values()) == 1, "an email was sent twice"


def test_both_nodes_report_every_dependency_and_log_json_without_personal_data(cluster):
    for node in ("A", "B"):
        health = requests.get(cluster.url(node, "/healthz"), headers=_FORWARDED, timeout=10)
        assert health.json() == {
            "status": "ok",
            "database": True,
            "broker": True,
            "cache": True,
            "object_store": True,
        }
        lines = [_json(line) for line in cluster.nodes[node].output().splitlines()]
        requests_logged = [line for line in lines if line and line.get("logger") == "lms.request"]
        assert requests_logged, cluster.nodes[node].output()[-2000:]
        assert all(len(line["request_id"]) == 32 for line in requests_logged)
        assert "@example.org" not in cluster.nodes[node].output()


def _json(line: str) -> dict | None:
    import json

    try:
        return json.loads(line)
    except ValueError:
        return None


def _mailed(folder: Path) -> list[email.message.Message]:
    """Every message the file-based backend wrote (one file per connection, 79 dashes apart)."""
    messages = []
    for path in sorted(folder.iterdir()):
        for chunk in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            if chunk.strip():
                messages.append(email.message_from_bytes(chunk.strip()))
    return messages


def _logs(processes: dict[str, Process]) -> str:
    return "\n".join(f"--- {n}\n{p.output()[-1500:]}" for n, p in processes.items())
