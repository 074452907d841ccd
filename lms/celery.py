"""The Celery app. Periodic jobs are listed here, in one place (beat_schedule).

`DAILY_JOBS` is the one list of daily jobs: beat runs each at its time, and
`manage.py daily --date YYYY-MM-DD` (certification, the top app) runs them all, in this order,
as of a date. Each daily task takes `today` (an ISO date) and is safe to run twice.
"""

import os
from dataclasses import dataclass

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.dev")

app = Celery("lms")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@dataclass(frozen=True)
class DailyJob:
    """One daily job: its beat name, its task (taking `today`), when beat runs it (Chicago
    time), and what its result counts (for `manage.py daily`'s report)."""

    name: str
    task: str
    hour: int
    minute: int
    counts: str
    day_of_week: str = "*"  # "mon": weekly, on that day

    def runs_on(self, weekday: int) -> bool:
        """Whether the job runs on a day (Monday = 0)."""
        return self.day_of_week == "*" or self.day_of_week == "mon" and weekday == 0


# In run order: the calendar's status changes first, so the lists and alerts after them see them.
DAILY_JOBS: tuple[DailyJob, ...] = (
    DailyJob(
        "certifications-suspend",
        "certification.tasks.certifications_suspend_task",
        0,
        1,
        "certifications suspended (not renewed by Jun 30)",
    ),
    DailyJob(
        "certifications-terminate",
        "certification.tasks.certifications_terminate_task",
        0,
        2,
        "certifications terminated (not renewed last year)",
    ),
    DailyJob(
        "certification-status-lists-publish",
        "certification.tasks.status_lists_publish_task",
        0,
        5,
        "status lists re-signed",
    ),
    DailyJob(
        "applications-expire",
        "enrollment.tasks.applications_expire_task",
        0,
        10,
        "applications expired",
    ),
    DailyJob(
        "certification-calendar-alerts",
        "certification.tasks.certification_calendar_alerts_task",
        0,
        20,
        "agency alerts of calendar changes",
    ),
    DailyJob(
        "agency-weekly-digest",
        "certification.tasks.agency_digest_task",
        6,
        30,
        "agency digests sent",
        day_of_week="mon",
    ),
    DailyJob(
        "application-expiry-reminders",
        "enrollment.tasks.application_reminders_task",
        7,
        0,
        "application expiry reminders",
    ),
    DailyJob(
        "renewal-reminders",
        "certification.tasks.renewal_reminders_task",
        7,
        5,
        "renewal reminders",
    ),
    DailyJob(
        "classroom-reminders",
        "enrollment.classroom_tasks.registration_reminders_task",
        7,
        15,
        "classroom reminders",
    ),
)

# Every periodic job of the platform. django-celery-beat's DatabaseScheduler copies these into
# the database, where staff can see them in the Django admin.
app.conf.beat_schedule = {
    **{
        job.name: {
            "task": job.task,
            "schedule": crontab(hour=job.hour, minute=job.minute, day_of_week=job.day_of_week),
        }
        for job in DAILY_JOBS
    },
    # Not daily: these run every few minutes on the moment (`now`), not on a date.
    "payments-expire-stale": {
        "task": "payments.tasks.payments_expire_stale",
        "schedule": crontab(minute="*/15"),
    },
    "waitlist-offers": {
        "task": "enrollment.classroom_tasks.waitlist_offers_expire_task",
        "schedule": crontab(minute="*/10"),
    },
    "exam-attempts-close-overdue": {
        "task": "exams.tasks.attempts_close_overdue_task",
        "schedule": 60.0,
    },
    "deck-imports-expire": {
        "task": "courses.tasks.deck_imports_expire_task",
        "schedule": crontab(minute=40),
    },
    "emails-resend-unsent": {
        "task": "lms.tasks.email_outbox_sweep",
        "schedule": 60.0,
        "options": {"expires": 55},  # a sweep that waited a whole minute is superseded
    },
}
