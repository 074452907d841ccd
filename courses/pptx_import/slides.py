"""Reading a deck's slides and shapes: what the importer keeps of each slide (and what
`courses.pptx_export` writes for a `slide` block, so that a round trip keeps it): the title
placeholder's text, one bullet per non-empty paragraph of the other text shapes with its indent
level, tables, SmartArt text, the speaker notes, and the pictures; and, in the import report,
what it left out and why.
"""

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO

from celery.exceptions import SoftTimeLimitExceeded
from django.core.exceptions import ValidationError
from PIL import Image as PILImage
from pptx import Presentation
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.shapes.base import BaseShape
from pptx.shapes.graphfrm import GraphicFrame
from pptx.shapes.group import GroupShape
from pptx.shapes.picture import Movie, Picture
from pptx.slide import Slide

from courses.pptx_import.package import package_check_file
from courses.pptx_limits import DeckBudget, DeckLimits, deck_limits
from courses.pptx_report import DeckReport, SlideReport
from courses.pptx_shapes import (
    TITLE_TYPES,
    is_smartart,
    media_kind,
    smartart_paragraphs,
    title_shape,
    title_text,
)

TITLE_MAX_LENGTH = 250  # SlideBlock.title
BULLET_MAX_LENGTH = 2000  # BulletBlock.text
BULLET_MAX_LEVEL = 4  # BulletBlock.level

# Footer-like placeholders repeat on every slide and are not part of its content.
_SKIPPED_TYPES = {
    PP_PLACEHOLDER.DATE,
    PP_PLACEHOLDER.FOOTER,
    PP_PLACEHOLDER.SLIDE_NUMBER,
    PP_PLACEHOLDER.HEADER,
}
_KEPT_FORMATS = {"png": "png", "jpg": "jpg", "gif": "gif"}  # stored as they are; others
# (BMP, TIFF, …) are converted to PNG when Pillow can draw them, else listed as not imported.


@dataclass(frozen=True)
class DeckPicture:
    blob: bytes
    ext: str  # png, jpg or gif
    alt: str = ""  # the picture's alt text (its "descr") in the deck


@dataclass(frozen=True)
class DeckSlide:
    """What a lesson keeps of one slide."""

    title: str
    bullets: list[tuple[str, int]] = field(default_factory=list)  # (text, level 0–4)
    notes: str = ""
    pictures: list[DeckPicture] = field(default_factory=list)
    tables: list[list[list[str]]] = field(default_factory=list)  # rows of cell texts


def deck_read(
    file: IO[bytes],
    *,
    limits: DeckLimits | None = None,
    progress: Callable[[int, int], None] | None = None,
    report: DeckReport | None = None,
) -> list[DeckSlide]:
    """Read a .pptx deck's slides, in order; hidden slides are left out.

    Before python-pptx parses anything, the zip is checked from its directory and then
    streamed with a bounded reader (`courses.pptx_limits`); while the slides are read, slides,
    shapes, bullets and text are counted against `limits` (default: the settings), and the
    deck is refused as soon as one is over. `progress(done, total)` is called after each slide.
    `report`, when given, is filled with what each slide kept and what was left out and why
    (hidden slides, pictures browsers cannot show, sound and video, unreadable shapes).

    Raises `ValidationError` when the file is larger than `MAX_UPLOAD_BYTES`, is over a limit,
    cannot be read (the message says why: not a zip, an old .ppt or encrypted file, a Word or
    Excel file, a broken presentation part), or has no slides.
    """
    limits = limits or deck_limits()
    report = report if report is not None else DeckReport()
    package_check_file(file, limits)
    budget = DeckBudget(limits)
    try:
        file.seek(0)
        presentation = Presentation(file)
    except (ValidationError, SoftTimeLimitExceeded):
        raise
    except Exception as exc:  # python-pptx raises many kinds of errors on a broken package
        raise ValidationError(
            "PowerPoint could open this file's package but not its presentation: %(reason)s. "
            "Open it in PowerPoint, save it again as .pptx, then upload it again.",
            code="invalid",
            params={"reason": _reason(exc)},
        ) from exc
    total = budget.slides(len(presentation.slides))
    slides = []
    for done, slide in enumerate(presentation.slides, start=1):
        slide_report = SlideReport(number=done)
        report.slides.append(slide_report)
        if slide._element.get("show") in ("0", "false"):
            slide_report.hidden = True
            slide_report.title = _one_line(title_text(slide))[:TITLE_MAX_LENGTH]
            slide_report.left_out.append("the slide is hidden in the deck, so it was left out.")
        else:
            slides.append(_read_slide(slide, budget, slide_report))
        if progress is not None:
            progress(done, total)
    if not slides:
        message = "This presentation has no slides."
        if report.slides:
            message = "Every slide of this presentation is hidden: there is nothing to import."
        raise ValidationError(message, code="empty")
    return slides


def _reason(exc: BaseException) -> str:
    detail = " ".join(str(exc).split())[:200]
    return f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__


def _read_slide(slide: Slide, budget: DeckBudget, report: SlideReport) -> DeckSlide:
    title_placeholder = title_shape(slide)
    placeholder = title_placeholder
    full_title = _one_line(placeholder.text_frame.text) if placeholder is not None else ""
    budget.text(full_title)
    title = full_title[:TITLE_MAX_LENGTH]
    if len(full_title) > TITLE_MAX_LENGTH:
        report.left_out.append(
            f"the title is {len(full_title):,} characters long; it was cut to "
            f"{TITLE_MAX_LENGTH} (the rest is the first paragraph)."
        )
    content = _SlideContent()
    if title != full_title:
        content.bullets.extend(_bullets(full_title, 0, report))
    for shape in _shapes(slide.shapes):
        budget.shape()
        try:
            _read_shape(shape, title_placeholder, budget, content, report)
        except (ValidationError, SoftTimeLimitExceeded):
            raise
        except Exception as exc:  # one broken shape does not cost the deck
            report.left_out.append(f"a shape (“{shape.name}”) could not be read: {_reason(exc)}.")
    notes = ""
    if slide.has_notes_slide and slide.notes_slide.notes_text_frame is not None:
        notes = budget.text(_normalize_notes(slide.notes_slide.notes_text_frame.text))
    report.title = title
    report.kept = _kept(title, content, notes)
    return DeckSlide(
        title=title,
        bullets=content.bullets,
        notes=notes,
        pictures=content.pictures,
        tables=content.tables,
    )


@dataclass
class _SlideContent:
    bullets: list[tuple[str, int]] = field(default_factory=list)
    pictures: list[DeckPicture] = field(default_factory=list)
    tables: list[list[list[str]]] = field(default_factory=list)
    smartart: int = 0  # paragraphs that came from SmartArt


def _read_shape(shape, title_shape, budget, content: _SlideContent, report) -> None:
    if isinstance(shape, Movie) or media_kind(shape):
        kind = "video" if isinstance(shape, Movie) else media_kind(shape)
        report.left_out.append(
            f"a {kind} clip (“{shape.name}”) was not imported; lessons take videos as "
            "links (add a video block)."
        )
    elif isinstance(shape, Picture):
        picture = _read_picture(shape, report)
        if picture is not None:
            content.pictures.append(picture)
    elif isinstance(shape, GraphicFrame) and shape.has_table:
        rows = [
            [budget.text(_one_line(cell.text)) for cell in row.cells] for row in shape.table.rows
        ]
        content.tables.append(rows)
    elif isinstance(shape, GraphicFrame) and is_smartart(shape):
        for text, level in smartart_paragraphs(shape, BULLET_MAX_LEVEL):
            budget.bullet()
            content.bullets.append((budget.text(text), level))
            content.smartart += 1
    elif shape.has_text_frame and not _is_title_or_footer(shape, title_shape):
        for paragraph in shape.text_frame.paragraphs:
            text = budget.text(_one_line(paragraph.text))
            if text:
                budget.bullet()
                content.bullets.extend(_bullets(text, paragraph.level, report))


def _bullets(text: str, level: int, report: SlideReport) -> list[tuple[str, int]]:
    """A paragraph as bullets; one longer than a bullet holds is split between words (or
    anywhere, for a word that long), never cut."""
    level = min(level, BULLET_MAX_LEVEL)
    if len(text) <= BULLET_MAX_LENGTH:
        return [(text, level)]
    report.left_out.append(
        f"a paragraph of {len(text):,} characters was split into bullets of at most "
        f"{BULLET_MAX_LENGTH:,} (nothing was cut)."
    )
    pieces, rest = [], text
    while len(rest) > BULLET_MAX_LENGTH:
        cut = rest.rfind(" ", 0, BULLET_MAX_LENGTH + 1)
        cut = cut if cut > 0 else BULLET_MAX_LENGTH
        pieces.append(rest[:cut].strip())
        rest = rest[cut:].strip()
    return [(piece, level) for piece in [*pieces, rest] if piece]


def _kept(title: str, content: _SlideContent, notes: str) -> list[str]:
    kept = ["the title"] if title else []
    paragraphs = len(content.bullets) - content.smartart
    for count, noun in (
        (paragraphs, "paragraph"),
        (content.smartart, "SmartArt item"),
        (len(content.tables), "table"),
        (len(content.pictures), "picture"),
    ):
        if count:
            kept.append(f"{count} {noun}{'s' if count != 1 else ''}")
    if notes:
        kept.append("the speaker notes")
    return kept


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
    return shape.placeholder_format.type in TITLE_TYPES | _SKIPPED_TYPES


def _read_picture(shape: Picture, report: SlideReport) -> DeckPicture | None:
    alt = " ".join((shape._element.nvPicPr.cNvPr.get("descr") or "").split())
    try:
        image = shape.image
    except SoftTimeLimitExceeded:
        raise
    except Exception:  # a linked picture: the deck holds only its address
        report.left_out.append(
            f"a picture (“{shape.name}”) is linked, not embedded, so it was not imported."
        )
        return None
    ext = image.ext
    if ext in _KEPT_FORMATS:
        return DeckPicture(blob=image.blob, ext=_KEPT_FORMATS[ext], alt=alt)
    try:
        return DeckPicture(blob=_as_png(image.blob), ext="png", alt=alt)
    except SoftTimeLimitExceeded:
        raise
    except Exception:  # Pillow cannot draw WMF/EMF away from Windows
        report.left_out.append(
            f"a {ext.upper()} picture (“{shape.name}”{f', “{alt}”' if alt else ''}) was not "
            f"imported: browsers cannot show {ext.upper()} pictures and it could not be "
            "converted. Save it as PNG in PowerPoint and add it to the lesson."
        )
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
