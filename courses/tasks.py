"""Celery tasks of the training content: thin, by id, safe to run twice."""

from celery import shared_task

from courses.deck_imports import deck_import_run
from courses.pptx_limits import deck_limits

_LIMITS = deck_limits()


@shared_task(
    soft_time_limit=_LIMITS.time_limit_seconds,
    time_limit=_LIMITS.time_limit_seconds + 30,  # the hard kill, should the soft one not stop it
)
def deck_import_task(deck_import_id: int) -> str:
    """Import one queued PowerPoint deck (`courses.deck_imports.deck_import_run`); a soft time
    limit stops a deck that takes too long, and the import ends as failed with that reason."""
    return deck_import_run(deck_import_id).status
