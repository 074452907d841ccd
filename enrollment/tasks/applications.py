"""Daily application jobs (listed in `lms/celery.py` beat_schedule). Each task keeps the name it
was first scheduled under (`name=`): django-celery-beat stores that name in the database."""

from datetime import date

from celery import shared_task

from enrollment.services.expiry import application_reminders_send, applications_expire
from lms import clock


def _day(today: str | None) -> date:
    return date.fromisoformat(today) if today else clock.today()


@shared_task(name="enrollment.tasks.applications_expire_task")
def applications_expire_task(today: str | None = None) -> int:
    """Daily: expire overdue applications. `today` (ISO date) lets tests and back-fills set it."""
    return len(applications_expire(today=_day(today)))


@shared_task(name="enrollment.tasks.application_reminders_task")
def application_reminders_task(today: str | None = None) -> int:
    """Daily: expiry reminders at 60, 30 and 7 days left."""
    return application_reminders_send(today=_day(today))
