"""PowerPoint import: a .pptx deck becomes a draft lesson made of `slide` blocks.

What the importer reads from each slide (and what `courses.pptx_export` writes for a `slide`
block, so that a round trip keeps it): the title placeholder's text, one bullet per non-empty
paragraph of the other text shapes with its indent level, the speaker notes, and the pictures.
"""

import hashlib
import io
import logging
import uuid
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from celery.exceptions import SoftTimeLimitExceeded
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.images import ImageFile
from django.db import transaction
from django.utils.text import slugify
from PIL import Image as PILImage
from pptx import Presentation
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.shapes.base import BaseShape
from pptx.shapes.group import GroupShape
from pptx.shapes.picture import Picture
from pptx.slide import Slide
from wagtail.images import get_image_model
from wagtail.images.models import AbstractImage

from courses.models import LessonPage, ModulePage
from courses.pptx_limits import (
    DeckBudget,
    DeckLimits,
    deck_limits,
    package_check,
    package_open,
    package_stream_check,
)

logger = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
TITLE_MAX_LENGTH = 250  # SlideBlock.title
BULLET_MAX_LENGTH = 500  # BulletBlock.text
BULLET_MAX_LEVEL = 4  # BulletBlock.level
LESSON_TITLE_MAX_LENGTH = 255  # Page.title

_TITLE_TYPES = {PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE, PP_PLACEHOLDER.VERTICAL_TITLE}
# Footer-like placeholders repeat on every slide and are not part of its content.
_SKIPPED_TYPES = {
    PP_PLACEHOLDER.DATE,
    PP_PLACEHOLDER.FOOTER,
    PP_PLACEHOLDER.SLIDE_NUMBER,
    PP_PLACEHOLDER.HEADER,
}
_KEPT_FORMATS = {"png": "png", "jpg": "jpg", "gif": "gif"}  # stored as they are
_CONVERTED_FORMATS = {"bmp", "tiff"}  # Wagtail does not take these: stored as PNG

NOT_A_DECK_MESSAGE = (
    "This file is not a PowerPoint presentation (.pptx). Open it in PowerPoint and save it as "
    "“PowerPoint Presentation (.pptx)”, then upload it again."
)


@dataclass(frozen=True)
class DeckPicture:
    blob: bytes
    ext: str  # png, jpg or gif


@dataclass(frozen=True)
class DeckSlide:
    """What a lesson keeps of one slide."""

    title: str
    bullets: list[tuple[str, int]] = field(default_factory=list)  # (text, level 0–4)
    notes: str = ""
    pictures: list[DeckPicture] = field(default_factory=list)


def deck_read(
    file: IO[bytes],
    *,
    limits: DeckLimits | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[DeckSlide]:
    """Read a .pptx deck's slides, in order.

    Before python-pptx parses anything, the zip is checked from its directory and then
    streamed with a bounded reader (`courses.pptx_limits`); while the slides are read, slides,
    shapes, bullets and text are counted against `limits` (default: the settings), and the
    deck is refused as soon as one is over. `progress(done, total)` is called after each slide.

    Raises `ValidationError` when the file is larger than `MAX_UPLOAD_BYTES`, is over a limit,
    is not a .pptx presentation (whatever its name says), or has no slides. Pictures in
    formats Wagtail cannot store (WMF/EMF, linked pictures) are left out and logged.
    """
    limits = limits or deck_limits()
    _check_package(file, limits)
    budget = DeckBudget(limits)
    try:
        file.seek(0)
        presentation = Presentation(file)
        total = budget.slides(len(presentation.slides))
        slides = []
        for done, slide in enumerate(presentation.slides, start=1):
            slides.append(_read_slide(slide, budget))
            if progress is not None:
                progress(done, total)
    except (ValidationError, SoftTimeLimitExceeded):  # a refusal, or the task's time is up
        raise
    except Exception as exc:  # python-pptx raises many kinds of errors on a broken package
        raise ValidationError(NOT_A_DECK_MESSAGE, code="invalid") from exc
    if not slides:
        raise ValidationError("This presentation has no slides.", code="empty")
    return slides


def check_deck_package(file: IO[bytes], limits: DeckLimits | None = None) -> None:
    """The checks `deck_read` makes before parsing (size, zip directory, bounded streaming),
    alone: fast, and nothing is parsed. Raises `ValidationError` as `deck_read` does."""
    _check_package(file, limits or deck_limits())
    file.seek(0)


def deck_needs_task(file: IO[bytes], limits: DeckLimits | None = None) -> bool:
    """Whether the deck is big enough to be imported by a Celery task rather than in the
    request: its directory claims more than `limits.async_bytes` (nothing is inflated)."""
    limits = limits or deck_limits()
    try:
        with package_open(file) as package:
            return sum(info.file_size for info in package.infolist()) > limits.async_bytes
    except (zipfile.BadZipFile, OSError, ValueError):
        return False  # not a zip: the import refuses it at once, in the request
    finally:
        file.seek(0)


def lesson_import_pptx(
    *,
    file: IO[bytes],
    module: ModulePage,
    user,
    title: str | None = None,
    limits: DeckLimits | None = None,
    progress: Callable[[int, int], None] | None = None,
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
    slides = deck_read(file, limits=limits, progress=progress)
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


def _file_size(file: IO[bytes]) -> int:
    size = getattr(file, "size", None)
    if size is not None:
        return size
    file.seek(0, io.SEEK_END)
    return file.tell()


def _check_package(file: IO[bytes], limits: DeckLimits) -> None:
    size = _file_size(file)
    if size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            "This file is %(size)s MB; decks of up to %(limit)s MB can be imported. Compress its "
            "pictures in PowerPoint (File › Compress Pictures) and try again.",
            code="too_large",
            params={"size": round(size / 1024 / 1024, 1), "limit": MAX_UPLOAD_BYTES // 1024**2},
        )
    try:
        with package_open(file) as package:
            package_check(package, limits)
            package_stream_check(file, package)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ValidationError(NOT_A_DECK_MESSAGE, code="invalid") from exc


def _read_slide(slide: Slide, budget: DeckBudget) -> DeckSlide:
    title_shape = slide.shapes.title
    title = _one_line(title_shape.text_frame.text) if title_shape is not None else ""
    budget.text(title)
    bullets: list[tuple[str, int]] = []
    pictures: list[DeckPicture] = []
    for shape in _shapes(slide.shapes):
        budget.shape()
        if isinstance(shape, Picture):
            picture = _read_picture(shape)
            if picture is not None:
                pictures.append(picture)
        elif shape.has_text_frame and not _is_title_or_footer(shape, title_shape):
            for paragraph in shape.text_frame.paragraphs:
                text = budget.text(_one_line(paragraph.text)[:BULLET_MAX_LENGTH])
                if text:
                    budget.bullet()
                    bullets.append((text, min(paragraph.level, BULLET_MAX_LEVEL)))
    notes = ""
    if slide.has_notes_slide and slide.notes_slide.notes_text_frame is not None:
        notes = budget.text(_normalize_notes(slide.notes_slide.notes_text_frame.text))
    return DeckSlide(
        title=title[:TITLE_MAX_LENGTH], bullets=bullets, notes=notes, pictures=pictures
    )


def _shapes(shapes) -> Iterator[BaseShape]:
    """Every shape of a slide, the shapes inside groups included, in the slide's order."""
    for shape in shapes:
        if isinstance(shape, GroupShape):
            yield from _shapes(shape.shapes)
        else:
            yield shape


def _is_title_or_footer(shape: BaseShape, title_shape: BaseShape | None) -> bool:
    if title_shape is not None and shape.shape_id == title_shape.shape_id:
        return True
    if not shape.is_placeholder:
        return False
    return shape.placeholder_format.type in _TITLE_TYPES | _SKIPPED_TYPES


def _read_picture(shape: Picture) -> DeckPicture | None:
    try:
        image = shape.image
        ext = image.ext
        if ext in _KEPT_FORMATS:
            return DeckPicture(blob=image.blob, ext=_KEPT_FORMATS[ext])
        if ext in _CONVERTED_FORMATS:
            return DeckPicture(blob=_as_png(image.blob), ext="png")
    except SoftTimeLimitExceeded:
        raise
    except Exception:  # linked or unreadable pictures, formats Pillow does not know
        logger.warning("Skipped an unreadable picture %r", shape.name, exc_info=True)
        return None
    logger.warning("Skipped picture %r: %s pictures cannot be stored", shape.name, ext)
    return None


def _as_png(blob: bytes) -> bytes:
    output = io.BytesIO()
    with PILImage.open(io.BytesIO(blob)) as picture:
        picture.save(output, format="PNG")
    return output.getvalue()


def _one_line(text: str) -> str:
    # "\v" is how python-pptx reports a line break inside a paragraph.
    return text.replace("\v", " ").replace("\n", " ").strip()


def _normalize_notes(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\v", "\n").strip()


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
            "notes": slide.notes,
        },
    }
