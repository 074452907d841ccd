"""Certification's periodic jobs (listed in `lms/celery.py`): thin, take an optional `today`."""

from datetime import date

from celery import shared_task

from certification.services.alerts import agency_digest_send
from lms import clock


@shared_task
def agency_digest_task(today: str | None = None) -> int:
    """Weekly: each agency's digest of renewals due by Jun 30 and suspensions."""
    return agency_digest_send(today=date.fromisoformat(today) if today else clock.today())
