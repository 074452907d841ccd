"""Celery tasks of the training content: thin, by id, safe to run twice."""

from datetime import datetime

from celery import shared_task

from courses.deck_imports import (
    deck_import_run,
    deck_import_save,
    deck_imports_expire,
    deck_previews_expire,
)
from courses.pptx_limits import deck_limits
from lms import clock

_LIMITS = deck_limits()
_TIME_LIMITS = {
    "soft_time_limit": _LIMITS.time_limit_seconds,
    "time_limit": _LIMITS.time_limit_seconds + 30,  # the hard kill, should the soft one not stop it
}


@shared_task(**_TIME_LIMITS)
def deck_import_task(deck_import_id: int) -> str:
    """Read one queued PowerPoint deck and keep its import report for the editor to confirm
    (`courses.deck_imports.deck_import_run`); a soft time limit stops a deck that takes too
    long, and the import ends as failed with that reason."""
    return deck_import_run(deck_import_id).status


@shared_task(**_TIME_LIMITS)
def deck_import_save_task(deck_import_id: int) -> str:
    """Save the draft lesson of one confirmed deck import (`deck_imports.deck_import_save`),
    under the same time limits."""
    return deck_import_save(deck_import_id).status


@shared_task
def deck_imports_expire_task(now: str | datetime | None = None) -> int:
    """Hourly: cancel deck imports read a day ago and never confirmed, removing their decks, and
    remove small-deck previews left as long; returns how many imports were cancelled. `now` (ISO
    or datetime) lets tests and back-fills set the moment; safe to run twice."""
    if isinstance(now, str):
        now = datetime.fromisoformat(now)
    now = now or clock.now()
    deck_previews_expire(now=now)
    return deck_imports_expire(now=now)
