from datetime import datetime

from celery import shared_task

from lms import clock
from payments import services


@shared_task
def payments_expire_stale(now: str | datetime | None = None) -> int:
    """Every 15 minutes: expire checkouts left unpaid. `now` (ISO or datetime) lets tests and
    back-fills set the moment; safe to run twice."""
    if isinstance(now, str):
        now = datetime.fromisoformat(now)
    return len(services.payments_expire_stale(now=now or clock.now()))
