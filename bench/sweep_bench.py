"""The periodic sweeps at scale: 100,000 applications, each sweep timed and its queries counted.

Not a test. It needs a PostgreSQL database it may fill (`make bench` gives it a durable
throwaway one):

    .venv/bin/python tests/pg_cluster.py --durable -- .venv/bin/python bench/sweep_bench.py \
        [--applications 100000] [--bookings 1000] [--attempts 500]

Seeds (in SQL, a minute or so): N open applications whose last days are spread evenly over the
next six months (a day's worth already expired), the expiry reminders they have had by today
(the steady state: only those crossing 60, 30 or 7 days today are due), `--bookings` confirmed
bookings of sessions in the next three days (and as many later ones, not due), and `--attempts`
overdue exam attempts of 40 answered items. Then runs each sweep once (the day's work) and again
(nothing left to do), timing each and counting its SQL statements; writes var/bench/sweeps.json
and prints a table. Target: each sweep at most 10 s.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.report import write_report  # noqa: E402


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--applications", type=int, default=100_000)
    parser.add_argument("--bookings", type=int, default=1000)
    parser.add_argument("--attempts", type=int, default=1000)
    return parser.parse_args()


def _setup() -> None:
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        sys.exit("Set DATABASE_URL to a PostgreSQL database (tests/pg_cluster.py gives one).")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.bench")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    if "LMS_VAR_DIR" not in os.environ:
        import tempfile

        os.environ["LMS_VAR_DIR"] = tempfile.mkdtemp(prefix="sweep-bench-")
    import django

    django.setup()


def _columns(model, skip: set[str]) -> list[str]:
    return [f.column for f in model._meta.concrete_fields if f.column not in skip]


def _seed(args, today):
    """Applications, reminders, bookings and overdue attempts, in a few INSERT … SELECTs."""
    from django.db import connection, transaction

    from enrollment.models import Application, ApplicationReminder, ClassroomSession
    from lms.models import User
    from tests.factories.enrollment import ApplicationFactory

    n = args.applications
    template = ApplicationFactory(status="approved", submitted_on=today, expires_on=today)
    user_cols = _columns(User, {"id", "email"})
    app_cols = _columns(Application, {"id", "user_id", "expires_on", "submitted_on", "status"})
    q = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO {q(User._meta.db_table)} (email, {', '.join(map(q, user_cols))}) "
            f"SELECT 'sweep-' || g || '@bench.invalid', "
            f"{', '.join('u.' + q(c) for c in user_cols)} "
            f"FROM generate_series(1, %s) g, {q(User._meta.db_table)} u WHERE u.id = %s",
            [n, template.user_id],
        )
        # last days spread over -1 … 179 days from today (a day's worth already expired)
        cur.execute(
            f"INSERT INTO {q(Application._meta.db_table)} "
            f"(user_id, expires_on, submitted_on, status, {', '.join(map(q, app_cols))}) "
            f"SELECT u.id, %s::date + ((u.id %% 181) - 1)::int, %s::date - 1, 'approved', "
            f"{', '.join('t.' + q(c) for c in app_cols)} "
            f"FROM {q(User._meta.db_table)} u, {q(Application._meta.db_table)} t "
            f"WHERE u.email LIKE 'sweep-%%' AND t.id = %s",
            [today, today, template.pk],
        )
        # the steady state: the reminders every application has already had
        for threshold in (60, 30, 7):
            cur.execute(
                f"INSERT INTO {q(ApplicationReminder._meta.db_table)} "
                "(application_id, days_left, sent_on) "
                f"SELECT id, %s, %s::date - 1 FROM {q(Application._meta.db_table)} "
                "WHERE expires_on >= %s::date AND expires_on < %s::date + %s::int",
                [threshold, today, today, today, threshold],
            )
    sessions = [
        ClassroomSession.objects.create(
            day=1 + i % 4,
            date=today + timedelta(days=1 + i % 6),  # days 1–3 are due, 4–6 not yet
            start_time="09:00",
            end_time="16:00",
            venue="ODMHSAS Training Center",
            address="2000 N Classen Blvd, Oklahoma City, OK",
            capacity=2000,
        )
        for i in range(12)
    ]
    _bookings(sessions, 2 * args.bookings)
    _attempts(args.attempts, today)


def _bookings(sessions, count) -> None:
    from enrollment.models import Application, Registration

    apps = list(
        Application.objects.filter(user__email__startswith="sweep-", expires_on__gt="2000-01-01")
        .order_by("-expires_on")
        .values_list("pk", flat=True)[:count]
    )
    Registration.objects.bulk_create(
        (
            Registration(application_id=pk, session=s, day=s.day, fee_exempt=True)
            for pk, s in zip(
                apps, (sessions[i % len(sessions)] for i in range(count)), strict=False
            )
        ),
        batch_size=5000,
    )


def _attempts(count, today) -> None:
    from enrollment.models import Application
    from exams.demo import seed_exam_bank
    from exams.models import AttemptItem, ExamAttempt, ExamDefinition, ExamItem
    from lms import clock

    seed_exam_bank()
    definition = ExamDefinition.objects.filter(is_active=True).first()
    items = list(ExamItem.objects.filter(status="active")[:40])
    start = clock.now() - timedelta(hours=5)
    apps = Application.objects.filter(user__email__startswith="sweep-").order_by(
        "-expires_on", "pk"
    )
    attempts = ExamAttempt.objects.bulk_create(
        ExamAttempt(
            user_id=user_id,
            application_id=pk,
            definition=definition,
            started_at=start,
            time_limit_minutes=120,
            deadline_at=start + timedelta(hours=2),
            pass_mark_percent=75,
            feedback="score",
        )
        for pk, user_id in apps.values_list("pk", "user_id")[:count]
    )
    options = [{"key": f"k{i}", "text": f"Option {i}", "src": i} for i in range(4)]
    AttemptItem.objects.bulk_create(
        (
            AttemptItem(
                attempt=attempt,
                position=position,
                item=item,
                topic_id=item.topic_id,
                kind=item.kind,
                prompt=item.prompt,
                options=options,
                correct_keys=["k0"],
                response=["k0" if (attempt.pk + position) % 3 else "k1"],
            )
            for attempt in attempts
            for position, item in enumerate(items)
        ),
        batch_size=5000,
    )


def _timed(name: str, fn, rows_of) -> dict:
    from django.db import connection

    count = [0]

    def counter(execute, sql, params, many, context):
        count[0] += 1
        return execute(sql, params, many, context)

    began = time.perf_counter()
    with connection.execute_wrapper(counter):
        result = fn()
    seconds = time.perf_counter() - began
    return {
        "name": name,
        "rows": rows_of(result),
        "seconds": round(seconds, 3),
        "queries": count[0],
    }


def _statistics() -> dict:
    """The exam statistics page's work (every item's measures and the score chart's data)."""
    from exams.models import ExamAttempt, ExamDefinition
    from exams.stats import histogram, item_statistics, score_percents

    definition = ExamDefinition.objects.filter(is_active=True).first()

    def page():
        return item_statistics(definition=definition), histogram(score_percents(definition))

    page()  # warm (as a second visit)
    timed = _timed("exam statistics", page, lambda result: len(result[0]))
    graded = ExamAttempt.objects.filter(definition=definition, status="submitted").count()
    return {**timed, "attempts": graded}


def main() -> int:
    args = _args()
    _setup()
    from django.core.management import call_command

    from enrollment.services.expiry import application_reminders_send, applications_expire
    from enrollment.services.sessions import registration_reminders_send
    from exams.services.attempts import attempts_close_overdue
    from lms import clock

    call_command("migrate", interactive=False, verbosity=0)
    today, now = clock.today(), clock.now()
    print(f"seeding {args.applications:,} applications…", flush=True)
    began = time.perf_counter()
    _seed(args, today)
    print(f"seeded in {time.perf_counter() - began:.0f} s", flush=True)
    sweeps = []
    for label in ("", " (again: nothing due)"):
        sweeps += [
            _timed(
                "expiry reminders" + label,
                lambda: application_reminders_send(today=today),
                lambda sent: sent,
            ),
            _timed("expiry" + label, lambda: applications_expire(today=today), len),
            _timed(
                "classroom reminders" + label,
                lambda: registration_reminders_send(today=today),
                lambda sent: sent,
            ),
            _timed(
                "overdue attempts (a run closes up to 500)" + label,
                lambda: attempts_close_overdue(now=now),
                lambda closed: closed,
            ),
        ]
        if not label:
            while attempts_close_overdue(now=now):  # the backlog beyond 500, for the statistics
                pass
    print(f"\nSweeps at {args.applications:,} applications")
    print(f"  {'sweep':<42} {'rows':>7} {'seconds':>8} {'queries':>8}")
    for sweep in sweeps:
        print(
            f"  {sweep['name']:<42} {sweep['rows']:>7,} {sweep['seconds']:>8.2f} "
            f"{sweep['queries']:>8}"
        )
    stats = _statistics()
    print(
        f"  exam statistics page ({stats['attempts']:,} graded attempts): "
        f"{stats['seconds'] * 1000:.0f} ms, {stats['queries']} queries"
    )
    ok = all(s["seconds"] <= 10 for s in sweeps) and stats["seconds"] <= 0.3
    write_report(
        "sweeps",
        {"applications": args.applications, "sweeps": sweeps, "statistics": stats, "ok": ok},
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
