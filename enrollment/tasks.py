from datetime import date

from celery import shared_task

from enrollment.services.expiry import application_reminders_send, applications_expire
from lms import clock


def _day(today: str | None) -> date:
    return date.fromisoformat(today) if today else clock.today()


@shared_task
def applications_expire_task(today: str | None = None) -> int:
    """Daily: expire overdue applications. `today` (ISO date) lets tests and back-fills set it."""
    return len(applications_expire(today=_day(today)))


@shared_task
def application_reminders_task(today: str | None = None) -> int:
    """Daily: expiry reminders at 60, 30 and 7 days left."""
    return application_reminders_send(today=_day(today))
