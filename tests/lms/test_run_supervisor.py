"""`make run` keeps the platform up: a killed worker (or beat, or web server) is started again
after a back-off, says so, and the other processes are left alone."""

import os
import signal
import sys
import time

from devtools.run import Supervisor, processes

SLEEPER = [sys.executable, "-c", "import time; time.sleep(120)"]


def _until(predicate, seconds=10.0):
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def _supervise(supervisor, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        supervisor.check()
        time.sleep(0.05)


def test_a_killed_worker_is_restarted_with_a_growing_back_off_and_the_rest_keeps_running():
    said = []
    supervisor = Supervisor(
        {"web": SLEEPER, "worker": SLEEPER, "beat": SLEEPER},
        backoff=(0.3, 0.6, 1.2),
        say=said.append,
    )
    supervisor.start_all()
    try:
        web, beat = supervisor.running["web"], supervisor.running["beat"]
        first = supervisor.running["worker"]
        os.kill(first.pid, signal.SIGKILL)
        first.wait()
        supervisor.check()
        assert said == [
            "worker stopped (killed by SIGKILL); restarting it in 0.3 s. The rest keeps running."
        ]
        assert supervisor.running["worker"] is first, "not before the back-off"
        _supervise(supervisor, 0.5)
        second = supervisor.running["worker"]
        assert second is not first and second.poll() is None
        assert said[-1] == "worker restarted."

        os.kill(second.pid, signal.SIGKILL)
        second.wait()
        supervisor.check()
        assert "restarting it in 0.6 s" in said[-1], "a second crash in a row waits longer"
        _until(lambda: (supervisor.check(), supervisor.running["worker"] is not second)[1])
        assert supervisor.running["worker"].poll() is None
        assert web.poll() is None and beat.poll() is None
        assert supervisor.running["web"] is web and supervisor.running["beat"] is beat
    finally:
        supervisor.stop_all(grace=5)
    assert all(proc.poll() is not None for proc in supervisor.running.values())


def test_a_crashed_web_server_is_restarted_and_the_back_off_resets_after_a_stable_run():
    said = []
    supervisor = Supervisor(
        {"web": [sys.executable, "-c", "raise SystemExit(3)"], "worker": SLEEPER},
        backoff=(0.1, 5),
        stable_after=0.0,  # every run counts as stable: the back-off never grows
        say=said.append,
    )
    supervisor.start_all()
    try:
        _supervise(supervisor, 1.5)
        stops = [line for line in said if line.startswith("web stopped")]
        assert len(stops) >= 2
        assert all(line == stops[0] for line in stops)
        assert stops[0].startswith("web stopped (exit 3); restarting it in 0.1 s")
        assert supervisor.running["worker"].poll() is None
    finally:
        supervisor.stop_all(grace=5)


def test_make_run_supervises_web_worker_beat_and_the_stripe_stand_in():
    commands = processes()
    assert set(commands) == {"web", "worker", "beat", "stripe"}
    web = " ".join(commands["web"])
    assert "gunicorn" in web and "--backlog=2048" in web and "--threads=8" in web
