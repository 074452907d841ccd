from datetime import datetime

from celery import shared_task

from exams.services.attempts import attempts_close_overdue


@shared_task
def attempts_close_overdue_task(now: str | None = None) -> int:
    """Every minute: submit attempts left open past their deadline (plus grace) on the answers
    they saved. `now` (ISO datetime with offset) lets tests and back-fills set the clock."""
    return attempts_close_overdue(now=datetime.fromisoformat(now) if now else None)
