"""Certification's periodic jobs (listed in `lms/celery.py`): thin, take an optional `today`,
safe to run twice."""

from datetime import date

from celery import shared_task
from django.db import transaction

from certification.services.alerts import agency_digest_send, certification_calendar_alerts_send
from certification.services.credentials import status_lists_publish
from lms import clock


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
