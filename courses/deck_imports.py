"""Big PowerPoint decks are imported in two phases by Celery tasks, with a time limit, while the
editor watches a status page. Small ones are read in the request and saved on confirmation
(`deck_preview_store`, `deck_preview_import`).

`deck_import_start` refuses what the package checks refuse (fast: nothing is parsed) before
anything is stored; `deck_import_run` (the first task's one call) reads the deck, reporting each
slide, and keeps the import report for the editor (nothing is saved yet); the editor confirms
(`deck_import_confirm`) or cancels (`deck_import_cancel`); `deck_import_save` (the second task's
one call) builds the draft lesson from the kept deck. A read left unconfirmed for
`READ_KEPT_FOR` is cancelled by `deck_imports_expire` (periodic). Every change is audited; an
import ends done (with its draft lesson), failed (with the reason) or cancelled, never half-way.

Measured with a 48-slide deck of pictures (21 MB, one 1280×720 JPEG per slide, two shared
cores): reading takes 0.25 s, building the lesson 2.5 s (storing 48 Wagtail images), more on
object storage and up to 300 slides: too long for a request, so saving is a second task.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import IO

from celery.exceptions import SoftTimeLimitExceeded
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import storages
from django.db import transaction

from courses.models import DeckImport, DeckImportStatus, LessonPage, ModulePage
from courses.pptx_import.lesson import lesson_import_pptx
from courses.pptx_import.package import check_deck_package
from courses.pptx_import.slides import deck_read
from courses.pptx_limits import DeckLimits, deck_limits
from courses.pptx_report import DeckReport
from lms import clock
from lms.services import audit_record

TIMED_OUT_MESSAGE = (
    "Reading this presentation took longer than %(seconds)s seconds, so it was stopped and "
    "nothing was imported. Split it into smaller decks and import them one by one."
)
EXPIRED_MESSAGE = "Not confirmed within a day, so the uploaded deck was removed: upload it again."
READ_KEPT_FOR = timedelta(days=1)
_REFUSALS = (SoftTimeLimitExceeded, ValidationError, PermissionDenied, FileNotFoundError)
_CONFIRMED_OR_LATER = (DeckImportStatus.CONFIRMED, DeckImportStatus.SAVING, DeckImportStatus.DONE)


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


def _enqueue_save(pk: int) -> None:
    from courses.tasks import deck_import_save_task

    deck_import_save_task.delay(pk)


def deck_import_run(pk: int, *, limits: DeckLimits | None = None) -> DeckImport:
    """Read the queued deck `pk` and keep its import report for the editor to confirm; a no-op
    unless it is still queued (safe to run twice). Nothing but the report is saved.

    Ends the read as `read` (the deck stays stored) or as failed (the deck is removed); a
    refusal or the task's soft time limit leaves no lesson, image or file behind."""
    deck_import = _transition(pk, DeckImportStatus.QUEUED, DeckImportStatus.RUNNING)
    if deck_import is None:
        return DeckImport.objects.get(pk=pk)
    limits = limits or deck_limits()
    report = DeckReport()
    try:
        with _stored_deck(deck_import) as file:
            deck_read(file, limits=limits, progress=lambda d, t: _progress(pk, d, t), report=report)
    except _REFUSALS as refusal:
        return _finish(deck_import, DeckImportStatus.FAILED, error=_reason(refusal, limits))
    read = _transition(
        pk,
        DeckImportStatus.RUNNING,
        DeckImportStatus.READ,
        report=report.as_dict(),
        read_at=clock.now(),
    )
    return read or DeckImport.objects.get(pk=pk)


def deck_import_confirm(*, deck_import: DeckImport, user) -> DeckImport:
    """The editor confirms the import report of a read deck: queue the saving of its draft
    lesson (after commit). A no-op when already confirmed, saving or done, so a double click or
    a second tab saves one lesson.

    Raises `PermissionDenied` when `user` may no longer add lessons to the module, and
    `ValidationError` when the import is not waiting for confirmation (refused, cancelled)."""
    with transaction.atomic():
        locked = DeckImport.objects.select_for_update().get(pk=deck_import.pk)
        if locked.status in _CONFIRMED_OR_LATER:
            return locked
        if locked.status != DeckImportStatus.READ:
            raise ValidationError(
                "This import can no longer be saved (%(status)s): upload the deck again.",
                params={"status": locked.get_status_display().lower()},
            )
        if not locked.module.permissions_for_user(user).can_add_subpage():
            raise PermissionDenied("You may not add lessons to this module.")
        confirmed = _transition(
            locked.pk,
            DeckImportStatus.READ,
            DeckImportStatus.CONFIRMED,
            actor=user,
            slides_done=0,
        )
        transaction.on_commit(lambda: _enqueue_save(locked.pk))
    return confirmed


def deck_import_save(pk: int, *, limits: DeckLimits | None = None) -> DeckImport:
    """Build the draft lesson of the confirmed import `pk` from its kept deck; a no-op unless
    it is still confirmed (safe to run twice: one lesson). Ends as done (with the lesson) or
    failed (nothing saved); the deck is removed either way."""
    deck_import = _transition(pk, DeckImportStatus.CONFIRMED, DeckImportStatus.SAVING)
    if deck_import is None:
        return DeckImport.objects.get(pk=pk)
    limits = limits or deck_limits()
    try:
        with _stored_deck(deck_import) as file:
            lesson = lesson_import_pptx(
                file=file,
                module=deck_import.module,
                user=deck_import.user,
                title=deck_import.title or None,
                limits=limits,
                progress=lambda done, total: _progress(pk, done, total),
            )
    except _REFUSALS as refusal:
        return _finish(deck_import, DeckImportStatus.FAILED, error=_reason(refusal, limits))
    return _finish(deck_import, DeckImportStatus.DONE, lesson=lesson)


def deck_import_cancel(*, deck_import: DeckImport, user) -> DeckImport:
    """The editor cancels a read import: its stored deck and report are removed, nothing is
    saved. A no-op when already cancelled. Raises `ValidationError` when it is not waiting for
    confirmation (a task is at work on it, or it has ended)."""
    with transaction.atomic():
        locked = DeckImport.objects.select_for_update().get(pk=deck_import.pk)
        if locked.status == DeckImportStatus.CANCELLED:
            return locked
        if locked.status != DeckImportStatus.READ:
            raise ValidationError(
                "This import can no longer be cancelled (%(status)s).",
                params={"status": locked.get_status_display().lower()},
            )
        cancelled = _cancel(locked, actor=user)
    return cancelled


def deck_imports_expire(*, now: datetime) -> int:
    """Cancel every import read more than `READ_KEPT_FOR` before `now` and never confirmed,
    removing its stored deck; returns how many. Safe to run twice."""
    stale = DeckImport.objects.filter(
        status=DeckImportStatus.READ, read_at__lt=now - READ_KEPT_FOR
    ).values_list("pk", flat=True)
    expired = 0
    for pk in stale:
        with transaction.atomic():
            locked = DeckImport.objects.select_for_update().get(pk=pk)
            if locked.status == DeckImportStatus.READ:  # not confirmed meanwhile
                _cancel(locked, actor=None, error=EXPIRED_MESSAGE)
                expired += 1
    return expired


def deck_previews_expire(*, now: datetime) -> int:
    """Remove the small decks kept for a report (`deck_preview_store`) that their editor left
    more than `READ_KEPT_FOR` before `now` without confirming; returns how many. Only the
    editor's browser session names such a file, so nothing else would ever remove it."""
    storage = storages["private"]
    try:
        _, names = storage.listdir("imports")
    except FileNotFoundError:  # nothing was ever kept
        return 0
    removed = 0
    for name in names:
        path = f"imports/{name}"
        if not name.startswith("preview-"):
            continue
        try:
            if storage.get_modified_time(path) < now - READ_KEPT_FOR:
                storage.delete(path)
                removed += 1
        except FileNotFoundError:  # confirmed (and so removed) meanwhile
            continue
    return removed


def _cancel(locked: DeckImport, *, actor, error: str = "") -> DeckImport:
    """Cancel the read import `locked` (its row locked by the caller) and remove its stored
    deck and report once the cancellation commits."""
    storage_name = locked.storage_name
    cancelled = _transition(
        locked.pk,
        DeckImportStatus.READ,
        DeckImportStatus.CANCELLED,
        actor=actor,
        error=error,
        report={},
        finished_at=clock.now(),
        storage_name="",
    )
    if storage_name:
        transaction.on_commit(lambda: storages["private"].delete(storage_name))
    return cancelled


@contextmanager
def _stored_deck(deck_import: DeckImport) -> Iterator[IO[bytes]]:
    with storages["private"].open(deck_import.storage_name, "rb") as file:
        file.name = deck_import.file_name
        yield file


def _reason(refusal: BaseException, limits: DeckLimits) -> str:
    if isinstance(refusal, SoftTimeLimitExceeded):
        return TIMED_OUT_MESSAGE % {"seconds": limits.time_limit_seconds}
    if isinstance(refusal, FileNotFoundError):
        return "The uploaded deck is gone."
    return " ".join(getattr(refusal, "messages", None) or [str(refusal)])


def _progress(pk: int, done: int, total: int) -> None:
    DeckImport.objects.filter(pk=pk).update(slides_done=done, slides_total=total)


def _transition(pk: int, source: str, target: str, *, actor=None, **fields) -> DeckImport | None:
    """Move import `pk` from `source` to `target` (with `fields`), audited as done by `actor`
    (None: the system); None if it was not in `source` (already moved on)."""
    with transaction.atomic():
        deck_import = DeckImport.objects.select_for_update().get(pk=pk)
        if deck_import.status != source:
            return None
        deck_import.status = target
        for name, value in fields.items():
            setattr(deck_import, name, value)
        deck_import.save()
        audit_record(
            actor=actor,
            verb=f"deck_import.{target}",
            obj=deck_import,
            from_state=source,
            to_state=target,
            reason=fields.get("error", "")[:500],
        )
    return deck_import


def _finish(
    working: DeckImport, status: str, *, error: str = "", lesson: LessonPage | None = None
) -> DeckImport:
    """End a running or saving import as `status` and remove its stored deck."""
    finished = _transition(
        working.pk,
        working.status,
        status,
        error=error,
        lesson=lesson,
        finished_at=clock.now(),
        storage_name="",
    )
    if working.storage_name:
        storages["private"].delete(working.storage_name)
    return finished or DeckImport.objects.get(pk=working.pk)
