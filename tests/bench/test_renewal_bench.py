"""The renewal rush benchmark still works: a tiny run (6 holders) against gunicorn, the Stripe
stand-in and this test's PostgreSQL database, on the clock of Jun 30 that it moves the server to.

The bench is a subprocess, as `make bench` runs it; its report goes to this test's own folder.
Afterwards the database (read here, not from the report) has every renewal submitted, paid once.
"""

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from django.db import connection

from certification.models import Renewal, RenewalStatus
from payments.models import Payment, PaymentStatus

ROOT = Path(__file__).resolve().parents[2]
HOLDERS = 6

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _database_url() -> str:
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s["PASSWORD"] else ""
    return f"postgres://{s['USER']}{password}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


def test_a_tiny_renewal_rush_submits_and_charges_every_holder_once(tmp_path):
    env = {**os.environ, "DATABASE_URL": _database_url(), "LMS_BENCH_DIR": str(tmp_path)}
    command = [sys.executable, "bench/renewal_bench.py", "--holders", str(HOLDERS)]
    command += ["--clients", "3", "--think-ms", "50", "--year", "2027", "--max-seconds", "240"]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=420)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    report = json.loads((tmp_path / "renewal.json").read_text())
    assert report["errors"] == 0 and report["completed"] == HOLDERS
    assert report["clock_start"] == "2027-06-30T09:00:00-05:00"
    for step in ("summary", "sign", "checkout", "pay", "return", "confirmed", "submitted"):
        assert report["steps_ms"][step]["n"] == HOLDERS, step
    # One beside each step on our server: summary, sign, checkout, return and polls, submitted.
    assert report["ping_ms"]["n"] == 5 * HOLDERS

    renewals = Renewal.objects.filter(year=2027)
    assert renewals.count() == HOLDERS
    assert set(renewals.values_list("status", flat=True)) == {RenewalStatus.SUBMITTED}
    # Submitted on the server's moved clock: the last day of June, the $15 on-time fee.
    assert set(renewals.values_list("first_submitted_on", flat=True)) == {date(2027, 6, 30)}
    for renewal in renewals:
        paid = Payment.objects.filter(reference=f"renewal:{renewal.pk}", status=PaymentStatus.PAID)
        assert [p.pk for p in paid] == [renewal.fee_payment_id]
        assert paid[0].amount_cents == 1500
