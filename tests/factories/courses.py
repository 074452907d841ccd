"""Builders for the courses tests: decks built with python-pptx, small PNGs made with Pillow,
training pages one at a time, and a small curriculum (Training → two courses → modules →
lessons) whose lesson bodies carry sentences that appear nowhere else."""

import io
import json
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from django.core.files.images import ImageFile
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PILImage
from pptx import Presentation
from pptx.util import Inches
from wagtail.images import get_image_model

from courses.models import CoursePage, LessonPage, ModulePage, TrainingIndexPage
from courses.pptx_export import PPTX_CONTENT_TYPE
from lms.models import HomePage

# --- Decks, images and training pages ----------------------------------------------------------


def png_bytes(color=(200, 30, 30), size=(40, 30)) -> bytes:
    output = io.BytesIO()
    PILImage.new("RGB", size, color).save(output, format="PNG")
    return output.getvalue()


def deck_bytes(slides: list[dict]) -> bytes:
    """A deck of "Title and Content" slides: {title, bullets: [(text, level)], notes, pictures}."""
    presentation = Presentation()
    layout = presentation.slide_layouts[1]
    for spec in slides:
        slide = presentation.slides.add_slide(layout)
        slide.shapes.title.text = spec.get("title", "")
        body = slide.placeholders[1].text_frame
        for index, (text, level) in enumerate(spec.get("bullets", [])):
            paragraph = body.paragraphs[0] if index == 0 else body.add_paragraph()
            paragraph.text = text
            paragraph.level = level
        for picture in spec.get("pictures", []):
            slide.shapes.add_picture(io.BytesIO(picture), Inches(6), Inches(2), Inches(2))
        if spec.get("notes"):
            slide.notes_slide.notes_text_frame.text = spec["notes"]
    output = io.BytesIO()
    presentation.save(output)
    return output.getvalue()


def empty_deck_bytes() -> bytes:
    output = io.BytesIO()
    Presentation().save(output)
    return output.getvalue()


def docx_like_bytes() -> bytes:
    """A zip laid out like a Word document: a valid package, but not a presentation."""
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as package:
        package.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
            "</Types>",
        )
        package.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/officeDocument" Target="word/document.xml"/>'
            "</Relationships>",
        )
        package.writestr(
            "word/document.xml",
            '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.'
            'openxmlformats.org/wordprocessingml/2006/main"><w:body/></w:document>',
        )
    return output.getvalue()


def private_files(tmp_path: Path) -> list[Path]:
    """The files in private storage (the test settings keep it under `tmp_path`)."""
    root = tmp_path / "private"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def upload(data: bytes, name: str = "deck.pptx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=PPTX_CONTENT_TYPE)


def wagtail_image(title: str = "Chart", **kwargs):
    Image = get_image_model()
    return Image.objects.create(
        title=title, file=ImageFile(io.BytesIO(png_bytes(**kwargs)), name=f"{title}.png")
    )


def training_index() -> TrainingIndexPage:
    existing = TrainingIndexPage.objects.first()
    if existing is not None:
        return existing
    return HomePage.objects.first().add_child(instance=TrainingIndexPage(title="Training"))


def course(title: str = "Case Management I", days=(1, 2), live: bool = True) -> CoursePage:
    return training_index().add_child(
        instance=CoursePage(
            title=title,
            summary="What a case manager does, step by step.",
            tracks=["cm1"],
            classroom_days=list(days),
            live=live,
        )
    )


def module(parent: CoursePage, title: str = "Documentation") -> ModulePage:
    return parent.add_child(instance=ModulePage(title=title))


def lesson(parent: ModulePage, title: str, body=(), live: bool = True) -> LessonPage:
    return parent.add_child(instance=LessonPage(title=title, body=list(body), live=live))


def slide_block(title: str, bullets=(), images=(), notes: str = "") -> dict:
    return {
        "type": "slide",
        "value": {
            "title": title,
            "bullets": [{"text": text, "level": level} for text, level in bullets],
            "images": [image.pk for image in images],
            "notes": notes,
        },
    }


# --- A small curriculum: Training → two courses (cm1; cm2) → modules → lessons ---------------

KC_ID = "0b6f1f64-5d0e-4c43-9a52-3f3c1b7f0001"
BODY_A1 = "Every progress note answers who, what, when and why."
BODY_REHAB = "Psychosocial rehabilitation builds skills in the community."
FEEDBACK_RIGHT_0 = "Yes: a note without the date of service cannot be billed."
FEEDBACK_WRONG_0 = "No: the client's preferences belong in the service plan."
FEEDBACK_RIGHT_1 = "Right: fifteen minutes make one unit of T1017."
FEEDBACK_WRONG_1 = "Not so: a unit is fifteen minutes, not an hour."


def knowledge_check(title: str = "Check your understanding") -> dict:
    """Two questions; option 0 of the first and option 1 of the second are correct."""
    return {
        "title": title,
        "questions": [
            {
                "prompt": "What must every progress note show?",
                "options": [
                    {"text": "The date of service", "correct": True, "feedback": FEEDBACK_RIGHT_0},
                    {
                        "text": "The client's favourite colour",
                        "correct": False,
                        "feedback": FEEDBACK_WRONG_0,
                    },
                ],
            },
            {
                "prompt": "How long is one billing unit?",
                "options": [
                    {"text": "One hour", "correct": False, "feedback": FEEDBACK_WRONG_1},
                    {"text": "Fifteen minutes", "correct": True, "feedback": FEEDBACK_RIGHT_1},
                ],
            },
        ],
    }


def text(sentence: str) -> dict:
    return {"type": "text", "value": f"<p>{sentence}</p>"}


@dataclass
class Tree:
    index: TrainingIndexPage
    course: CoursePage  # cm1: modules a and b, two lessons each; a1 has the knowledge check
    module_a: ModulePage
    module_b: ModulePage
    a1: LessonPage
    a2: LessonPage
    b1: LessonPage
    b2: LessonPage
    other_course: CoursePage  # cm2 only
    other_lesson: LessonPage

    @property
    def lessons(self) -> list[LessonPage]:
        return [self.a1, self.a2, self.b1, self.b2]


def _add(parent, page):
    parent.add_child(instance=page)
    return page


def _lesson(module, title: str, slug: str, body: list[dict]) -> LessonPage:
    return _add(
        module,
        LessonPage(
            title=title, slug=slug, summary=f"About {title.lower()}.", body=json.dumps(body)
        ),
    )


def build_training_tree() -> Tree:
    home = HomePage.objects.first()
    index = _add(home, TrainingIndexPage(title="Web-based training", slug="training"))
    course = _add(
        index,
        CoursePage(
            title="Case management foundations",
            slug="foundations",
            summary="What a case manager does, documents and bills.",
            tracks=["cm1"],
            classroom_days=[1, 2],
            pass_mark=80,
        ),
    )
    module_a = _add(course, ModulePage(title="Documentation", slug="documentation"))
    module_b = _add(course, ModulePage(title="Billing", slug="billing"))
    a1 = _lesson(
        module_a,
        "Progress notes",
        "progress-notes",
        [
            {"type": "heading", "value": {"text": "Why notes matter"}},
            text(BODY_A1),
            {"type": "knowledge_check", "value": knowledge_check(), "id": KC_ID},
        ],
    )
    a2 = _lesson(module_a, "Service plans", "service-plans", [text("A plan names goals.")])
    b1 = _lesson(module_b, "Units of service", "units", [text("One unit is 15 minutes.")])
    b2 = _lesson(module_b, "What is not billable", "not-billable", [text("Travel is not.")])
    other_course = _add(
        index,
        CoursePage(
            title="Rehabilitation basics",
            slug="rehabilitation",
            summary="Skills training for CM II.",
            tracks=["cm2"],
            classroom_days=[3, 4],
        ),
    )
    other_module = _add(other_course, ModulePage(title="Rehab", slug="rehab"))
    other_lesson = _lesson(other_module, "Rehab in practice", "practice", [text(BODY_REHAB)])
    return Tree(index, course, module_a, module_b, a1, a2, b1, b2, other_course, other_lesson)


# --- Decks that would explode if inflated (zip bombs) --------------------------------------------

# Hostile PowerPoint decks, built in the test: the three of issue 9 and the zip pieces they need.

_MB = 1 << 20


def zeros_deflated(megabytes: int) -> bytes:
    """A raw deflate stream of `megabytes` MB of zero bytes, made without deflating them all:
    after a full flush the compressor's output for the same megabyte repeats exactly."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(bytes(_MB)) + compressor.flush(zlib.Z_FULL_FLUSH)
    return block * megabytes + compressor.flush()


def raw_zip(members: list[dict]) -> bytes:
    """A zip of `members`: dicts with `name`, `data` (raw deflate bytes), `size` (declared
    inflated size), `crc`, and optionally `offset` (point this directory entry at an earlier
    member's local header instead of writing a new one: overlapping entries)."""
    out = io.BytesIO()
    central = []
    written: dict[str, int] = {}
    for member in members:
        name = member["name"].encode()
        data = member["data"]
        if "offset_of" in member:
            offset = written[member["offset_of"]]
        else:
            offset = out.tell()
            written[member["name"]] = offset
            out.write(
                struct.pack(
                    "<IHHHHHIIIHH",
                    0x04034B50,
                    20,
                    0,
                    8,
                    0,
                    0x21,
                    member["crc"],
                    len(data),
                    member["size"],
                    len(name),
                    0,
                )
            )
            out.write(name + data)
        central.append(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                0,
                8,
                0,
                0x21,
                member["crc"],
                len(data),
                member["size"],
                len(name),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + name
        )
    start = out.tell()
    for entry in central:
        out.write(entry)
    out.write(
        struct.pack(
            "<IHHHHIIH",
            0x06054B50,
            0,
            0,
            len(central),
            len(central),
            out.tell() - start,
            start,
            0,
        )
    )
    return out.getvalue()


def _deck_members(deck: bytes, replace: dict[str, bytes] | None = None) -> list[dict]:
    """The members of a real deck, deflated again, with some replaced."""
    replace = replace or {}
    members = []
    with zipfile.ZipFile(io.BytesIO(deck)) as package:
        for info in package.infolist():
            content = replace.get(info.filename, package.read(info))
            compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
            data = compressor.compress(content) + compressor.flush()
            crc = zlib.crc32(content)
            members.append({"name": info.filename, "data": data, "size": len(content), "crc": crc})
    return members


def bullets_bomb(count: int = 154_202) -> bytes:
    """A small deck (about 43 KB) whose one slide holds `count` bullets."""
    deck = deck_bytes([{"title": "Welcome", "bullets": [("BULLET", 0)]}])
    with zipfile.ZipFile(io.BytesIO(deck)) as package:
        slide = package.read("ppt/slides/slide1.xml")
    paragraph = re.search(rb"<a:p><a:pPr/><a:r><a:t>BULLET</a:t></a:r></a:p>", slide).group()
    many = b"".join(paragraph.replace(b"BULLET", b"Next step") for _ in range(count))
    slide = slide.replace(paragraph, many)
    return raw_zip(_deck_members(deck, {"ppt/slides/slide1.xml": slide}))


def overlapping_bomb(kernel_mb: int = 560, entries: int = 4) -> bytes:
    """A deck of about 600 KB whose directory adds up to GBs: `entries` directory entries
    share one deflated kernel of `kernel_mb` MB of zeros (the overlapping-files zip bomb)."""
    members = _deck_members(deck_bytes([{"title": "Welcome"}]))
    kernel = zeros_deflated(kernel_mb)
    crc = 0  # never checked: the deck must be refused before anything is inflated
    first = {"name": "ppt/media/image1.png", "data": kernel, "size": kernel_mb * _MB, "crc": crc}
    shared = [
        first | {"name": f"ppt/media/image{n}.png", "offset_of": first["name"]}
        for n in range(2, entries + 1)
    ]
    return raw_zip(members + [first] + shared)


def lying_bomb(real_mb: int = 6000, declared_bytes: int = 900_000) -> bytes:
    """A deck of about 6 MB with one member that inflates to `real_mb` MB while the directory
    says `declared_bytes`: no ratio or total in the directory gives it away."""
    members = _deck_members(deck_bytes([{"title": "Welcome"}]))
    kernel = zeros_deflated(real_mb)
    crc = zlib.crc32(bytes(declared_bytes))
    liar = {"name": "ppt/media/image1.png", "data": kernel, "size": declared_bytes, "crc": crc}
    return raw_zip(members + [liar])
