"""PowerPoint export: a lesson, or everything taught on a classroom day, as a .pptx deck.

A deck starts with a title slide. Then each `heading` starts a slide (its text, callouts, videos
and handouts become bullets, its pictures are placed on the slide), each `slide` block becomes a
slide of its own and each knowledge check a "Check your understanding" slide whose speaker notes
hold the answers. A `slide` block is written exactly as `courses.pptx_import.slides` reads it
back: the "Title and Content" layout (title placeholder + one body placeholder, one paragraph per
bullet at its level) and the notes in the notes slide.
"""

import io
import logging
import math
from dataclasses import dataclass, field
from html.parser import HTMLParser

from PIL import Image as PILImage
from pptx import Presentation
from pptx.enum.text import MSO_AUTO_SIZE
from pptx.presentation import Presentation as PresentationType
from pptx.slide import Slide
from pptx.util import Emu
from wagtail.images.models import AbstractImage
from wagtail.rich_text import RichText

from courses.models import CoursePage, LessonPage, ModulePage

logger = logging.getLogger(__name__)

PPTX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
CLASSROOM_DAYS = (1, 2, 3, 4)
CHECK_TITLE = "Check your understanding"
MAX_PICTURE_SIDE = 2400  # pixels; bigger pictures are scaled down to keep decks small
_PPTX_FORMATS = {"PNG", "JPEG", "GIF", "BMP", "TIFF"}
_CALLOUT_LABELS = {"key": "Key point", "caution": "Caution", "example": "Example"}
_GAP = Emu(91440)  # 0.1 inch between pictures and text

# The default template's layouts (python-pptx ships PowerPoint's blank 4:3 template).
_TITLE_LAYOUT = "Title Slide"
_CONTENT_LAYOUT = "Title and Content"
_SECTION_LAYOUT = "Section Header"


@dataclass(frozen=True)
class DayLesson:
    course: CoursePage
    module: ModulePage
    lesson: LessonPage


def classroom_day_lesson_list(day: int) -> list[DayLesson]:
    """The live lessons of live modules of live courses that prepare for classroom `day`, in
    the page tree's order."""
    courses = [
        c
        for c in CoursePage.objects.live().order_by("path")
        if str(day) in {str(d) for d in c.classroom_days or []}
    ]
    result = []
    for course in courses:
        modules = {m.path: m for m in ModulePage.objects.live().child_of(course)}
        lessons = LessonPage.objects.live().descendant_of(course).order_by("path")
        for lesson in lessons:
            module = modules.get(lesson.path[: -LessonPage.steplen])
            if module is not None:
                result.append(DayLesson(course=course, module=module, lesson=lesson))
    return result


def lesson_export_pptx(lesson: LessonPage) -> bytes:
    """The lesson as a deck: a title slide (lesson title, course and module), then its content.

    Exports the lesson as given (pass `lesson.get_latest_revision_as_object()` for a draft)."""
    deck = _Deck()
    module = lesson.get_parent().specific
    course = module.get_parent().specific
    deck.title_slide(lesson.title, [course.title, module.title])
    _add_lesson(deck, lesson)
    return deck.to_bytes()


def classroom_day_export_pptx(day: int) -> bytes:
    """Everything taught on classroom `day`: a title slide naming the courses, then for each
    live lesson (see `classroom_day_lesson_list`) a section slide followed by its content."""
    entries = classroom_day_lesson_list(day)
    deck = _Deck()
    courses = list(dict.fromkeys(entry.course.title for entry in entries))
    deck.title_slide(f"Classroom day {day}", courses or ["No published lessons yet"])
    for entry in entries:
        deck.section_slide(entry.lesson.title, f"{entry.course.title} · {entry.module.title}")
        _add_lesson(deck, entry.lesson)
    return deck.to_bytes()


@dataclass
class _Section:
    title: str
    lines: list[tuple[str, int]] = field(default_factory=list)
    pictures: list[tuple[AbstractImage, str]] = field(default_factory=list)  # (image, alt)
    from_heading: bool = True  # else it gathers blocks with no heading of their own

    def add_to(self, deck: "_Deck") -> None:
        if self.from_heading or self.lines or self.pictures:
            deck.content_slide(self.title, self.lines, self.pictures)


def _add_lesson(deck: "_Deck", lesson: LessonPage) -> None:
    section: _Section | None = None
    last_title = lesson.title
    for child in lesson.body:
        kind, value = child.block_type, child.value
        if kind in ("heading", "slide", "knowledge_check") and section is not None:
            section.add_to(deck)
            section = None
        if kind == "heading":
            last_title = value["text"]
            section = _Section(last_title)
        elif kind == "slide":
            pictures = [(image, image.default_alt_text) for image in value["images"] if image]
            deck.content_slide(
                value["title"] or "",
                [(b["text"], b["level"]) for b in value["bullets"]],
                pictures,
                notes=value["notes"] or "",
                tables=[
                    [list(row) for row in table["rows"]] for table in value.get("tables") or []
                ],
            )
        elif kind == "knowledge_check":
            deck.content_slide(value["title"] or CHECK_TITLE, *_check_content(value))
        else:
            section = section or _Section(last_title, from_heading=False)
            _add_to_section(section, kind, value)
    if section is not None:
        section.add_to(deck)


def _add_to_section(section: _Section, kind: str, value) -> None:
    if kind == "text":
        section.lines.extend(rich_text_lines(value))
    elif kind == "callout":
        lines = rich_text_lines(value["text"])
        if lines:
            label = _CALLOUT_LABELS.get(value["kind"], "Note")
            lines[0] = (f"{label}: {lines[0][0]}", lines[0][1])
        section.lines.extend(lines)
    elif kind == "image" and value["image"]:
        section.pictures.append((value["image"], value["alt_text"]))
    elif kind == "video" and value["video"]:
        section.lines.append((f"Video: {value['video'].url}", 0))
    elif kind == "document" and value["document"]:
        section.lines.append((f"Handout: {value['label'] or value['document'].title}", 0))


def _check_content(value) -> tuple[list[tuple[str, int]], list, str]:
    """A knowledge check's questions and options (no answer marked) and the answers as notes."""
    lines, answers = [], ["Answers (for the trainer):"]
    for number, question in enumerate(value["questions"], start=1):
        lines.append((f"{number}. {question['prompt']}", 0))
        lines.extend((option["text"], 1) for option in question["options"])
        correct = [option["text"] for option in question["options"] if option["correct"]]
        answers.append(f"{number}. {question['prompt']} — {'; '.join(correct) or 'no answer set'}")
    return lines, [], "\n".join(answers)


class _RichTextLines(HTMLParser):
    """Paragraphs, headings and list items of rich text as (plain text, level) lines."""

    _BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[tuple[str, int]] = []
        self._parts: list[str] = []
        self._list_depth = 0
        self._level = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("ul", "ol"):
            self._flush()
            self._list_depth += 1
        elif tag in self._BLOCKS:
            self._flush()
            self._level = max(self._list_depth - 1, 0) if tag == "li" else 0
        elif tag == "br":
            self._parts.append(" ")

    def handle_endtag(self, tag):
        if tag in ("ul", "ol"):
            self._flush()
            self._list_depth = max(self._list_depth - 1, 0)
        elif tag in self._BLOCKS:
            self._flush()

    def handle_data(self, data):
        self._parts.append(data)

    def close(self):
        super().close()
        self._flush()

    def _flush(self):
        text = " ".join("".join(self._parts).split())
        if text:
            self.lines.append((text, min(self._level, 4)))
        self._parts = []


def rich_text_lines(value: RichText | str) -> list[tuple[str, int]]:
    """Rich text as plain-text lines with list nesting levels (0 for paragraphs and top-level
    list items)."""
    parser = _RichTextLines()
    parser.feed(value.source if isinstance(value, RichText) else str(value or ""))
    parser.close()
    return parser.lines


class _Deck:
    def __init__(self) -> None:
        self.presentation: PresentationType = Presentation()
        self._layouts = {layout.name: layout for layout in self.presentation.slide_layouts}

    def to_bytes(self) -> bytes:
        output = io.BytesIO()
        self.presentation.save(output)
        return output.getvalue()

    def title_slide(self, title: str, subtitle_lines: list[str]) -> None:
        slide = self._add(_TITLE_LAYOUT, title)
        slide.placeholders[1].text_frame.text = "\n".join(subtitle_lines)

    def section_slide(self, title: str, text: str) -> None:
        slide = self._add(_SECTION_LAYOUT, title)
        slide.placeholders[1].text_frame.text = text

    def content_slide(
        self,
        title: str,
        bullets: list[tuple[str, int]],
        pictures: list[tuple[AbstractImage, str]],
        notes: str = "",
        tables: list[list[list[str]]] | None = None,
    ) -> None:
        slide = self._add(_CONTENT_LAYOUT, title)
        body = slide.placeholders[1]
        box = (body.left, body.top, body.width, body.height)
        tables = [rows for rows in tables or [] if rows and max(len(r) for r in rows)]
        if tables:  # the tables take the lower half of the body, or all of it
            left, top, width, height = box
            share = height // 2 if bullets or pictures else height
            _place_tables(slide, tables, (left, top + height - share, width, share))
            if bullets or pictures:
                body.left, body.top, body.width, body.height = left, top, width, height - share
            box = (left, top, width, height - share)
        bullets = [(text.strip(), level) for text, level in bullets if text.strip()]
        if bullets:
            _write_bullets(body.text_frame, bullets)
        else:
            # An empty placeholder would read back as nothing anyway; pictures get its room.
            body._element.getparent().remove(body._element)
        streams = [s for s in (_picture_stream(image, alt) for image, alt in pictures) if s]
        if streams:
            left, top, width, height = box
            if bullets:
                # All four, or PowerPoint reads a partial override as zero height.
                body.left, body.top, body.width, body.height = left, top, width // 2 - _GAP, height
                left, width = left + width // 2 + _GAP, width // 2 - _GAP
            _place_pictures(slide, streams, (left, top, width, height))
        notes = notes.replace("\r\n", "\n").replace("\r", "\n").strip()
        if notes:
            slide.notes_slide.notes_text_frame.text = notes

    def _add(self, layout_name: str, title: str) -> Slide:
        slide = self.presentation.slides.add_slide(self._layouts[layout_name])
        slide.shapes.title.text_frame.text = title.replace("\n", " ").strip()
        return slide


def _place_tables(slide: Slide, tables: list[list[list[str]]], box) -> None:
    """Each table as a PowerPoint table, stacked within `box`, one cell per cell text."""
    left, top, width, height = box
    each = (height - _GAP * (len(tables) - 1)) // len(tables)
    for index, rows in enumerate(tables):
        columns = max(len(row) for row in rows)
        frame = slide.shapes.add_table(
            len(rows), columns, left, top + index * (each + _GAP), width, each
        )
        for r, row in enumerate(rows):
            for c in range(columns):
                frame.table.cell(r, c).text = row[c] if c < len(row) else ""


def _write_bullets(text_frame, bullets: list[tuple[str, int]]) -> None:
    text_frame.word_wrap = True
    # PowerPoint shrinks the text when a section has more than fits.
    text_frame.auto_size = MSO_AUTO_SIZE.TEXT_TO_FIT_SHAPE
    for index, (text, level) in enumerate(bullets):
        paragraph = text_frame.paragraphs[0] if index == 0 else text_frame.add_paragraph()
        paragraph.text = text
        paragraph.level = level


@dataclass(frozen=True)
class _PictureStream:
    data: bytes
    width: int  # pixels
    height: int
    alt: str


def _picture_stream(image: AbstractImage, alt: str) -> _PictureStream | None:
    """The picture's bytes in a format PowerPoint takes, or None when the file is unusable."""
    try:
        with image.open_file() as f:
            data = f.read()
        with PILImage.open(io.BytesIO(data)) as picture:
            width, height = picture.size
            if picture.format not in _PPTX_FORMATS or max(width, height) > MAX_PICTURE_SIDE:
                picture.thumbnail((MAX_PICTURE_SIDE, MAX_PICTURE_SIDE))
                width, height = picture.size
                output = io.BytesIO()
                picture.save(output, format="PNG")
                data = output.getvalue()
    except Exception:  # a missing file, an SVG, a picture Pillow cannot read
        logger.warning("Left picture #%s out of the deck", image.pk, exc_info=True)
        return None
    return _PictureStream(data=data, width=width, height=height, alt=alt or "")


def _place_pictures(slide: Slide, streams: list[_PictureStream], box) -> None:
    """Lay the pictures out in a grid within `box`, each scaled to fit its cell and centred."""
    left, top, width, height = box
    columns = math.ceil(math.sqrt(len(streams)))
    rows = math.ceil(len(streams) / columns)
    cell_w = (width - _GAP * (columns - 1)) // columns
    cell_h = (height - _GAP * (rows - 1)) // rows
    for index, stream in enumerate(streams):
        row, column = divmod(index, columns)
        scale = min(cell_w / stream.width, cell_h / stream.height)
        pic_w, pic_h = int(stream.width * scale), int(stream.height * scale)
        x = left + column * (cell_w + _GAP) + (cell_w - pic_w) // 2
        y = top + row * (cell_h + _GAP) + (cell_h - pic_h) // 2
        picture = slide.shapes.add_picture(io.BytesIO(stream.data), x, y, pic_w, pic_h)
        picture._element.nvPicPr.cNvPr.set("descr", stream.alt)  # alt text for screen readers
