import io
import os
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from wagtail.images import get_image_model
from wagtail.models import Collection

from courses.models import LessonPage
from courses.pptx_export import (
    classroom_day_export_pptx,
    classroom_day_lesson_list,
    lesson_export_pptx,
    rich_text_lines,
)
from courses.pptx_import.lesson import lesson_import_pptx
from courses.pptx_import.slides import deck_read
from tests.factories.courses import (
    course,
    deck_bytes,
    docx_like_bytes,
    empty_deck_bytes,
    lesson,
    module,
    png_bytes,
    slide_block,
    upload,
    wagtail_image,
)

pytestmark = pytest.mark.django_db

Image = get_image_model()


@pytest.fixture
def cm_module():
    return module(course())


def _slides(deck: bytes):
    return list(Presentation(io.BytesIO(deck)).slides)


def _title(slide) -> str:
    return slide.shapes.title.text_frame.text if slide.shapes.title is not None else ""


def _body_lines(slide) -> list[tuple[str, int]]:
    lines = []
    for shape in slide.placeholders:
        if shape.placeholder_format.idx != 0 and shape.has_text_frame:
            lines += [(p.text, p.level) for p in shape.text_frame.paragraphs if p.text]
    return lines


def _notes(slide) -> str:
    return slide.notes_slide.notes_text_frame.text if slide.has_notes_slide else ""


def _pictures(slide) -> list:
    return [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]


def _slide_values(page: LessonPage) -> list[tuple]:
    return [
        (
            block.value["title"],
            [(b["text"], b["level"]) for b in block.value["bullets"]],
            block.value["notes"],
        )
        for block in page.body
        if block.block_type == "slide"
    ]


def _stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


# --- Import ---------------------------------------------------------------------------------


def test_import_makes_a_draft_lesson_with_one_slide_block_per_slide_in_order(cm_module, editor):
    picture = png_bytes()
    deck = deck_bytes(
        [
            {
                "title": "Why we document",
                "bullets": [("Notes protect clients", 0), ("Timely", 1), ("Same day", 2)],
                "notes": "Ask who has been audited.\nKeep it short.",
            },
            {
                "title": "A good note",
                "bullets": [("Facts, not opinions", 0)],
                "pictures": [picture],
            },
            {"title": "Questions?"},
        ]
    )

    page = lesson_import_pptx(file=upload(deck), module=cm_module, user=editor)

    page = LessonPage.objects.get(pk=page.pk)
    assert page.get_parent().pk == cm_module.pk
    assert page.title == "Why we document"
    assert not page.live and page.has_unpublished_changes
    assert page.owner == editor
    assert page.get_latest_revision().user == editor
    assert [block.block_type for block in page.body] == ["slide", "slide", "slide"]
    assert _slide_values(page) == [
        (
            "Why we document",
            [("Notes protect clients", 0), ("Timely", 1), ("Same day", 2)],
            "Ask who has been audited.\nKeep it short.",
        ),
        ("A good note", [("Facts, not opinions", 0)], ""),
        ("Questions?", [], ""),
    ]
    stored = page.body[1].value["images"]
    assert len(stored) == 1 and Image.objects.count() == 1
    image = stored[0]
    assert isinstance(image, Image)
    assert image.collection == Collection.get_first_root_node()
    assert image.uploaded_by_user == editor
    assert (image.width, image.height) == (40, 30)
    assert image.file.name.endswith(".png")
    with image.open_file() as f:
        assert f.read() == picture
    assert list(page.body[0].value["images"]) == []


def test_import_title_given_wins_then_first_slide_title_then_file_name(cm_module, editor):
    deck = deck_bytes([{"title": "", "bullets": [("Only bullets", 0)]}])
    from_name = lesson_import_pptx(
        file=upload(deck, "Intake_basics.pptx"), module=cm_module, user=editor
    )
    given = lesson_import_pptx(
        file=upload(deck), module=cm_module, user=editor, title="Intake, part 2"
    )
    assert from_name.title == "Intake basics"
    assert given.title == "Intake, part 2"


def test_importing_the_same_deck_twice_gives_two_lessons_with_free_slugs(cm_module, editor):
    deck = deck_bytes([{"title": "Rights"}])
    first = lesson_import_pptx(file=upload(deck), module=cm_module, user=editor)
    second = lesson_import_pptx(file=upload(deck), module=cm_module, user=editor)
    assert (first.slug, second.slug) == ("rights", "rights-2")


def test_a_picture_repeated_on_slides_is_stored_once(cm_module, editor):
    logo = png_bytes((0, 90, 160))
    deck = deck_bytes([{"title": "One", "pictures": [logo]}, {"title": "Two", "pictures": [logo]}])
    page = lesson_import_pptx(file=upload(deck), module=cm_module, user=editor)
    first, second = (block.value["images"][0] for block in page.body)
    assert first.pk == second.pk and Image.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "name", "code"),
    [
        (os.urandom(4096), "corrupt.pptx", "invalid"),
        (b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n", "handout.pptx", "invalid"),
        (docx_like_bytes(), "letter.pptx", "invalid"),
        (empty_deck_bytes(), "empty.pptx", "empty"),
    ],
    ids=["random-bytes", "pdf", "docx-like-zip", "no-slides"],
)
def test_import_refuses_files_that_are_not_decks_and_creates_nothing(
    cm_module, editor, settings, data, name, code
):
    with pytest.raises(ValidationError) as refused:
        lesson_import_pptx(file=upload(data, name), module=cm_module, user=editor)
    assert refused.value.code == code
    assert refused.value.messages[0]
    assert not LessonPage.objects.exists()
    assert not Image.objects.exists()
    assert _stored_files(settings) == []


def test_import_refuses_a_deck_over_50_mb(cm_module, editor):
    big = upload(deck_bytes([{"title": "Big", "pictures": [png_bytes()]}]))
    big.size = 50 * 1024 * 1024 + 1  # what Django reports for the upload; nothing is written
    with pytest.raises(ValidationError) as refused:
        lesson_import_pptx(file=big, module=cm_module, user=editor)
    assert refused.value.code == "too_large"
    assert "50 MB" in refused.value.messages[0]
    assert not LessonPage.objects.exists() and not Image.objects.exists()


def test_import_checks_content_not_the_file_name(cm_module, editor):
    page = lesson_import_pptx(
        file=upload(deck_bytes([{"title": "Renamed"}]), "deck.zip"), module=cm_module, user=editor
    )
    assert page.title == "Renamed"


def test_a_failure_after_pictures_were_saved_leaves_no_rows_and_no_files(
    cm_module, editor, settings, monkeypatch
):
    def broken_revision(self, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(LessonPage, "save_revision", broken_revision)
    deck = deck_bytes([{"title": "Pictures", "pictures": [png_bytes(), png_bytes((0, 0, 0))]}])
    with pytest.raises(RuntimeError):
        lesson_import_pptx(file=upload(deck), module=cm_module, user=editor)
    assert not LessonPage.objects.exists()
    assert not Image.objects.exists()
    assert _stored_files(settings) == []


@pytest.mark.parametrize("who", ["cert_staff", "applicant"])
def test_only_people_who_may_add_pages_to_the_module_can_import(cm_module, who, request):
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        lesson_import_pptx(file=upload(deck_bytes([{"title": "X"}])), module=cm_module, user=user)
    assert not LessonPage.objects.exists()


def test_deck_read_keeps_line_breaks_in_notes_and_caps_levels():
    deck = deck_bytes([{"title": "T", "bullets": [("Deep", 6)], "notes": "a\vb"}])
    (slide,) = deck_read(io.BytesIO(deck))
    assert slide.bullets == [("Deep", 4)]
    assert slide.notes == "a\nb"


# --- Export ---------------------------------------------------------------------------------


def _documentation_lesson(parent, chart):
    return lesson(
        parent,
        "Progress notes",
        [
            {"type": "heading", "value": {"text": "Why we document"}},
            {
                "type": "text",
                "value": "<p>Notes protect <b>clients</b>.</p>"
                "<ul><li>Timely</li><li>Accurate<ul><li>Facts only</li></ul></li></ul>",
            },
            {"type": "callout", "value": {"kind": "caution", "text": "<p>Never backdate.</p>"}},
            slide_block(
                "The SOAP format",
                [("Subjective", 0), ("What the client says", 1)],
                images=[chart],
                notes="Show a real, anonymised note.",
            ),
            {
                "type": "knowledge_check",
                "value": {
                    "title": "Check your understanding",
                    "questions": [
                        {
                            "prompt": "When is a note due?",
                            "options": [
                                {"text": "Same day", "correct": True, "feedback": "Yes."},
                                {"text": "Within a month", "correct": False, "feedback": "No."},
                            ],
                        }
                    ],
                },
            },
            {"type": "heading", "value": {"text": "Wrap up"}},
            {"type": "text", "value": "<p>Questions?</p>"},
        ],
    )


def test_lesson_export_has_a_title_slide_then_sections_slides_and_checks(cm_module):
    page = _documentation_lesson(cm_module, wagtail_image("SOAP chart"))

    slides = _slides(lesson_export_pptx(page))

    assert [_title(s) for s in slides] == [
        "Progress notes",
        "Why we document",
        "The SOAP format",
        "Check your understanding",
        "Wrap up",
    ]
    title_slide, section, soap, check, wrap_up = slides
    assert "Case Management I" in title_slide.placeholders[1].text_frame.text
    assert _body_lines(section) == [
        ("Notes protect clients.", 0),
        ("Timely", 0),
        ("Accurate", 0),
        ("Facts only", 1),
        ("Caution: Never backdate.", 0),
    ]
    assert _body_lines(soap) == [("Subjective", 0), ("What the client says", 1)]
    assert _notes(soap) == "Show a real, anonymised note."
    (picture,) = _pictures(soap)
    body = soap.placeholders[1]  # bullets on the left half, the picture on the right
    assert body.height > 0 and body.left + body.width <= picture.left
    assert picture.left + picture.width <= Presentation().slide_width
    assert _body_lines(check) == [
        ("1. When is a note due?", 0),
        ("Same day", 1),
        ("Within a month", 1),
    ]
    assert "When is a note due? — Same day" in _notes(check)
    assert "Within a month" not in _notes(check)
    assert _body_lines(wrap_up) == [("Questions?", 0)]


def test_a_picture_without_bullets_gets_the_whole_content_area(cm_module):
    page = lesson(cm_module, "Pictures", [slide_block("Map", images=[wagtail_image("Map")])])
    (_, map_slide) = _slides(lesson_export_pptx(page))
    (picture,) = _pictures(map_slide)
    assert _body_lines(map_slide) == []
    assert picture.width > Presentation().slide_width // 2


def test_a_missing_picture_file_is_left_out_not_fatal(cm_module):
    chart = wagtail_image("Lost")
    chart.file.storage.delete(chart.file.name)
    page = lesson(cm_module, "Lost", [slide_block("Where", [("Here", 0)], images=[chart])])
    (_, where) = _slides(lesson_export_pptx(page))
    assert _body_lines(where) == [("Here", 0)] and _pictures(where) == []


def test_classroom_day_export_holds_that_days_live_lessons_in_tree_order():
    day_one = course("Case Management I", days=(1, 2))
    intake = module(day_one, "Intake")
    lesson(intake, "First contact", [{"type": "heading", "value": {"text": "Greeting"}}])
    lesson(intake, "Consent", [slide_block("Signing", [("Both sign", 0)])])
    lesson(intake, "Draft lesson", live=False)
    day_three = course("Case Management II", days=(3,))
    lesson(module(day_three, "Crisis"), "Safety plans")
    lesson(module(course("Retired course", days=(1,), live=False)), "Old lesson")

    day_one_slides = _slides(classroom_day_export_pptx(1))
    day_three_slides = _slides(classroom_day_export_pptx(3))

    assert [_title(s) for s in day_one_slides] == [
        "Classroom day 1",
        "First contact",
        "Greeting",
        "Consent",
        "Signing",
    ]
    assert "Case Management I" in day_one_slides[0].placeholders[1].text_frame.text
    assert "Intake" in day_one_slides[1].placeholders[1].text_frame.text
    assert [_title(s) for s in day_three_slides] == ["Classroom day 3", "Safety plans"]
    assert [e.lesson.title for e in classroom_day_lesson_list(2)] == ["First contact", "Consent"]
    assert [_title(s) for s in _slides(classroom_day_export_pptx(4))] == ["Classroom day 4"]


def test_rich_text_becomes_plain_lines_with_list_levels():
    html = (
        '<h2>Steps</h2><p>Read <a href="https://example.org">the policy</a>.<br/>Then sign.</p>'
        "<ol><li>One<ol><li>One a<ul><li>deep</li></ul></li></ol></li><li>Two</li></ol><p></p>"
    )
    assert rich_text_lines(html) == [
        ("Steps", 0),
        ("Read the policy. Then sign.", 0),
        ("One", 0),
        ("One a", 1),
        ("deep", 2),
        ("Two", 0),
    ]


# --- Round trip -----------------------------------------------------------------------------


def test_export_then_import_gives_back_the_slide_blocks(cm_module, editor):
    chart, photo = wagtail_image("Chart"), wagtail_image("Photo", color=(0, 120, 0))
    original = lesson(
        cm_module,
        "Care plans",
        [
            slide_block(
                "Goals",
                [("Measurable", 0), ("Written with the client", 1), ("In their words", 2)],
                images=[chart],
                notes="Line one.\nLine two.",
            ),
            slide_block("Two pictures", images=[chart, photo]),
            slide_block("", [("Untitled slide", 0), ("  spaced  ", 3)], notes=""),
            slide_block("Review dates", [("Every 90 days", 0)], notes="Mention the audit."),
        ],
    )

    deck = lesson_export_pptx(original)
    imported = lesson_import_pptx(
        file=upload(deck, "care-plans.pptx"), module=cm_module, user=editor
    )

    assert imported.title == "Care plans"  # the title slide comes first
    # The deck's title slide becomes a slide block too; the lesson's own slides follow it.
    assert _slide_values(imported)[1:] == [
        (
            "Goals",
            [("Measurable", 0), ("Written with the client", 1), ("In their words", 2)],
            "Line one.\nLine two.",
        ),
        ("Two pictures", [], ""),
        ("", [("Untitled slide", 0), ("spaced", 3)], ""),
        ("Review dates", [("Every 90 days", 0)], "Mention the audit."),
    ]
    picture_counts = [len(b.value["images"]) for b in imported.body][1:]
    assert picture_counts == [1, 2, 0, 0]
