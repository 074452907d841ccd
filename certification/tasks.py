"""Certification tasks: thin, take an optional `today`, safe to run twice."""

from datetime import date

from celery import shared_task
from django.db import transaction

from certification.services.credentials import status_lists_publish
from lms import clock


@shared_task
def status_lists_publish_task(today: str | None = None) -> list[str]:
    """Daily: re-sign the suspension and revocation lists whose bits changed by the calendar
    alone (a certificate not renewed becomes suspended on Jul 1)."""
    day = date.fromisoformat(today) if today else clock.today()
    with transaction.atomic():
        return status_lists_publish(today=day)
