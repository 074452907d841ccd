import io
import os
import time

import pytest
from django.urls import reverse
from pptx import Presentation
from wagtail.images import get_image_model

from courses.models import LearningObjective, LessonPage
from courses.pptx_export import PPTX_CONTENT_TYPE
from courses.tasks import deck_imports_expire_task
from tests.factories.courses import (
    deck_bytes,
    lesson,
    png_bytes,
    private_files,
    slide_block,
    upload,
)

pytestmark = pytest.mark.django_db

IMPORT_URL = "/admin/training/import/"
DECKS_URL = "/admin/training/decks/"


@pytest.fixture
def live_lesson(cm_module):
    return lesson(cm_module, "Progress notes", [slide_block("SOAP", [("Subjective", 0)])])


def _post_deck(client, cm_module, data, **extra):
    return client.post(IMPORT_URL, {"module": cm_module.pk, "file": upload(data), **extra})


def test_urls_are_where_the_brief_says(live_lesson):
    assert reverse("courses_admin:lesson-import") == IMPORT_URL
    assert reverse("courses_admin:lesson-export", args=[live_lesson.pk]) == (
        f"/admin/training/lesson/{live_lesson.pk}/export.pptx"
    )
    assert reverse("courses_admin:day-export", args=[2]) == "/admin/training/day/2/export.pptx"


@pytest.mark.parametrize("who", ["editor", "superuser"])
def test_editors_import_a_deck_into_a_draft_lesson(client, cm_module, who, request):
    client.force_login(request.getfixturevalue(who))
    form = client.get(IMPORT_URL, {"module": cm_module.pk})
    assert form.status_code == 200
    assert "Case Management I › Documentation" in form.content.decode()

    deck = deck_bytes([{"title": "Intake", "bullets": [("Greet", 0)], "pictures": [png_bytes()]}])
    preview = _post_deck(client, cm_module, deck, title="")
    assert preview.status_code == 200 and not LessonPage.objects.exists()  # the report first
    assert "1 slide in the deck, 1 imported" in preview.content.decode()
    token = preview.context["token"]
    response = client.post(IMPORT_URL, {"preview": token})

    page = LessonPage.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_pages:edit", args=[page.pk])
    assert page.title == "Intake" and not page.live
    assert page.get_parent().pk == cm_module.pk
    assert get_image_model().objects.count() == 1
    assert client.get(response["Location"]).status_code == 200


def test_a_refused_file_shows_the_reason_at_the_file_field(client, cm_module, editor):
    client.force_login(editor)
    response = _post_deck(client, cm_module, b"not a presentation at all")
    assert response.status_code == 200
    assert "is not a PowerPoint presentation" in response.content.decode()
    assert response.context["form"].errors["file"]
    assert not LessonPage.objects.exists()


def test_staff_who_cannot_add_pages_get_403(client, cm_module, cert_staff):
    client.force_login(cert_staff)
    assert client.get(IMPORT_URL).status_code == 403
    assert _post_deck(client, cm_module, deck_bytes([{"title": "X"}])).status_code == 403
    assert not LessonPage.objects.exists()


@pytest.mark.parametrize("who", ["applicant", "trainer"])
def test_people_without_admin_access_cannot_reach_the_import(client, cm_module, who, request):
    client.force_login(request.getfixturevalue(who))
    response = client.get(IMPORT_URL)
    assert response.status_code == 403  # the 403 page with the way to their work
    assert _post_deck(client, cm_module, deck_bytes([{"title": "X"}])).status_code == 403
    assert not LessonPage.objects.exists()


@pytest.mark.parametrize("who", ["editor", "cert_staff", "superuser"])
def test_staff_download_a_lesson_deck(client, live_lesson, who, request):
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("courses_admin:lesson-export", args=[live_lesson.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == PPTX_CONTENT_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="progress-notes.pptx"'
    titles = [
        s.shapes.title.text_frame.text for s in Presentation(io.BytesIO(response.content)).slides
    ]
    assert titles == ["Progress notes", "SOAP"]


def test_editors_download_the_latest_draft_others_only_what_is_live(
    client, cm_module, editor, cert_staff
):
    draft = lesson(cm_module, "Draft lesson", [slide_block("Planned", [("Soon", 0)])], live=False)
    url = reverse("courses_admin:lesson-export", args=[draft.pk])
    client.force_login(cert_staff)
    assert client.get(url).status_code == 404
    client.force_login(editor)
    assert client.get(url).status_code == 200
    assert client.get(reverse("courses_admin:lesson-export", args=[99999])).status_code == 404


def test_applicants_cannot_download_decks(client, live_lesson, applicant):
    client.force_login(applicant)
    assert (
        client.get(reverse("courses_admin:lesson-export", args=[live_lesson.pk])).status_code == 403
    )
    assert client.get(reverse("courses_admin:day-export", args=[1])).status_code == 403


def test_classroom_day_download_and_the_decks_page(client, live_lesson, cert_staff):
    client.force_login(cert_staff)
    response = client.get(reverse("courses_admin:day-export", args=[1]))
    assert response.status_code == 200
    assert response["Content-Type"] == PPTX_CONTENT_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="classroom-day-1.pptx"'
    assert client.get("/admin/training/day/5/export.pptx").status_code == 404

    page = client.get(DECKS_URL).content.decode()
    for day in (1, 2, 3, 4):
        assert reverse("courses_admin:day-export", args=[day]) in page
    assert "Progress notes" in page


def test_lesson_and_module_pages_offer_the_powerpoint_buttons(
    client, cm_module, live_lesson, editor
):
    client.force_login(editor)
    export_url = reverse("courses_admin:lesson-export", args=[live_lesson.pk])
    listing = client.get(reverse("wagtailadmin_explore", args=[cm_module.pk])).content.decode()
    assert export_url in listing
    assert f"{IMPORT_URL}?module={cm_module.pk}" in listing  # the module's header button
    editor_page = client.get(reverse("wagtailadmin_pages:edit", args=[live_lesson.pk]))
    assert export_url in editor_page.content.decode()


def test_training_menu_and_learning_objective_snippets(client, cm_module, editor, cert_staff):
    LearningObjective.objects.create(code="CM-DOC-1", text="Write a SOAP note")
    client.force_login(editor)
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Import PowerPoint" in home and "Learning objectives" in home
    listing = client.get(reverse(LearningObjective.snippet_viewset.get_url_name("list")))
    assert listing.status_code == 200 and "CM-DOC-1" in listing.content.decode()

    client.force_login(cert_staff)
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Classroom decks" in home and "Import PowerPoint" not in home


def test_without_any_module_there_is_nothing_to_import_into(client, editor):
    client.force_login(editor)
    response = client.get(IMPORT_URL)
    assert response.status_code == 403
    assert "no module you may add lessons to" in response.content.decode()


def test_a_small_deck_left_at_its_report_is_removed_after_a_day(
    client, cm_module, editor, tmp_path
):
    client.force_login(editor)
    deck = deck_bytes([{"title": "Intake", "bullets": [("Greet", 0)]}])
    _post_deck(client, cm_module, deck)  # the editor reads the report and walks away
    [left] = private_files(tmp_path)
    day_old = time.time() - 25 * 3600
    os.utime(left, (day_old, day_old))
    _post_deck(client, cm_module, deck)  # another one, read just now
    [_, fresh] = sorted(private_files(tmp_path), key=lambda p: p != left)

    deck_imports_expire_task.delay().get()

    assert private_files(tmp_path) == [fresh]
    assert not LessonPage.objects.exists()
