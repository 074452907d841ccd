"""Big PowerPoint decks are imported by a Celery task, with a time limit, while the editor
watches a status page. Small ones are imported in the request (`lesson_import_pptx`).

`deck_import_start` refuses what the package checks refuse (fast: nothing is parsed) before
anything is stored; `deck_import_run` (the task's one call) reads the deck, reporting each slide,
and ends the import as done (with its draft lesson) or failed (with the reason), never half-way.
"""

from __future__ import annotations

import uuid
from typing import IO

from celery.exceptions import SoftTimeLimitExceeded
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import storages
from django.db import transaction

from courses.models import DeckImport, DeckImportStatus, LessonPage, ModulePage
from courses.pptx_import.lesson import lesson_import_pptx
from courses.pptx_import.package import check_deck_package
from courses.pptx_limits import DeckLimits, deck_limits
from courses.pptx_report import DeckReport
from lms import clock
from lms.services import audit_record

TIMED_OUT_MESSAGE = (
    "Reading this presentation took longer than %(seconds)s seconds, so it was stopped and "
    "nothing was imported. Split it into smaller decks and import them one by one."
)


def deck_import_start(*, file: IO[bytes], module: ModulePage, user, title: str = "") -> DeckImport:
    """Check the deck's package, store it privately and queue its import (after commit).

    Raises `PermissionDenied` when `user` may not add lessons to `module`, and
    `ValidationError` when the package checks refuse the file (nothing is stored then)."""
    if not module.permissions_for_user(user).can_add_subpage():
        raise PermissionDenied("You may not add lessons to this module.")
    check_deck_package(file)
    file.seek(0)
    storage_name = storages["private"].save(f"imports/{uuid.uuid4().hex}.pptx", file)
    with transaction.atomic():
        deck_import = DeckImport.objects.create(
            user=user,
            module=module,
            title=title or "",
            file_name=(getattr(file, "name", "") or "deck.pptx")[:255],
            storage_name=storage_name,
        )
        audit_record(
            actor=user, verb="deck_import.queued", obj=deck_import, to_state=deck_import.status
        )
        transaction.on_commit(lambda: _enqueue(deck_import.pk))
    return deck_import


def deck_preview_store(*, file: IO[bytes]) -> str:
    """Keep an uploaded deck privately while its editor reads the import report; returns the
    stored name (`deck_preview_import` uses it, then removes the file)."""
    file.seek(0)
    return storages["private"].save(f"imports/preview-{uuid.uuid4().hex}.pptx", file)


def deck_preview_import(
    *, storage_name: str, file_name: str, module: ModulePage, user, title: str = ""
) -> LessonPage:
    """Import a deck kept by `deck_preview_store` as a draft lesson (see `lesson_import_pptx`),
    and remove the stored file whatever happens. Raises as `lesson_import_pptx` does, and
    `ValidationError` when the stored deck is gone."""
    storage = storages["private"]
    try:
        with storage.open(storage_name, "rb") as file:
            file.name = file_name
            return lesson_import_pptx(file=file, module=module, user=user, title=title or None)
    except FileNotFoundError as exc:
        raise ValidationError("The uploaded deck is gone: upload it again.") from exc
    finally:
        storage.delete(storage_name)


def _enqueue(pk: int) -> None:
    from courses.tasks import deck_import_task

    deck_import_task.delay(pk)


def deck_import_run(pk: int, *, limits: DeckLimits | None = None) -> DeckImport:
    """Import the queued deck `pk`; a no-op unless it is still queued (safe to run twice).

    Always ends the import as done or failed and removes the stored deck; a refusal or the
    task's soft time limit leaves no lesson, image or file behind."""
    deck_import = _transition(pk, DeckImportStatus.QUEUED, DeckImportStatus.RUNNING)
    if deck_import is None:
        return DeckImport.objects.get(pk=pk)
    limits = limits or deck_limits()
    report = DeckReport()
    try:
        with storages["private"].open(deck_import.storage_name, "rb") as file:
            file.name = deck_import.file_name
            lesson = lesson_import_pptx(
                report=report,
                file=file,
                module=deck_import.module,
                user=deck_import.user,
                title=deck_import.title or None,
                limits=limits,
                progress=lambda done, total: _progress(pk, done, total),
            )
    except SoftTimeLimitExceeded:
        message = TIMED_OUT_MESSAGE % {"seconds": limits.time_limit_seconds}
        return _finish(deck_import, DeckImportStatus.FAILED, error=message)
    except (ValidationError, PermissionDenied) as refusal:
        message = " ".join(getattr(refusal, "messages", None) or [str(refusal)])
        return _finish(deck_import, DeckImportStatus.FAILED, error=message)
    except FileNotFoundError:
        return _finish(deck_import, DeckImportStatus.FAILED, error="The uploaded deck is gone.")
    DeckImport.objects.filter(pk=pk).update(report=report.as_dict())
    return _finish(deck_import, DeckImportStatus.DONE, lesson=lesson)


def _progress(pk: int, done: int, total: int) -> None:
    DeckImport.objects.filter(pk=pk).update(slides_done=done, slides_total=total)


def _transition(pk: int, source: str, target: str, **fields) -> DeckImport | None:
    """Move import `pk` from `source` to `target` (with `fields`), audited; None if it was not
    in `source` (already moved on)."""
    with transaction.atomic():
        deck_import = DeckImport.objects.select_for_update().get(pk=pk)
        if deck_import.status != source:
            return None
        deck_import.status = target
        for name, value in fields.items():
            setattr(deck_import, name, value)
        deck_import.save()
        audit_record(
            actor=None,
            verb=f"deck_import.{target}",
            obj=deck_import,
            from_state=source,
            to_state=target,
            reason=fields.get("error", "")[:500],
        )
    return deck_import


def _finish(
    running: DeckImport, status: str, *, error: str = "", lesson: LessonPage | None = None
) -> DeckImport:
    """End a running import as `status` and remove its stored deck."""
    finished = _transition(
        running.pk,
        DeckImportStatus.RUNNING,
        status,
        error=error,
        lesson=lesson,
        finished_at=clock.now(),
        storage_name="",
    )
    if running.storage_name:
        storages["private"].delete(running.storage_name)
    return finished or DeckImport.objects.get(pk=running.pk)
