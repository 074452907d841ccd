"""Certification's periodic jobs (listed in `lms/celery.py`): thin, take an optional `today`,
safe to run twice."""

from datetime import date

from celery import shared_task
from django.db import transaction

from certification.services.alerts import agency_digest_send, certification_calendar_alerts_send
from certification.services.calendar import (
    calendar_notices_send,
    certifications_suspend,
    certifications_terminate,
    renewal_reminders_send,
)
from certification.services.credentials import status_lists_publish
from lms import clock


def _day(today: str | None) -> date:
    return date.fromisoformat(today) if today else clock.today()


@shared_task
def agency_digest_task(today: str | None = None) -> int:
    """Weekly: each agency's digest of renewals due by Jun 30 and suspensions."""
    return agency_digest_send(today=date.fromisoformat(today) if today else clock.today())


@shared_task
def status_lists_publish_task(today: str | None = None) -> list[str]:
    """Daily: re-sign the suspension and revocation lists whose bits changed by the calendar
    alone (a certificate not renewed becomes suspended on Jul 1)."""
    day = date.fromisoformat(today) if today else clock.today()
    with transaction.atomic():
        return status_lists_publish(today=day)


@shared_task
def certification_calendar_alerts_task(today: str | None = None) -> int:
    """Daily: agencies are told of certificates the calendar suspended or terminated."""
    day = date.fromisoformat(today) if today else clock.today()
    return certification_calendar_alerts_send(today=day)


@shared_task
def certifications_suspend_task(today: str | None = None) -> int:
    """Daily (matters from Jul 1): suspend the certifications not renewed by Jun 30."""
    return len(certifications_suspend(today=_day(today)))


@shared_task
def certifications_terminate_task(today: str | None = None) -> int:
    """Daily (matters from Jan 1): terminate the certifications not renewed last year."""
    return len(certifications_terminate(today=_day(today)))


@shared_task
def renewal_reminders_task(today: str | None = None) -> int:
    """Daily: the holders' renewal reminders due today (Jan 1; 30, 7, 1 days before Jun 30;
    a week before Dec 30), once each."""
    return renewal_reminders_send(today=_day(today))


# acks_late: a worker that dies mid-batch leaves it to be redelivered.
@shared_task(acks_late=True, reject_on_worker_lost=True)
def calendar_notices_task(notice: str, certification_ids: list[int], today: str) -> int:
    """After a calendar job commits: the holder emails (and agency alerts) of one batch."""
    return calendar_notices_send(
        notice=notice, certification_ids=certification_ids, today=date.fromisoformat(today)
    )
