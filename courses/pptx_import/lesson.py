"""Building the draft lesson from a deck's slides: pictures stored as Wagtail images (each
distinct one once), one `slide` block per slide, a free slug, all or nothing."""

import hashlib
import io
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import IO

from django.core.exceptions import PermissionDenied
from django.core.files.images import ImageFile
from django.db import transaction
from django.utils.text import slugify
from wagtail.images import get_image_model
from wagtail.images.models import AbstractImage

from courses.models import LessonPage, ModulePage
from courses.pptx_import.slides import DeckSlide, deck_read
from courses.pptx_limits import DeckLimits
from courses.pptx_report import DeckReport

LESSON_TITLE_MAX_LENGTH = 255  # Page.title


def lesson_import_pptx(
    *,
    file: IO[bytes],
    module: ModulePage,
    user,
    title: str | None = None,
    limits: DeckLimits | None = None,
    progress: Callable[[int, int], None] | None = None,
    report: DeckReport | None = None,
) -> LessonPage:
    """Create a draft lesson under `module` with one `slide` block per slide of the deck.

    The lesson is never published here; its title is `title`, else the first slide's title,
    else the file's name. Pictures become Wagtail images in the root collection (a picture used
    on several slides is stored once). All or nothing: on any failure no page, no image row and
    no image file is left behind.

    Raises `PermissionDenied` when `user` may not add pages under `module`, and `ValidationError`
    (see `deck_read`) when the file is refused.
    """
    if not module.permissions_for_user(user).can_add_subpage():
        raise PermissionDenied("You may not add lessons to this module.")
    slides = deck_read(file, limits=limits, progress=progress, report=report)
    lesson_title = _lesson_title(title, slides, getattr(file, "name", "") or "")
    saved: list[AbstractImage] = []
    try:
        with transaction.atomic():
            image_ids = _save_pictures(slides, lesson_title, user, saved)
            lesson = LessonPage(
                title=lesson_title,
                slug=_free_slug(module, lesson_title),
                owner=user,
                live=False,
                body=[
                    _slide_block(slide, ids) for slide, ids in zip(slides, image_ids, strict=True)
                ],
            )
            module.add_child(instance=lesson)
            lesson.save_revision(user=user, log_action=True)
    except BaseException:
        # The rows are rolled back, but files written to storage are not.
        for image in saved:
            image.file.storage.delete(image.file.name)
        raise
    return lesson


def _lesson_title(title: str | None, slides: list[DeckSlide], file_name: str) -> str:
    candidates = [
        title or "",
        slides[0].title,
        Path(file_name).stem.replace("_", " "),
        "Imported lesson",
    ]
    chosen = next(c for c in (" ".join(c.split()) for c in candidates) if c)
    return chosen[:LESSON_TITLE_MAX_LENGTH]


def _free_slug(module: ModulePage, title: str) -> str:
    base = slugify(title, allow_unicode=True)[:240].strip("-") or "lesson"
    taken = set(module.get_children().values_list("slug", flat=True))
    slug, suffix = base, 1
    while slug in taken:
        suffix += 1
        slug = f"{base}-{suffix}"
    return slug


def _save_pictures(
    slides: list[DeckSlide], lesson_title: str, user, saved: list[AbstractImage]
) -> list[list[int]]:
    """Store each distinct picture once; return the image ids of each slide, in order."""
    Image = get_image_model()
    by_blob: dict[bytes, int] = {}
    stem = slugify(lesson_title)[:40] or "slide"
    result = []
    for number, slide in enumerate(slides, start=1):
        ids = []
        for index, picture in enumerate(slide.pictures, start=1):
            if picture.blob not in by_blob:
                image = Image(
                    title=f"{lesson_title[:200]} — slide {number}",
                    description=picture.alt[:255],  # Wagtail's alt text
                    file=ImageFile(
                        io.BytesIO(picture.blob), name=f"{stem}-{number}-{index}.{picture.ext}"
                    ),
                    uploaded_by_user=user,
                    # As Wagtail's own upload form sets them (duplicate detection uses the hash).
                    file_size=len(picture.blob),
                    file_hash=hashlib.sha1(picture.blob, usedforsecurity=False).hexdigest(),
                )
                image.save()
                saved.append(image)
                by_blob[picture.blob] = image.pk
            ids.append(by_blob[picture.blob])
        result.append(ids)
    return result


def _slide_block(slide: DeckSlide, image_ids: list[int]) -> dict:
    return {
        "type": "slide",
        "id": str(uuid.uuid4()),
        "value": {
            "title": slide.title,
            "bullets": [{"text": text, "level": level} for text, level in slide.bullets],
            "images": image_ids,
            "tables": [{"rows": rows, "header": True} for rows in slide.tables],
            "notes": slide.notes,
        },
    }
