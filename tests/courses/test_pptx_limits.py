"""Hard limits on PowerPoint imports, checked before python-pptx parses anything: the three
bomb decks of issue 9, built here, are refused in well under 2 s without being inflated (the
third only up to what its directory declares), and nothing is saved."""

import io
import time
import zipfile
from pathlib import Path

import pptx
import pytest
from django.core.exceptions import ValidationError
from pptx import Presentation
from wagtail.images import get_image_model

from courses.models import LessonPage
from courses.pptx_import.lesson import lesson_import_pptx
from courses.pptx_import.slides import deck_read
from courses.pptx_limits import DeckLimits, deck_limits
from tests.factories.courses import (
    bullets_bomb,
    course,
    deck_bytes,
    lying_bomb,
    module,
    overlapping_bomb,
    upload,
)

pytestmark = pytest.mark.django_db

Image = get_image_model()


@pytest.fixture
def cm_module():
    return module(course())


@pytest.fixture
def inflated(monkeypatch) -> list[int]:
    """Bytes handed out by zipfile's member reader (the only way anything gets inflated)."""
    counts: list[int] = []
    original = zipfile.ZipExtFile.read

    def counting_read(self, n=-1):
        data = original(self, n)
        counts.append(len(data))
        return data

    monkeypatch.setattr(zipfile.ZipExtFile, "read", counting_read)
    return counts


def _stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


BOMBS = {
    "154202-bullets": (bullets_bomb, 64 * 1024, "far more than its size suggests"),
    "overlapping-gigabytes": (overlapping_bomb, 700 * 1024, "unpacks to 2240.1 MB"),
    "lying-directory": (lying_bomb, 7 * 1024 * 1024, "damaged"),
}


@pytest.mark.parametrize(("build", "max_size", "message"), BOMBS.values(), ids=BOMBS.keys())
def test_bomb_decks_are_refused_fast_without_inflating_and_nothing_is_saved(
    cm_module, editor, settings, inflated, build, max_size, message
):
    deck = build()
    assert len(deck) < max_size
    inflated.clear()  # building the deck read other decks

    started = time.monotonic()
    with pytest.raises(ValidationError) as refused:
        lesson_import_pptx(file=upload(deck), module=cm_module, user=editor)
    elapsed = time.monotonic() - started

    assert elapsed < 2, elapsed
    assert message in refused.value.messages[0]
    # The directory checks refuse the first two before one byte is inflated; the liar is
    # inflated only up to the size its directory declares (under 1 MB), not its gigabytes.
    assert sum(inflated) <= (0 if build is not lying_bomb else 1024 * 1024)
    assert not LessonPage.objects.exists() and not Image.objects.exists()
    assert _stored_files(settings) == []


def test_the_admin_view_shows_a_bomb_refusal_at_the_file_field(client, cm_module, editor):
    client.force_login(editor)
    response = client.post(
        "/admin/training/import/", {"module": cm_module.pk, "file": upload(overlapping_bomb())}
    )
    assert response.status_code == 200
    assert "unpacks to 2240.1 MB" in response.context["form"].errors["file"][0]
    assert not LessonPage.objects.exists()


def _limits(**changes) -> DeckLimits:
    return DeckLimits(**changes)


@pytest.mark.parametrize(
    ("spec", "limits", "message"),
    [
        ([{"title": f"S{n}"} for n in range(4)], _limits(max_slides=3), "has 4 slides"),
        ([{"bullets": [(f"b{n}", 0) for n in range(6)]}], _limits(max_bullets=5), "5 bullets"),
        ([{"title": "x" * 60}], _limits(max_text_chars=50), "50 characters"),
        ([{"title": "a"}, {"title": "b"}], _limits(max_shapes=3), "3 shapes"),
    ],
    ids=["slides", "bullets", "text", "shapes"],
)
def test_slides_shapes_bullets_and_text_are_bounded_per_deck(spec, limits, message):
    with pytest.raises(ValidationError) as refused:
        deck_read(io.BytesIO(deck_bytes(spec)), limits=limits)
    assert refused.value.code == "too_large"
    assert message in refused.value.messages[0]


@pytest.mark.parametrize(
    ("limits", "message"),
    [
        (_limits(max_members=10), "parts; at most 10"),
        (_limits(max_unpacked_bytes=1024), "unpacks to"),
    ],
)
def test_member_count_and_unpacked_size_come_from_the_directory(inflated, limits, message):
    deck = deck_bytes([{"title": "Welcome"}])
    inflated.clear()
    with pytest.raises(ValidationError) as refused:
        deck_read(io.BytesIO(deck), limits=limits)
    assert message in refused.value.messages[0]
    assert sum(inflated) == 0


def test_limits_are_settings_with_defaults(settings):
    assert deck_limits() == DeckLimits()
    settings.PPTX_IMPORT_MAX_SLIDES = 12
    assert deck_limits().max_slides == 12
    assert deck_limits().max_bullets == DeckLimits().max_bullets


def test_a_lzma_member_is_refused_from_the_directory(inflated):
    output = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(deck_bytes([{"title": "Welcome"}]))) as source:
        with zipfile.ZipFile(output, "w") as target:
            for info in source.infolist():
                target.writestr(info.filename, source.read(info), zipfile.ZIP_LZMA)
    inflated.clear()
    with pytest.raises(ValidationError, match="far more than its size"):
        deck_read(io.BytesIO(output.getvalue()))
    assert sum(inflated) == 0


def test_python_pptx_own_template_passes_the_package_checks_and_imports(cm_module, editor):
    """The default template python-pptx ships (a file we did not write) passes every package
    check; with one slide added through python-pptx's API it imports as a lesson."""
    template = Path(pptx.__file__).parent / "templates" / "default.pptx"
    with pytest.raises(ValidationError) as refused:  # the template itself has no slides
        deck_read(io.BytesIO(template.read_bytes()))
    assert refused.value.code == "empty"

    presentation = Presentation(str(template))
    slide = presentation.slides.add_slide(presentation.slide_layouts[1])
    slide.shapes.title.text = "From the template"
    slide.placeholders[1].text_frame.text = "A bullet"
    output = io.BytesIO()
    presentation.save(output)

    lesson = lesson_import_pptx(file=upload(output.getvalue()), module=cm_module, user=editor)
    assert lesson.title == "From the template"
    assert lesson.body[0].value["bullets"][0]["text"] == "A bullet"


def test_the_lying_deck_is_read_with_bounded_memory():
    """The liar's member holds 6 GB of zeros behind a directory entry of 900 KB: the bounded
    reader stops one chunk past the declared size, so memory stays at a few MB."""
    import tracemalloc

    deck = lying_bomb()
    tracemalloc.start()
    try:
        with pytest.raises(ValidationError, match="damaged"):
            deck_read(io.BytesIO(deck))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 32 * 1024 * 1024, peak
