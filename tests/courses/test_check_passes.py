"""Knowledge-check passes are rows of their own (one per progress row and check block), read
to decide whether a lesson's checks are passed; the `lesson.check_passed` audit events are
still written but never read back."""

import importlib

import pytest
from django.apps import apps

from courses.models import KnowledgeCheckPass, LessonProgress
from courses.selectors import checks_passed_ids
from courses.services import lesson_check_submit, lesson_progress_read
from enrollment.models import ApplicationStatus
from lms.models import AuditEvent
from lms.services import audit_record
from tests.factories.courses import KC_ID

pytestmark = pytest.mark.django_db
S = ApplicationStatus
RIGHT = {0: 0, 1: 1}
WRONG = {0: 1, 1: 0}


def _row(application, lesson):
    return LessonProgress.objects.get(application=application, lesson=lesson)


def test_a_pass_is_one_row_however_often_it_is_passed(tree, approved):
    for answers in (RIGHT, RIGHT, WRONG):
        lesson_check_submit(application=approved, lesson=tree.a1, block_id=KC_ID, answers=answers)

    row = _row(approved, tree.a1)
    [check_pass] = KnowledgeCheckPass.objects.filter(progress=row)
    assert check_pass.block_id == KC_ID and check_pass.passed_at is not None
    assert checks_passed_ids(row) == {KC_ID}
    assert AuditEvent.objects.filter(verb="lesson.check_passed").count() == 1


def test_a_failed_check_writes_no_pass(tree, approved):
    lesson_check_submit(application=approved, lesson=tree.a1, block_id=KC_ID, answers=WRONG)

    assert not KnowledgeCheckPass.objects.exists()
    assert _row(approved, tree.a1).checks_passed_at is None


def test_the_lesson_reads_the_rows_not_the_audit_log(tree, approved):
    lesson_check_submit(application=approved, lesson=tree.a1, block_id=KC_ID, answers=WRONG)
    row = _row(approved, tree.a1)
    # An audit event alone (no row) is a record, not a pass.
    audit_record(actor=None, verb="lesson.check_passed", obj=row, to_state=KC_ID)
    assert checks_passed_ids(row) == set()
    lesson_progress_read(application=approved, lesson=tree.a1)
    assert _row(approved, tree.a1).completed_at is None

    KnowledgeCheckPass.objects.create(progress=row, block_id=KC_ID)
    assert checks_passed_ids(row) == {KC_ID}


def test_the_migration_carries_pass_events_into_rows(tree, approved):
    migration = importlib.import_module("courses.migrations.0003_knowledge_check_pass")
    lesson_check_submit(application=approved, lesson=tree.a1, block_id=KC_ID, answers=WRONG)
    row = _row(approved, tree.a1)
    audit_record(actor=None, verb="lesson.check_passed", obj=row, to_state=KC_ID)
    audit_record(actor=None, verb="lesson.check_passed", obj=row, to_state=KC_ID)  # a duplicate

    migration.carry_passes(apps, None)
    migration.carry_passes(apps, None)  # running twice adds nothing

    assert list(KnowledgeCheckPass.objects.values_list("progress_id", "block_id")) == [
        (row.pk, KC_ID)
    ]
