"""The yearly clock's benchmark: the Jul 1 suspension job and the Jan 1 termination job over
100,000 certifications on PostgreSQL, their time and their query count, which must not grow
with the number of certifications (set-based: one INSERT … SELECT … ON CONFLICT DO NOTHING
RETURNING, one audit insert, the status lists).

Not a test. Given a PostgreSQL DATABASE_URL it migrates, bulk-creates a cohort of 1,000
certifications (valid through Jun 30 of one year) and one of 100,000 (the next year), runs each
job on each cohort's day, then again (the second run must write nothing), and prints a table;
the JSON report goes to var/bench/suspension.json (bench/report.py). The holder emails are
enqueued after commit in batches of 500 (`calendar_notices_task`): the bench counts the batches
instead of sending 100,000 emails, and times one real batch separately.

    .venv/bin/python tests/pg_cluster.py -- .venv/bin/python bench/suspension_bench.py

Options: --small, --large. Exit status 0 when the query counts are equal for both cohorts and
every re-run wrote nothing.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.booking_bench import _setup_django  # noqa: E402  (same settings)
from bench.report import write_report  # noqa: E402


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--large", type=int, default=100_000)
    return parser.parse_args()


class _Batches:
    """Stands in for `calendar_notices_task.delay`: counts the batches and their ids."""

    def __init__(self) -> None:
        self.batches = 0
        self.ids = 0

    def __call__(self, notice, ids, today) -> None:
        self.batches += 1
        self.ids += len(ids)


def _run(job, day: date) -> dict:
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from certification import tasks
    from certification.models import Certification
    from lms import clock

    ContentType.objects.get_for_model(Certification)  # warm, as in a running worker
    batches = _Batches()
    real_delay, tasks.calendar_notices_task.delay = tasks.calendar_notices_task.delay, batches
    try:
        with clock.frozen_at(day), CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            done = job(today=day)
            seconds = time.perf_counter() - started
    finally:
        tasks.calendar_notices_task.delay = real_delay
    return {
        "job": job.__name__,
        "day": day.isoformat(),
        "rows": len(done),
        "seconds": round(seconds, 3),
        "queries": len(queries),
        "notice_batches": batches.batches,
        "notices": batches.ids,
    }


def _one_batch_of_notices(day: date, size: int = 500) -> dict:
    """One real batch of holder emails (rendered into the outbox) and agency alerts."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from certification.models import CertificationEvent
    from certification.services.calendar import calendar_notices_send

    ids = list(
        CertificationEvent.objects.filter(verb="suspended", effective_on=day)
        .order_by("certification_id")
        .values_list("certification_id", flat=True)[:size]
    )
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        calendar_notices_send(notice="suspended", certification_ids=ids, today=day)
        seconds = time.perf_counter() - started
    return {"batch": len(ids), "seconds": round(seconds, 3), "queries": len(queries)}


def _print_table(rows: list[dict]) -> None:
    header = f"{'job':<26}{'day':<12}{'cohort':>9}{'written':>9}{'seconds':>9}{'queries':>9}"
    print(header)
    print("-" * len(header))
    for row in rows:
        print(
            f"{row['job']:<26}{row['day']:<12}{row['cohort']:>9,}{row['rows']:>9,}"
            f"{row['seconds']:>9.2f}{row['queries']:>9}"
        )


def main() -> int:
    args = _args()
    _setup_django()
    from django.core.management import call_command
    from django.db import transaction

    from certification.services.calendar import certifications_suspend, certifications_terminate
    from certification.services.credentials import status_lists_publish
    from lms import clock
    from tests.factories.certification import bulk_certifications

    call_command("migrate", interactive=False, verbosity=0)
    cohorts = {args.small: 2030, args.large: 2031}
    for size, year in cohorts.items():
        print(f"creating {size:,} certifications valid through {year}-06-30...")
        started = time.perf_counter()
        bulk_certifications(size, valid_through=date(year, 6, 30))
        print(f"  {time.perf_counter() - started:.1f} s")
    rows = []
    for job, month, day_of_month, offset in (
        (certifications_suspend, 7, 1, 0),
        (certifications_terminate, 1, 1, 1),
    ):
        for size, year in cohorts.items():
            day = date(year + offset, month, day_of_month)
            with clock.frozen_at(day), transaction.atomic():
                status_lists_publish(today=day)  # as the previous day's run left them
            for attempt in ("first", "again"):
                result = _run(job, day)
                rows.append({**result, "cohort": size, "run": attempt})
    notices = _one_batch_of_notices(date(2031, 7, 1))
    _print_table(rows)
    print(
        f"after commit: one batch of {notices['batch']} holder emails + agency alerts in "
        f"{notices['seconds']:.2f} s ({notices['queries']} queries)"
    )
    ok = True
    for job in ("certifications_suspend", "certifications_terminate"):
        first = [r for r in rows if r["job"] == job and r["run"] == "first"]
        again = [r for r in rows if r["job"] == job and r["run"] == "again"]
        ok &= len({r["queries"] for r in first}) == 1
        ok &= all(r["rows"] == r["cohort"] for r in first)
        ok &= all(r["rows"] == 0 for r in again)
    write_report("suspension", {"rows": rows, "notice_batch": notices, "ok": ok})
    print("RESULT:", "OK (constant query count, re-runs write nothing)" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
