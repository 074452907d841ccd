"""A content editor imports a PowerPoint deck in the Wagtail admin, publishes the new lesson
through Wagtail's page editor, and sees it on the site — in real Chromium."""

import io
import re

import pytest
from playwright.sync_api import expect
from pptx import Presentation
from pptx.util import Inches

from courses.models import LessonPage
from tests.factories.courses import build_training_tree, png_bytes
from tests.factories.enrollment import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LESSON_TITLE = "Crisis diversion basics"
SLIDE_TITLES = ("Crisis diversion", "Warning signs", "The diversion pathway")
BULLET_TOP = "Listen for talk of hopelessness"
BULLET_NESTED = "Ask directly about safety"
NOTES = "Remind the group that the crisis line answers around the clock."


def _write_deck(path):
    """Three slides: a title slide, a Title and Content slide with two bullet levels and
    speaker notes, and a Title Only slide with a picture."""
    presentation = Presentation()
    title_slide = presentation.slides.add_slide(presentation.slide_layouts[0])
    title_slide.shapes.title.text = SLIDE_TITLES[0]
    title_slide.placeholders[1].text_frame.text = "Case management foundations"

    content = presentation.slides.add_slide(presentation.slide_layouts[1])
    content.shapes.title.text = SLIDE_TITLES[1]
    body = content.placeholders[1].text_frame
    body.paragraphs[0].text = BULLET_TOP
    nested = body.add_paragraph()
    nested.text = BULLET_NESTED
    nested.level = 1
    content.notes_slide.notes_text_frame.text = NOTES

    picture = presentation.slides.add_slide(presentation.slide_layouts[5])
    picture.shapes.title.text = SLIDE_TITLES[2]
    picture.shapes.add_picture(io.BytesIO(png_bytes()), Inches(3), Inches(2), Inches(4))

    presentation.save(path)
    return path


def test_editor_imports_a_deck_publishes_the_lesson_and_sees_it(page, screenshot, editor, tmp_path):
    build_training_tree()
    deck = _write_deck(tmp_path / "crisis-diversion.pptx")

    page.goto("/accounts/login/?next=/admin/training/import/")
    page.get_by_label("Email").fill(editor.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", level=1, name="Import PowerPoint")).to_be_visible()

    page.get_by_label("Module").select_option(label="Case management foundations › Documentation")
    page.get_by_label("Title").fill(LESSON_TITLE)
    page.get_by_label("PowerPoint file").set_input_files(deck)
    page.get_by_role("button", name="Preview the import").click()

    # The import report comes first; nothing is saved until the editor confirms.
    expect(page.get_by_text("3 slides in the deck, 3 imported")).to_be_visible()
    assert not LessonPage.objects.filter(title=LESSON_TITLE).exists()
    screenshot("import-report")
    page.get_by_role("button", name="Save as a draft lesson").click()

    expect(page).to_have_url(re.compile(r"/admin/pages/\d+/edit/$"))
    expect(page.locator("#id_title")).to_have_value(LESSON_TITLE)
    expect(page.get_by_text("was imported as a draft lesson with 3 slides")).to_be_visible()
    draft = LessonPage.objects.get(title=LESSON_TITLE)
    assert page.url.endswith(f"/admin/pages/{draft.pk}/edit/")
    assert draft.live is False
    screenshot("draft-in-editor")

    # Publish is in the footer's action menu, behind the toggle next to "Save draft".
    actions = page.get_by_role("navigation", name="Actions (footer)")
    actions.get_by_role("button", name="More actions").click()
    publish = actions.get_by_role("button", name="Publish", exact=True)
    expect(publish).to_be_visible()
    publish.click()
    expect(page.get_by_text(f"Page '{LESSON_TITLE}' has been published.")).to_be_visible()

    lesson = LessonPage.objects.get(title=LESSON_TITLE)
    assert lesson.live is True
    assert lesson.get_parent().title == "Documentation"
    slides = [block for block in lesson.body if block.block_type == "slide"]
    assert [block.value["title"] for block in slides] == list(SLIDE_TITLES)
    assert [(b["text"], b["level"]) for b in slides[1].value["bullets"]] == [
        (BULLET_TOP, 0),
        (BULLET_NESTED, 1),
    ]
    assert slides[1].value["notes"] == NOTES
    assert len(slides[2].value["images"]) == 1

    page.goto(f"/training/foundations/documentation/{lesson.slug}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(LESSON_TITLE)
    body = page.locator(".lesson-body")
    for title in SLIDE_TITLES:
        expect(body.get_by_role("heading", level=2, name=title)).to_be_visible()
    expect(body.get_by_role("listitem").filter(has_text=BULLET_TOP)).to_have_class("bullet-level-0")
    expect(body.get_by_role("listitem").filter(has_text=BULLET_NESTED)).to_have_class(
        "bullet-level-1"
    )
    picture = body.locator(".slide-image img")
    expect(picture).to_have_count(1)
    picture.scroll_into_view_if_needed()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=picture.element_handle()
    )
    notes = body.get_by_text(NOTES)
    expect(notes).to_be_hidden()  # the speaker notes are folded away until asked for
    body.get_by_text("Speaker notes").click()
    expect(notes).to_be_visible()
    screenshot("published-lesson")
