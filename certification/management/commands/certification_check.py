"""`manage.py certification_check [--date YYYY-MM-DD]`: the history checker. Prints each
impossible state found and exits non-zero when there is any."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from certification.selectors.invariants import certification_invariant_problems
from lms import clock


class Command(BaseCommand):
    help = "Find impossible certification states (exit status 1 when any is found)."

    def add_arguments(self, parser):
        parser.add_argument("--date", dest="day", help="check as of this day (YYYY-MM-DD)")

    def handle(self, *args, **options):
        try:
            day = date.fromisoformat(options["day"]) if options["day"] else clock.today()
        except ValueError:
            raise CommandError("--date must be a date written YYYY-MM-DD.") from None
        problems = certification_invariant_problems(today=day)
        for problem in problems:
            self.stdout.write(f"- {problem}")
        if problems:
            raise CommandError(f"{len(problems)} problem(s) found as of {day.isoformat()}.")
        self.stdout.write(self.style.SUCCESS(f"No problems found as of {day.isoformat()}."))
