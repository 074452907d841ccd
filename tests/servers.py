"""Local servers the tests start: the Stripe stand-in (devtools/localstripe_server.py) sending
signed webhooks, a throwaway Redis, moto's S3 server, an SMTP sink; free loopback ports, and
polling until something happens."""

import email
import shutil
import socket
import socketserver
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings as django_settings

SCRIPT = Path(__file__).resolve().parents[1] / "devtools" / "localstripe_server.py"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until_up(base: str, proc: subprocess.Popen, log: Path, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"The Stripe stand-in exited early:\n{log.read_text()}")
        try:
            urllib.request.urlopen(f"{base}/v1/balance", timeout=1)
            return
        except urllib.error.HTTPError:  # 401 without a key: it is answering
            return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"The Stripe stand-in did not answer within {timeout} s:\n{log.read_text()}")


@contextmanager
def standin_running(
    webhook_url: str, log_dir: Path, *, port: int | None = None, clock_offset: float = 0
) -> Iterator[str]:
    """Run the stand-in on a free loopback port (or `port`), posting webhooks to `webhook_url`;
    yields its base URL and stops it afterwards. `clock_offset` (seconds) runs its clock that far
    from the real one, for a test that sets the project clock to another day."""
    port = port or free_port()
    log = log_dir / "server.log"
    cmd = [sys.executable, str(SCRIPT), "--port", str(port), "--webhook-url", webhook_url]
    cmd += ["--webhook-secret", django_settings.STRIPE_WEBHOOK_SECRET]
    cmd += ["--clock-offset", str(clock_offset)]
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, proc, log)
        yield base
    finally:
        _stop(proc)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def checkout_submit(url: str, **fields) -> tuple[int, dict, str]:
    """POST the stand-in's hosted page form without following the redirect."""
    data = urllib.parse.urlencode(fields).encode()
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(url, data=data, timeout=10) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:  # 303 (not followed), 402
        return error.code, dict(error.headers), error.read().decode()


def wait_for(predicate: Callable[[], object], timeout: float = 10, step: float = 0.2):
    """Poll `predicate` until it is truthy or `timeout` seconds pass; returns its last value."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(step)


# --- A throwaway Redis, moto's S3 server, an SMTP sink -----------------------------------------


@contextmanager
def redis_server(folder: Path) -> Iterator[str]:
    """A redis-server of its own (loopback, nothing persisted, in `folder`): its URL."""
    exe = shutil.which("redis-server")
    if exe is None:
        pytest.fail("redis-server is not installed: run `make sysdeps` (Debian redis-server).")
    port = free_port()
    folder.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen(
        [exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        + ["--dir", str(folder)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 15
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as conn:
                conn.sendall(b"PING\r\n")
                if conn.recv(16).startswith(b"+PONG"):
                    break
        except OSError:
            pass
        if time.monotonic() > deadline or proc.poll() is not None:
            proc.kill()
            pytest.fail("redis-server did not start")
        time.sleep(0.1)
    try:
        yield f"redis://127.0.0.1:{port}"
    finally:
        _stop(proc)


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@dataclass(frozen=True)
class ObjectStore:
    """Where the S3 stand-in listens, and the variables production settings read for it."""

    endpoint_url: str
    bucket: str
    access_key: str = "test-access-key"
    secret_key: str = "test-secret-key"
    region: str = "us-east-1"

    @property
    def env(self) -> dict[str, str]:
        return {
            "AWS_S3_ENDPOINT_URL": self.endpoint_url,
            "AWS_STORAGE_BUCKET_NAME": self.bucket,
            "AWS_ACCESS_KEY_ID": self.access_key,
            "AWS_SECRET_ACCESS_KEY": self.secret_key,
            "AWS_S3_REGION_NAME": self.region,
            "AWS_S3_ADDRESSING_STYLE": "path",
        }

    def client(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
            region_name=self.region,
        )

    def keys(self, bucket: str | None = None) -> list[str]:
        pages = (
            self.client().get_paginator("list_objects_v2").paginate(Bucket=bucket or self.bucket)
        )
        return sorted(obj["Key"] for page in pages for obj in page.get("Contents", []))

    def storage_options(self, location: str = "private") -> dict:
        """OPTIONS for django-storages' S3Storage, as lms.settings.production builds them."""
        return {
            "bucket_name": self.bucket,
            "access_key": self.access_key,
            "secret_key": self.secret_key,
            "region_name": self.region,
            "endpoint_url": self.endpoint_url,
            "addressing_style": "path",
            "signature_version": "s3v4",
            "default_acl": None,
            "file_overwrite": False,
            "location": location,
        }


@contextmanager
def s3_server(folder: Path) -> Iterator[ObjectStore]:
    """moto's S3 server (dev/test only) on a free loopback port, with one private bucket."""
    port = free_port()
    folder.mkdir(parents=True, exist_ok=True)
    log = (folder / "moto.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    store = ObjectStore(endpoint_url=f"http://127.0.0.1:{port}", bucket="bhcm-private")
    deadline = time.monotonic() + 30
    while True:
        try:
            store.client().create_bucket(Bucket=store.bucket)
            break
        except Exception:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                pytest.fail("moto's S3 server did not start")
            time.sleep(0.2)
    try:
        yield store
    finally:
        _stop(proc)
        log.close()


class SmtpSink(socketserver.ThreadingTCPServer):
    """The receiving side: an SMTP server that records each accepted message's Message-ID.

    `hold_after(n)`: once n messages were accepted, every later DATA command waits (no 354
    reply) until `release()`, then the connection is dropped unaccepted, as when the sender
    dies in the middle of a transfer. `held` counts the senders waiting there.
    """

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _SmtpHandler)
        self.port = self.server_address[1]
        self.accepted: list[str] = []
        self.held = 0
        self._lock = threading.Lock()
        self._hold_at: int | None = None
        self._released = threading.Event()

    def hold_after(self, count: int) -> None:
        self._hold_at = count

    def release(self) -> None:
        self._hold_at = None
        self._released.set()

    def _should_hold(self) -> bool:
        with self._lock:
            if self._hold_at is None or len(self.accepted) < self._hold_at:
                return False
            self.held += 1
            return True

    def _accept(self, message_id: str) -> None:
        with self._lock:
            self.accepted.append(message_id)


class _SmtpHandler(socketserver.StreamRequestHandler):
    def _reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self):
        sink: SmtpSink = self.server
        self._reply("220 sink ready")
        while line := self.rfile.readline():
            command = line.decode(errors="replace").strip().upper()
            if command == "DATA":
                if sink._should_hold():
                    sink._released.wait()
                    return  # dropped before the data: nothing accepted
                self._reply("354 go ahead")
                lines = []
                while (data := self.rfile.readline()) not in (b".\r\n", b".\n"):
                    if not data:
                        return  # the sender died mid-transfer: not accepted
                    lines.append(data)
                sink._accept(email.message_from_bytes(b"".join(lines))["Message-ID"])
                self._reply("250 accepted")
            elif command == "QUIT":
                self._reply("221 bye")
                return
            else:
                self._reply("250 ok")
