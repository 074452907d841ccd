"""Helpers shared by the courses tests: decks built with python-pptx, small PNGs made with
Pillow, and a training page tree (Training → course → module)."""

import io
import zipfile
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
