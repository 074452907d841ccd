"""The Celery app. Periodic jobs are listed here, in one place (beat_schedule)."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.dev")

app = Celery("lms")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Every periodic job of the platform. django-celery-beat's DatabaseScheduler copies these into
# the database, where staff can see them in the Django admin.
app.conf.beat_schedule = {
    "certification-status-lists-publish": {
        "task": "certification.tasks.status_lists_publish_task",
        "schedule": crontab(hour=0, minute=5),
    },
    "applications-expire": {
        "task": "enrollment.tasks.applications_expire_task",
        "schedule": crontab(hour=0, minute=10),
    },
    "payments-expire-stale": {
        "task": "payments.tasks.payments_expire_stale",
        "schedule": crontab(minute="*/15"),
    },
    "classroom-reminders": {
        "task": "enrollment.classroom_tasks.registration_reminders_task",
        "schedule": crontab(hour=7, minute=15),
    },
    "waitlist-offers": {
        "task": "enrollment.classroom_tasks.waitlist_offers_expire_task",
        "schedule": crontab(minute="*/10"),
    },
    "exam-attempts-close-overdue": {
        "task": "exams.tasks.attempts_close_overdue_task",
        "schedule": 60.0,
    },
    "emails-resend-unsent": {
        "task": "lms.tasks.email_outbox_sweep",
        "schedule": 60.0,
        "options": {"expires": 55},  # a sweep that waited a whole minute is superseded
    },
    "application-expiry-reminders": {
        "task": "enrollment.tasks.application_reminders_task",
        "schedule": crontab(hour=7, minute=0),
    },
    "certification-calendar-alerts": {
        "task": "certification.tasks.certification_calendar_alerts_task",
        "schedule": crontab(hour=0, minute=20),
    },
    "agency-weekly-digest": {
        "task": "certification.tasks.agency_digest_task",
        "schedule": crontab(day_of_week="mon", hour=6, minute=30),
    },
}
