"""A big deck is imported in two phases: the task reads it and keeps its import report, the
status page shows the report with Confirm and Cancel, and only Confirm saves the draft lesson
(a second task, eager in tests). Cancel, or a day without confirmation, keeps nothing."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from wagtail.images import get_image_model

from courses.deck_imports import deck_import_confirm
from courses.models import DeckImport, DeckImportStatus, LessonPage
from courses.tasks import deck_import_save_task, deck_imports_expire_task
from lms import clock
from lms.celery import app
from lms.models import AuditEvent
from lms.roles import Role
from tests.factories.courses import deck_bytes, png_bytes, private_files, upload

pytestmark = pytest.mark.django_db

IMPORT_URL = "/admin/training/import/"
Image = get_image_model()
DECK = [
    {"title": "Intake", "bullets": [("Greet the client", 0)], "pictures": [png_bytes()]},
    {"title": "Assessment", "bullets": [("Needs", 0), ("Strengths", 1)]},
    {"title": "Plan", "notes": "Set goals together."},
]


@pytest.fixture
def read_import(client, cm_module, editor, big_decks, django_capture_on_commit_callbacks):
    """The editor uploads a big deck and the (eager) task reads it."""
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(IMPORT_URL, {"module": cm_module.pk, "file": upload(deck_bytes(DECK))})
    return DeckImport.objects.get()


def _status_url(deck_import: DeckImport) -> str:
    return f"/admin/training/import/{deck_import.pk}/"


def _verbs(deck_import: DeckImport) -> list[str]:
    events = AuditEvent.objects.filter(object_id=str(deck_import.pk)).order_by("pk")
    return list(events.values_list("verb", flat=True))


def test_the_report_is_shown_and_nothing_saved_until_confirm(
    client, read_import, editor, tmp_path, django_capture_on_commit_callbacks
):
    assert read_import.status == DeckImportStatus.READ
    assert not LessonPage.objects.exists() and not Image.objects.exists()
    assert len(private_files(tmp_path)) == 1  # the deck waits for the editor's answer

    page = client.get(_status_url(read_import)).content.decode()
    assert "Nothing has been saved yet" in page
    assert "Import report: 3 slides in the deck, 3 imported" in page
    assert "1 paragraph, 1 picture" in page and "the speaker notes" in page
    assert 'name="confirm"' in page and 'name="cancel"' in page
    assert 'http-equiv="refresh"' not in page  # the page waits for the editor

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_status_url(read_import), {"confirm": "1"})
    assert response["Location"] == _status_url(read_import)

    read_import.refresh_from_db()
    lesson = LessonPage.objects.get()
    assert (read_import.status, read_import.lesson) == (DeckImportStatus.DONE, lesson)
    assert not lesson.live and lesson.get_parent().specific == read_import.module
    reported = [slide["title"] for slide in read_import.report["slides"]]
    assert (
        [block.value["title"] for block in lesson.body]
        == reported
        == [
            "Intake",
            "Assessment",
            "Plan",
        ]
    )
    assert Image.objects.count() == 1 and private_files(tmp_path) == []
    done = client.get(_status_url(read_import)).content.decode()
    assert f"/admin/pages/{lesson.pk}/edit/" in done and 'name="confirm"' not in done
    assert _verbs(read_import) == [
        "deck_import.queued",
        "deck_import.running",
        "deck_import.read",
        "deck_import.confirmed",
        "deck_import.saving",
        "deck_import.done",
    ]
    confirmed = AuditEvent.objects.get(object_id=str(read_import.pk), verb="deck_import.confirmed")
    assert confirmed.actor == editor


def test_confirming_twice_saves_one_lesson(client, read_import, django_capture_on_commit_callbacks):
    """A double click (the second before the save ran), then a second tab after it ran."""
    with django_capture_on_commit_callbacks(execute=False) as first:
        client.post(_status_url(read_import), {"confirm": "1"})
    with django_capture_on_commit_callbacks(execute=False) as second:
        client.post(_status_url(read_import), {"confirm": "1"})
    assert (len(first), len(second)) == (1, 0)  # one save queued
    first[0]()
    with django_capture_on_commit_callbacks(execute=True):
        later = client.post(_status_url(read_import), {"confirm": "1"}, follow=True)

    assert later.status_code == 200
    assert LessonPage.objects.count() == 1
    assert deck_import_save_task.delay(read_import.pk).get() == DeckImportStatus.DONE
    assert LessonPage.objects.count() == 1
    assert _verbs(read_import).count("deck_import.confirmed") == 1


def test_cancel_keeps_nothing(client, read_import, tmp_path, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_status_url(read_import), {"cancel": "1"})
    assert response["Location"] == f"{IMPORT_URL}?module={read_import.module_id}"

    read_import.refresh_from_db()
    assert read_import.status == DeckImportStatus.CANCELLED
    assert (read_import.report, read_import.storage_name) == ({}, "")
    assert not LessonPage.objects.exists() and not Image.objects.exists()
    assert private_files(tmp_path) == []
    assert _verbs(read_import)[-1] == "deck_import.cancelled"

    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(_status_url(read_import), {"confirm": "1"}, follow=True)
    assert "can no longer be saved (cancelled)" in again.content.decode()
    assert not LessonPage.objects.exists()


def test_another_editor_gets_404_and_changes_nothing(
    client, read_import, make_user, django_capture_on_commit_callbacks
):
    client.force_login(make_user(Role.CONTENT_EDITOR))
    url = _status_url(read_import)
    with django_capture_on_commit_callbacks(execute=True):
        answers = [
            client.get(url).status_code,
            client.post(url, {"confirm": "1"}).status_code,
            client.post(url, {"cancel": "1"}).status_code,
        ]
    assert answers == [404, 404, 404]
    read_import.refresh_from_db()
    assert read_import.status == DeckImportStatus.READ and not LessonPage.objects.exists()


def test_an_editor_who_may_no_longer_add_lessons_cannot_confirm(read_import, editor):
    editor.groups.clear()
    with pytest.raises(PermissionDenied):
        deck_import_confirm(deck_import=read_import, user=editor)
    read_import.refresh_from_db()
    assert read_import.status == DeckImportStatus.READ and not LessonPage.objects.exists()


def test_a_read_left_unconfirmed_for_a_day_is_cancelled_once(
    read_import, cm_module, editor, tmp_path, django_capture_on_commit_callbacks
):
    recent = DeckImport.objects.create(
        user=editor,
        module=cm_module,
        file_name="recent.pptx",
        status=DeckImportStatus.READ,
        read_at=clock.now() - timedelta(hours=23),
    )
    DeckImport.objects.filter(pk=read_import.pk).update(read_at=clock.now() - timedelta(hours=25))
    with django_capture_on_commit_callbacks(execute=True):
        assert deck_imports_expire_task.delay(clock.now().isoformat()).get() == 1
        assert deck_imports_expire_task.delay().get() == 0  # safe to run twice

    read_import.refresh_from_db()
    recent.refresh_from_db()
    assert (read_import.status, recent.status) == (
        DeckImportStatus.CANCELLED,
        DeckImportStatus.READ,
    )
    assert "Not confirmed within a day" in read_import.error
    assert private_files(tmp_path) == [] and not LessonPage.objects.exists()
    expired = AuditEvent.objects.get(object_id=str(read_import.pk), verb="deck_import.cancelled")
    assert expired.actor is None


def test_the_cleanup_is_a_periodic_job():
    scheduled = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert "courses.tasks.deck_imports_expire_task" in scheduled
