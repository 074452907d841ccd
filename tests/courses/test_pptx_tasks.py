"""Big decks are read by a Celery task (eager in tests) with a soft time limit while the editor
watches a status page that reloads itself; refusals end the import as failed with the reason,
and leave no lesson, image or stored deck behind. Confirming the report and saving the draft are
in test_deck_import_confirm.py."""

import io

import pytest
from pptx import Presentation
from wagtail.images import get_image_model

from courses.models import DeckImport, DeckImportStatus, LessonPage
from courses.pptx_limits import DeckLimits
from courses.tasks import deck_import_task
from lms.models import AuditEvent
from lms.roles import Role
from tests.factories.courses import deck_bytes, overlapping_bomb, private_files, upload

pytestmark = pytest.mark.django_db

IMPORT_URL = "/admin/training/import/"
Image = get_image_model()
DECK = [{"title": f"Slide {n}", "bullets": [(f"Point {n}", 0)]} for n in range(1, 6)]


def _post(client, cm_module, data: bytes):
    return client.post(IMPORT_URL, {"module": cm_module.pk, "file": upload(data, "week1.pptx")})


def test_a_big_deck_is_imported_by_the_task_and_the_status_page_follows_it(
    client, cm_module, editor, big_decks, tmp_path, django_capture_on_commit_callbacks
):
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = _post(client, cm_module, deck_bytes(DECK))
    deck_import = DeckImport.objects.get()
    status_url = f"/admin/training/import/{deck_import.pk}/"
    assert response.status_code == 302 and response["Location"] == status_url
    assert len(queued) == 1 and not LessonPage.objects.exists()
    assert len(private_files(tmp_path)) == 1  # the deck waits in private storage

    waiting = client.get(status_url).content.decode()
    assert "Waiting to start" in waiting and "week1.pptx" in waiting
    assert '<meta http-equiv="refresh" content="2">' in waiting

    queued[0]()  # the commit happens: the (eager) task runs

    deck_import.refresh_from_db()
    assert (deck_import.status, deck_import.read_at is not None) == (DeckImportStatus.READ, True)
    assert (deck_import.slides_done, deck_import.slides_total) == (5, 5)
    assert not LessonPage.objects.exists()  # nothing is saved before the editor confirms
    read = client.get(status_url).content.decode()
    assert "Import report: 5 slides in the deck, 5 imported" in read
    assert 'http-equiv="refresh"' not in read

    with django_capture_on_commit_callbacks(execute=True):
        client.post(status_url, {"confirm": "1"})
    deck_import.refresh_from_db()
    lesson = LessonPage.objects.get()
    assert (deck_import.status, deck_import.lesson, deck_import.finished_at is not None) == (
        DeckImportStatus.DONE,
        lesson,
        True,
    )
    assert [block.value["title"] for block in lesson.body] == [s["title"] for s in DECK]
    assert private_files(tmp_path) == []
    done = client.get(status_url).content.decode()
    assert "Imported" in done and f"/admin/pages/{lesson.pk}/edit/" in done
    assert 'http-equiv="refresh"' not in done


def test_the_done_page_counts_the_slides_the_lesson_kept(
    client, cm_module, editor, big_decks, django_capture_on_commit_callbacks
):
    presentation = Presentation(io.BytesIO(deck_bytes(DECK)))
    presentation.slides[2]._element.set("show", "0")  # hidden in the deck
    data = io.BytesIO()
    presentation.save(data)
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        _post(client, cm_module, data.getvalue())
    status_url = f"/admin/training/import/{DeckImport.objects.get().pk}/"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(status_url, {"confirm": "1"})

    done = client.get(status_url).content.decode()
    assert "as a draft lesson with 4 slides (1 hidden slide of the deck left out)." in done
    assert len(LessonPage.objects.get().body) == 4


def test_a_deck_refused_by_the_task_ends_failed_with_the_reason(
    client, cm_module, editor, big_decks, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.PPTX_IMPORT_MAX_SLIDES = 3
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, cm_module, deck_bytes(DECK))

    deck_import = DeckImport.objects.get()
    assert deck_import.status == DeckImportStatus.FAILED
    assert "has 5 slides; at most 3" in deck_import.error
    page = client.get(response["Location"]).content.decode()
    assert "Refused" in page and "has 5 slides; at most 3" in page
    assert not LessonPage.objects.exists() and not Image.objects.exists()
    assert private_files(tmp_path) == []


def test_a_bomb_is_refused_at_the_field_before_anything_is_stored_or_queued(
    client, cm_module, editor, big_decks, tmp_path, django_capture_on_commit_callbacks
):
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = _post(client, cm_module, overlapping_bomb())

    assert response.status_code == 200
    assert "unpacks to 2240.1 MB" in response.context["form"].errors["file"][0]
    assert queued == [] and not DeckImport.objects.exists()
    assert private_files(tmp_path) == []


def test_running_the_read_task_twice_reads_once_and_saves_nothing(
    client, cm_module, editor, big_decks, django_capture_on_commit_callbacks
):
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        _post(client, cm_module, deck_bytes(DECK))
    deck_import = DeckImport.objects.get()

    assert deck_import_task.delay(deck_import.pk).get() == DeckImportStatus.READ
    assert not LessonPage.objects.exists()
    verbs = AuditEvent.objects.filter(object_id=str(deck_import.pk)).values_list("verb", flat=True)
    assert sorted(verbs) == ["deck_import.queued", "deck_import.read", "deck_import.running"]


def test_only_the_editor_who_started_it_sees_the_status(
    client, cm_module, editor, make_user, big_decks, django_capture_on_commit_callbacks
):
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=False):
        response = _post(client, cm_module, deck_bytes(DECK))
    other = make_user(Role.CONTENT_EDITOR)
    client.force_login(other)
    assert client.get(response["Location"]).status_code == 404


def test_small_decks_are_still_imported_in_the_request(client, cm_module, editor):
    client.force_login(editor)
    preview = _post(client, cm_module, deck_bytes(DECK))
    assert preview.status_code == 200 and "Import report" in preview.content.decode()
    response = client.post(IMPORT_URL, {"preview": preview.context["token"]})
    lesson = LessonPage.objects.get()
    assert response["Location"] == f"/admin/pages/{lesson.pk}/edit/"
    assert not DeckImport.objects.exists()


def test_the_task_has_the_soft_time_limit_of_the_settings():
    assert deck_import_task.soft_time_limit == DeckLimits().time_limit_seconds == 300
    assert deck_import_task.time_limit > deck_import_task.soft_time_limit


def test_the_soft_time_limit_mid_read_ends_the_import_failed_and_saves_nothing(
    client, cm_module, editor, big_decks, monkeypatch, tmp_path, django_capture_on_commit_callbacks
):
    """Celery's worker enforces `soft_time_limit` with a signal whose handler raises
    SoftTimeLimitExceeded wherever the task is; here the same signal arrives after the second
    slide (eager tasks have no timer of their own)."""
    import os
    import signal

    from celery.exceptions import SoftTimeLimitExceeded

    from courses import deck_imports

    def on_signal(signum, frame):
        raise SoftTimeLimitExceeded()

    previous = signal.signal(signal.SIGUSR1, on_signal)
    report = deck_imports._progress

    def report_then_time_out(pk, done, total):
        report(pk, done, total)
        if done == 2:
            os.kill(os.getpid(), signal.SIGUSR1)

    monkeypatch.setattr(deck_imports, "_progress", report_then_time_out)
    client.force_login(editor)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = _post(client, cm_module, deck_bytes(DECK))
    finally:
        signal.signal(signal.SIGUSR1, previous)

    deck_import = DeckImport.objects.get()
    assert deck_import.status == DeckImportStatus.FAILED
    assert "took longer than 300 seconds" in deck_import.error
    assert deck_import.slides_done == 2
    assert "took longer than 300 seconds" in client.get(response["Location"]).content.decode()
    assert not LessonPage.objects.exists() and not Image.objects.exists()
    assert private_files(tmp_path) == []
