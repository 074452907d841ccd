"""`make run`: start the whole platform on its embedded defaults and stop it all on Ctrl-C.

Starts the Django development server (127.0.0.1:8000), a Celery worker and Celery beat on the
filesystem broker, and the local Stripe stand-in (127.0.0.1:8420), all on lms.settings.dev.
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
        "web": [PY, "manage.py", "runserver", WEB, "--noreload"],
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


def base_url(addr: str) -> str:
    """The address people open, from runserver's `[host:]port` (all interfaces: this host)."""
    host, _, port = addr.rpartition(":")
    host = host or "127.0.0.1"
    if host in ("0.0.0.0", "::", "[::]"):
        host = "127.0.0.1"
    return f"http://{host}:{port}"


def child_env(addr: str = WEB) -> dict[str, str]:
    """What every process gets: emails build their links from WAGTAILADMIN_BASE_URL, so it is
    the address `make run` serves on (LMS_RUN_ADDR), unless set explicitly."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lms.settings.dev",
        "STRIPE_API_BASE": f"http://127.0.0.1:{STRIPE_PORT}",
        "PYTHONUNBUFFERED": "1",
        "WAGTAILADMIN_BASE_URL": os.environ.get("WAGTAILADMIN_BASE_URL") or base_url(addr),
    }


def main() -> int:
    env = child_env()
    running: dict[str, subprocess.Popen] = {}
    for name, cmd in processes().items():
        running[name] = subprocess.Popen(cmd, cwd=ROOT, env=env, start_new_session=True)
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
            for name, proc in running.items():
                if proc.poll() is not None:
                    print(
                        f"{name} stopped (exit {proc.returncode}); stopping the rest.", flush=True
                    )
                    stopping = True
                    break
            time.sleep(0.5)
    finally:
        # Each leader shuts its own children down (Celery warm-stops its pool); anything
        # still alive after the grace period is killed with its whole group.
        for proc in running.values():
            if proc.poll() is None:
                proc.terminate()
        deadline = time.monotonic() + 10
        for proc in running.values():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        print("Stopped.", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
