"""Periodic classroom jobs (listed in `lms/celery.py` beat_schedule). Thin: each calls one
service, takes an optional moment for tests and back-fills, and is safe to run twice. Each keeps
the name it was first scheduled under (`name=`): django-celery-beat stores it in the database."""

from datetime import date, datetime

from celery import shared_task

from enrollment.services.sessions import registration_reminders_send
from enrollment.services.waitlist import waitlist_offers_expire
from lms import clock


@shared_task(name="enrollment.classroom_tasks.registration_reminders_task")
def registration_reminders_task(today: str | None = None) -> int:
    """Daily: remind bookings of sessions in the next `session_reminder_days` days, once each.
    `today`: an ISO date."""
    return registration_reminders_send(today=date.fromisoformat(today) if today else clock.today())


@shared_task(name="enrollment.classroom_tasks.waitlist_offers_expire_task")
def waitlist_offers_expire_task(now: str | None = None) -> int:
    """Every few minutes: lapse unclaimed waitlist offers and pass the seats on.
    `now`: an ISO datetime with its offset."""
    return waitlist_offers_expire(now=datetime.fromisoformat(now) if now else clock.now())
