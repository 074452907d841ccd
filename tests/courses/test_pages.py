"""The curriculum's page tree rules and the templates of every page type and lesson block."""

import json

import pytest
from django.core.files.base import ContentFile
from django.utils.html import escape
from wagtail.documents.models import Document
from wagtail.embeds.embeds import get_embed_hash
from wagtail.embeds.models import Embed
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Page

from courses.blocks import KnowledgeCheckBlock
from courses.models import CoursePage, LessonPage, ModulePage, TrainingIndexPage
from lms.models import HomePage
from tests.factories.courses import BODY_A1, FEEDBACK_RIGHT_0, KC_ID, knowledge_check, text

pytestmark = pytest.mark.django_db
VIDEO_URL = "https://video.example.org/watch/progress-notes"


@pytest.mark.parametrize(
    ("child", "parent", "allowed"),
    [
        (TrainingIndexPage, HomePage, True),
        (TrainingIndexPage, Page, False),
        (CoursePage, TrainingIndexPage, True),
        (CoursePage, HomePage, False),
        (ModulePage, CoursePage, True),
        (ModulePage, TrainingIndexPage, False),
        (LessonPage, ModulePage, True),
        (LessonPage, CoursePage, False),
        (LessonPage, LessonPage, False),
    ],
)
def test_page_tree_rules(child, parent, allowed):
    # What WagtailPageTestCase.assertCanCreateAt / assertCanNotCreateAt check.
    assert (child in parent.allowed_subpage_models()) is allowed
    assert (parent in child.allowed_parent_page_models()) is allowed


def test_one_training_index_per_site(tree):
    home = HomePage.objects.first()
    assert not TrainingIndexPage.can_create_at(home)
    assert CoursePage.can_create_at(tree.index) and not CoursePage.can_create_at(home)
    assert LessonPage.can_create_at(tree.module_a) and not LessonPage.can_create_at(tree.course)
    assert LessonPage.allowed_subpage_models() == []


def test_every_page_type_renders_with_its_template(client, tree, editor):
    client.force_login(editor)
    for page, template in [
        (tree.index, "courses/training_index_page.html"),
        (tree.course, "courses/course_page.html"),
        (tree.module_a, "courses/module_page.html"),
        (tree.a1, "courses/lesson_page.html"),
    ]:
        response = client.get(page.url)
        assert response.status_code == 200
        assert template in [t.name for t in response.templates]
        html = response.content.decode()
        assert html.count("<h1") == 1 and "<main" in html and "training.css" in html
    assert 'aria-label="Breadcrumb"' in html and 'aria-current="page"' in html


@pytest.fixture
def full_lesson(tree):
    """A lesson holding one block of every type."""
    image = Image.objects.create(title="Flow chart", file=get_test_image_file())
    slide_image = Image.objects.create(
        title="Slide picture", description="A case manager at a desk", file=get_test_image_file()
    )
    document = Document.objects.create(
        title="Progress note form", file=ContentFile(b"%PDF-1.4 test", name="note-form.pdf")
    )
    Embed.objects.create(
        url=VIDEO_URL,
        hash=get_embed_hash(VIDEO_URL),
        type="video",
        html='<iframe title="How to write a note" src="https://video.example.org/e/1"></iframe>',
    )
    body = [
        {"type": "heading", "value": {"text": "Writing the note"}},
        {"type": "text", "value": "<p>Notes are written <b>the same day</b>.</p>"},
        {
            "type": "image",
            "value": {"image": image.pk, "alt_text": "The steps of a note", "caption": "Steps"},
        },
        {
            "type": "video",
            "value": {"video": VIDEO_URL, "transcript": "<p>Hello and welcome.</p>"},
        },
        {"type": "document", "value": {"document": document.pk, "label": "Download the form"}},
        {"type": "callout", "value": {"kind": "caution", "text": "<p>Never backdate.</p>"}},
        {
            "type": "slide",
            "value": {
                "title": "Eleven elements",
                "bullets": [{"text": "Date", "level": 0}, {"text": "Start time", "level": 1}],
                "images": [slide_image.pk],
                "notes": "Say why each matters.",
            },
        },
        {"type": "knowledge_check", "value": knowledge_check(), "id": KC_ID},
    ]
    lesson = LessonPage(title="Every block", slug="every-block", body=json.dumps(body))
    tree.module_b.add_child(instance=lesson)
    return lesson


def test_every_block_renders_accessibly(client, full_lesson, editor):
    client.force_login(editor)
    html = client.get(full_lesson.url).content.decode()
    # heading and text
    assert '<h2 class="block-heading"' in html and "Writing the note</h2>" in html
    assert "<b>the same day</b>" in html
    # image: a figure, the block's alt text, a caption, responsive sources
    assert '<figure class="block-image">' in html and 'alt="The steps of a note"' in html
    assert "<figcaption>Steps</figcaption>" in html and "srcset=" in html
    # video: the embed and its transcript in a <details>
    assert 'title="How to write a note"' in html
    assert '<details class="transcript">' in html and "Hello and welcome." in html
    # document: a link with its label and type
    assert "Download the form</a>" in html and "(PDF" in html
    # callout: a note with its kind
    assert 'role="note"' in html and "Caution" in html and "Never backdate." in html
    # slide: title, bullets with levels, picture with its default alt text, notes
    assert "Eleven elements</h2>" in html and 'class="bullet-level-1">Start time' in html
    assert 'alt="A case manager at a desk"' in html and "Say why each matters." in html
    # knowledge check: a form, fieldsets with legends, labelled radios, no answers
    assert f'action="/training-api/lessons/{full_lesson.pk}/check/{KC_ID}/"' in html
    assert html.count("<fieldset") == 2 and "<legend>1. What must every" in html
    assert f'<label for="check-{KC_ID}-q0-o0">The date of service</label>' in html
    assert escape(FEEDBACK_RIGHT_0) not in html
    # headings in order: one h1, then h2s
    main = html[html.index("<main") :]
    assert main.count("<h1") == 1 and main.index("<h1") < main.index("<h2")
    assert "<h3" not in main.split('id="lesson-end"')[0]  # no level skipped in the body


def test_an_unreachable_video_falls_back_to_a_link(client, tree, editor):
    body = [{"type": "video", "value": {"video": "https://nowhere.invalid/v", "transcript": ""}}]
    lesson = LessonPage(title="Video only", slug="video-only", body=json.dumps(body))
    tree.module_b.add_child(instance=lesson)
    client.force_login(editor)
    html = client.get(lesson.url).content.decode()
    assert 'href="https://nowhere.invalid/v">Watch the video</a>' in html


def test_a_knowledge_check_rendered_on_its_own_holds_no_answers():
    block = KnowledgeCheckBlock()
    html = block.render(block.to_python(knowledge_check()))
    assert "What must every progress note show?" in html and "<legend>" in html
    assert escape(FEEDBACK_RIGHT_0) not in html and "Correct." not in html and "correct" not in html


def test_editors_preview_saved_and_unsaved_lessons(rf, tree, editor, applicant):
    request = rf.get("/")
    request.user = editor
    response = tree.a1.serve_preview(request, tree.a1.default_preview_mode)
    assert BODY_A1 in response.rendered_content

    draft = LessonPage(title="Draft", slug="draft", body=json.dumps([text("Not saved yet.")]))
    assert "Not saved yet." in draft.serve_preview(request, "").rendered_content
    request.user = applicant
    assert "Not saved yet." not in draft.serve_preview(request, "").rendered_content
