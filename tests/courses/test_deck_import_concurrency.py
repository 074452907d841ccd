"""Confirming a big deck's import from several tabs at the same moment saves one draft lesson
(PostgreSQL, one thread and connection each, real commits; the booking concurrency pattern)."""

import threading

import pytest
from django.db import connections

from courses.deck_imports import deck_import_confirm
from courses.models import DeckImport, DeckImportStatus, LessonPage
from lms.models import AuditEvent
from tests.factories.courses import deck_bytes, upload

pytestmark = pytest.mark.django_db(transaction=True)

TABS = 4


def test_simultaneous_confirms_save_one_lesson(client, cm_module, editor, big_decks):
    client.force_login(editor)
    deck = deck_bytes([{"title": f"Slide {n}", "bullets": [("Point", 0)]} for n in range(3)])
    client.post("/admin/training/import/", {"module": cm_module.pk, "file": upload(deck)})
    deck_import = DeckImport.objects.get()
    assert deck_import.status == DeckImportStatus.READ  # the read ran on commit
    barrier = threading.Barrier(TABS)
    outcomes = [""] * TABS

    def confirm(index):
        try:
            barrier.wait(timeout=30)
            outcomes[index] = deck_import_confirm(deck_import=deck_import, user=editor).status
        except Exception as exc:  # reported in the assertion, never swallowed
            outcomes[index] = f"error: {exc!r}"
        finally:
            connections.close_all()

    threads = [threading.Thread(target=confirm, args=(i,)) for i in range(TABS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)

    assert not [o for o in outcomes if o.startswith("error")], outcomes
    deck_import.refresh_from_db()
    assert deck_import.status == DeckImportStatus.DONE
    assert list(LessonPage.objects.values_list("pk", flat=True)) == [deck_import.lesson_id]
    verbs = AuditEvent.objects.filter(object_id=str(deck_import.pk)).values_list("verb", flat=True)
    assert sorted(verbs).count("deck_import.confirmed") == 1
