"""`manage.py daily [--date YYYY-MM-DD]`: every app's daily job as of a date, for back-fills
and drills. The list is `lms.celery.DAILY_JOBS`, the same one beat runs; certification is the
top app, so its command may call every app's task."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from lms import clock
from lms.celery import DAILY_JOBS, DailyJob, app


def _parse_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--date must be a date written YYYY-MM-DD, not “{value}”.") from None


def _describe(job: DailyJob, result: object) -> str:
    if isinstance(result, list | tuple | set):
        names = f" ({', '.join(map(str, result))})" if result else ""
        return f"{len(result)} {job.counts}{names}"
    return f"{result} {job.counts}"


class Command(BaseCommand):
    help = (
        "Run every daily job of every app as of a date (default: today in Chicago), in the "
        "order beat runs them; one line per job. Safe to run twice: the second run sends and "
        "writes nothing new."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", dest="day", help="the day to run as (YYYY-MM-DD)")

    def handle(self, *args, **options):
        day = _parse_date(options["day"]) if options["day"] else clock.today()
        self.stdout.write(f"Daily jobs as of {day.isoformat()}:")
        app.loader.import_default_modules()  # every app's tasks registered (autodiscovery is lazy)
        for job in DAILY_JOBS:
            if not job.runs_on(day.weekday()):
                self.stdout.write(f"  {job.name}: not run (only on {job.day_of_week})")
                continue
            task = app.tasks[job.task]  # by the name beat schedules, wherever its module lives
            result = task(today=day.isoformat())  # in this process, not through the broker
            self.stdout.write(f"  {job.name}: {_describe(job, result)}")
