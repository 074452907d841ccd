"""`make run`: start the whole platform on its embedded defaults and stop it all on Ctrl-C.

Starts the web server (gunicorn on 127.0.0.1:8000: threads and a deep backlog, so a burst of
requests queues instead of being refused), a Celery worker and Celery beat on the filesystem
broker, and the local Stripe stand-in (127.0.0.1:8420), all on lms.settings.dev. A process that
stops is started again after a back-off (1 s, doubling up to 30 s; reset once it has run for a
minute), and the terminal says so; the others keep running.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
WEB = os.environ.get("LMS_RUN_ADDR", "127.0.0.1:8000")
STRIPE_PORT = os.environ.get("LMS_STRIPE_PORT", "8420")


def processes() -> dict[str, list[str]]:
    webhook = f"http://{WEB}/payments/stripe/webhook/"
    return {
        "web": [
            PY,
            "-m",
            "gunicorn",
            "lms.wsgi:application",
            f"--bind={WEB}",
            "--workers=2",
            "--threads=8",
            "--worker-class=gthread",
            "--backlog=2048",
            "--timeout=120",
            "--access-logfile=-",
        ],
        "worker": [PY, "-m", "celery", "-A", "lms", "worker", "--loglevel=INFO", "--concurrency=2"],
        "beat": [PY, "-m", "celery", "-A", "lms", "beat", "--loglevel=INFO"],
        "stripe": [
            PY,
            "devtools/localstripe_server.py",
            "--port",
            STRIPE_PORT,
            "--webhook-url",
            webhook,
            "--webhook-secret",
            os.environ.get("STRIPE_WEBHOOK_SECRET", "whsec_localstripe_dev"),
        ],
    }


class Supervisor:
    """Keeps each named process running: one that stops is restarted after a back-off.

    `check()` is one supervision step (the loop calls it twice a second): a process found
    stopped is announced and scheduled for a restart `backoff[n]` seconds later, n being how
    many times in a row it stopped within `stable_after` seconds of starting.
    """

    def __init__(
        self,
        commands: dict[str, list[str]],
        *,
        env: dict[str, str] | None = None,
        backoff: tuple[float, ...] = (1, 2, 4, 8, 16, 30),
        stable_after: float = 60.0,
        say=None,
    ):
        self.commands = commands
        self.env = env
        self.backoff = backoff
        self.stable_after = stable_after
        self.say = say or (lambda line: print(line, flush=True))
        self.running: dict[str, subprocess.Popen] = {}
        self.started_at: dict[str, float] = {}
        self.crashes: dict[str, int] = dict.fromkeys(commands, 0)
        self.restart_at: dict[str, float] = {}

    def start(self, name: str) -> None:
        self.running[name] = subprocess.Popen(
            self.commands[name], cwd=ROOT, env=self.env, start_new_session=True
        )
        self.started_at[name] = time.monotonic()

    def start_all(self) -> None:
        for name in self.commands:
            self.start(name)

    def check(self) -> None:
        now = time.monotonic()
        for name, proc in self.running.items():
            if name in self.restart_at:
                if now >= self.restart_at[name]:
                    del self.restart_at[name]
                    self.start(name)
                    self.say(f"{name} restarted.")
                continue
            if proc.poll() is None:
                continue
            if now - self.started_at[name] >= self.stable_after:
                self.crashes[name] = 0
            delay = self.backoff[min(self.crashes[name], len(self.backoff) - 1)]
            self.crashes[name] += 1
            self.restart_at[name] = now + delay
            self.say(
                f"{name} stopped ({_exit_label(proc.returncode)}); restarting it in {delay:g} s. "
                "The rest keeps running."
            )

    def stop_all(self, grace: float = 10.0) -> None:
        # Each leader shuts its own children down (Celery warm-stops its pool); anything
        # still alive after the grace period is killed with its whole group.
        for proc in self.running.values():
            if proc.poll() is None:
                proc.terminate()
        deadline = time.monotonic() + grace
        for proc in self.running.values():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def _exit_label(code: int) -> str:
    if code < 0:
        return f"killed by {signal.Signals(-code).name}"
    return f"exit {code}"


def base_url(addr: str) -> str:
    """The address people open, from runserver's `[host:]port` (all interfaces: this host)."""
    host, _, port = addr.rpartition(":")
    host = host or "127.0.0.1"
    if host in ("0.0.0.0", "::", "[::]"):
        host = "127.0.0.1"
    return f"http://{host}:{port}"


def child_env(addr: str = WEB) -> dict[str, str]:
    """What every process gets: emails build their links from WAGTAILADMIN_BASE_URL, so it is
    the address `make run` serves on (LMS_RUN_ADDR), unless set explicitly. A moved clock
    (LMS_CLOCK_START) is anchored once, so the web server, Celery and the stand-in agree."""
    moved = {}
    if os.environ.get("LMS_CLOCK_START"):
        sys.path.insert(0, str(ROOT))  # run as a script from devtools/
        from lms.clock import clock_start_anchored

        moved["LMS_CLOCK_START"] = clock_start_anchored(os.environ["LMS_CLOCK_START"])
    return {
        **os.environ,
        **moved,
        "DJANGO_SETTINGS_MODULE": "lms.settings.dev",
        "STRIPE_API_BASE": f"http://127.0.0.1:{STRIPE_PORT}",
        "PYTHONUNBUFFERED": "1",
        "WAGTAILADMIN_BASE_URL": os.environ.get("WAGTAILADMIN_BASE_URL") or base_url(addr),
    }


def main() -> int:
    env = child_env()
    supervisor = Supervisor(processes(), env=env)
    supervisor.start_all()
    print(
        f"\n  Site:        http://{WEB}/\n"
        f"  Admin:       http://{WEB}/admin/  (staff@demo.bhcm.test / demo-staff-pass)\n"
        f"  Dashboard:   http://{WEB}/dashboard/ (applicant@demo.bhcm.test / demo-applicant-pass)\n"
        f"  Health:      http://{WEB}/healthz\n"
        f"  Stripe stand-in: http://127.0.0.1:{STRIPE_PORT}/\n"
        "  All demo logins were printed above by seed_demo. Press Ctrl-C to stop everything.\n",
        flush=True,
    )

    stopping = False

    def stop(*_):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        while not stopping:
            supervisor.check()
            time.sleep(0.5)
    finally:
        supervisor.stop_all()
        print("Stopped.", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
