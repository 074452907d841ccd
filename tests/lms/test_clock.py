import os
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from lms import clock

ROOT = Path(__file__).resolve().parents[2]


def test_today_is_chicago_date_not_utc():
    # 03:00 UTC on Jan 2 is still 21:00 on Jan 1 in Chicago (UTC-6 in winter).
    with clock.frozen_at(datetime(2027, 1, 2, 3, 0, tzinfo=UTC)):
        assert clock.today() == date(2027, 1, 1)
    # In summer Chicago is UTC-5: 05:30 UTC on Jul 1 is 00:30 Jul 1 local.
    with clock.frozen_at(datetime(2027, 7, 1, 5, 30, tzinfo=UTC)):
        assert clock.today() == date(2027, 7, 1)


def test_frozen_at_a_date_and_restores_afterwards():
    real = clock.now()
    with clock.frozen_at(date(2026, 8, 31)):
        assert clock.today() == date(2026, 8, 31)
        assert clock.now().tzinfo is not None
    assert abs((clock.now() - real).total_seconds()) < 60


# --- A moved clock (LMS_CLOCK_START): benchmark and drill servers only --------------------------

START = "2027-06-30T09:00:00-05:00"
START_UTC = datetime(2027, 6, 30, 14, 0, tzinfo=UTC)


@pytest.fixture
def moved_clock():
    yield clock.run_from
    clock.run_from(None)


def test_a_moved_clock_starts_at_the_moment_and_keeps_ticking(moved_clock):
    moved_clock(START)
    first = clock.now()
    assert timedelta(0) <= first - START_UTC < timedelta(seconds=5)
    assert clock.today() == date(2027, 6, 30)
    time.sleep(0.3)
    assert clock.now() - first >= timedelta(seconds=0.3)
    with clock.frozen_at(date(2027, 7, 1)):  # a test's frozen clock still wins
        assert clock.today() == date(2027, 7, 1)
    moved_clock(None)
    assert abs(clock.now() - datetime.now(tz=UTC)) < timedelta(seconds=5)


def test_an_anchored_start_gives_every_process_the_same_clock(moved_clock):
    anchored = clock.clock_start_anchored(START)
    assert clock.clock_start_anchored(anchored) == anchored  # anchored once, kept
    first = clock.clock_offset(anchored)
    time.sleep(0.2)
    assert clock.clock_offset(anchored) == first  # a process started later agrees
    assert clock.clock_offset(START) < first  # unanchored: from each process's own start


@pytest.mark.parametrize("value", ["2027-06-30T09:00:00", "June 30", "2027-06-30T09:00@x"])
def test_a_start_without_its_utc_offset_or_unreadable_is_refused(value):
    with pytest.raises(ValueError):
        clock.clock_start_parse(value)


def _server_clock(settings_module: str, tmp_path, start: str = START) -> list[datetime]:
    """clock.now() twice, a second apart, in a fresh process on `settings_module`."""
    code = (
        "import django, time; django.setup(); from lms import clock; a = clock.now(); "
        "time.sleep(1); print(a.isoformat(), clock.now().isoformat())"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": settings_module,
        "LMS_CLOCK_START": start,
        "LMS_VAR_DIR": str(tmp_path),
        "LOG_LEVEL": "ERROR",
    }
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return [datetime.fromisoformat(v) for v in result.stdout.split()[-2:]]


@pytest.mark.parametrize("settings_module", ["lms.settings.bench", "lms.settings.dev"])
def test_bench_and_dev_servers_run_as_of_lms_clock_start(settings_module, tmp_path):
    first, second = _server_clock(settings_module, tmp_path)
    assert timedelta(0) <= first - START_UTC < timedelta(seconds=30)
    assert timedelta(seconds=1) <= second - first < timedelta(seconds=10)


def test_the_test_settings_ignore_lms_clock_start(tmp_path):
    first, _ = _server_clock("lms.settings.test", tmp_path)
    assert abs(first - datetime.now(tz=UTC)) < timedelta(seconds=30)
