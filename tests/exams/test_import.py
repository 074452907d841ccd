"""Importing GIFT and Aiken through the admin: a preview that writes nothing, all-or-nothing
imports, "import the valid items", duplicates skipped, and the export round trip."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from exams import gift
from exams.models import ExamItem, ItemStatus
from exams.rules import RuleViolation
from exams.selectors import import_plan, items_for_export
from exams.services.bank import items_import
from lms.models import AuditEvent
from tests.factories.exams import make_item, signed_in

pytestmark = pytest.mark.django_db

IMPORT_URL = "/admin/snippets/exams/examitem/import/"
GOOD_AND_BAD = """$CATEGORY: DOC

::Note date::Every progress note records… {=the date ~the weather ####Element 1.}

::Broken:: Two keys {=a =b ~c}

$CATEGORY: Ethics

Members may refuse case management. {T####They have that right.}

$CATEGORY: Astrology

::Unknown topic:: Stars? {=yes ~no}
"""


def _counts():
    return ExamItem.objects.count(), AuditEvent.objects.count()


def test_the_plan_lists_items_and_line_numbered_errors_and_writes_nothing(topics):
    before = _counts()
    plan = import_plan(text=GOOD_AND_BAD, fmt="gift", default_topic=None)
    assert [(p.parsed.title, p.topic.code) for p in plan.items] == [
        ("Note date", "DOC"),
        ("Members may refuse case management.", "ETH"),
    ]
    assert [(e.line, e.message[:18]) for e in plan.errors] == [
        (5, "more than one answ"),
        (13, "unknown topic “Ast"),
    ]
    assert _counts() == before


def test_errors_import_nothing_unless_the_valid_items_are_chosen(topics, editor):
    plan = import_plan(text=GOOD_AND_BAD, fmt="gift", default_topic=None)
    before = _counts()
    with pytest.raises(RuleViolation, match="2 errors; nothing was imported"):
        items_import(plan=plan, actor=editor)
    assert _counts() == before
    created = items_import(plan=plan, actor=editor, import_valid=True, activate=True)
    assert [(i.title, i.status) for i in created] == [
        ("Note date", ItemStatus.ACTIVE),
        ("Members may refuse case management.", ItemStatus.ACTIVE),
    ]
    assert all(i.latest_revision_id for i in created)
    assert AuditEvent.objects.filter(verb="exam_item.imported", actor=editor).count() == 2
    # The same file again: already in the bank, skipped.
    again = import_plan(text=GOOD_AND_BAD, fmt="gift", default_topic=None)
    assert len(again.duplicates) == 2 and again.new_items == []


def test_the_admin_preview_saves_nothing_then_confirm_imports(topics, editor):
    client = signed_in(editor)
    aiken = "Unit length of T1017?\nA. 15 minutes\nB. 30 minutes\nANSWER: A\n\nBroken\nA. x\n"
    before = _counts()
    preview = client.post(
        IMPORT_URL,
        {
            "file": SimpleUploadedFile("bank.txt", aiken.encode()),
            "format": "auto",
            "topic": topics[1].pk,
        },
    )
    page = preview.content.decode()
    assert preview.status_code == 200
    assert "Preview of the AIKEN file: nothing has been saved yet" in page
    assert "Unit length of T1017?" in page and "Line 6: this question has no ANSWER line." in page
    assert _counts() == before

    confirm = {"text": aiken, "format": "aiken", "topic": topics[1].pk}
    refused = client.post(IMPORT_URL, confirm)
    assert refused.status_code == 200 and "nothing was imported" in refused.content.decode()
    assert _counts() == before

    done = client.post(IMPORT_URL, {**confirm, "import_valid": "on"})
    assert done.status_code == 302
    item = ExamItem.objects.get()
    assert (item.topic, item.status, item.prompt) == (
        topics[1],
        ItemStatus.DRAFT,  # no rationale in Aiken: it arrives as a draft
        "Unit length of T1017?",
    )


def test_export_and_import_make_the_round_trip(topics, editor):
    make_item(topics[0], 1)
    make_item(topics[1], 2, kind="multiple")
    make_item(topics[2], 3, kind="true_false")
    make_item(topics[2], 4, status=ItemStatus.RETIRED)
    client = signed_in(editor)
    response = client.get("/admin/snippets/exams/examitem/export/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="exam-bank-')
    text = response.content.decode()
    assert "ETH-4" not in text  # retired items stay out unless asked for
    exported = items_for_export()
    ExamItem.objects.all().delete()
    plan = import_plan(text=text, fmt="gift", default_topic=None)
    assert plan.errors == [] and len(plan.new_items) == 3
    items_import(plan=plan, actor=editor, activate=True)
    assert items_for_export() == exported
    assert gift.dump(items_for_export()) == gift.dump(exported)


def test_only_editors_with_the_import_permission_may_import(topics, cert_staff, candidate):
    assert signed_in(cert_staff).get(IMPORT_URL).status_code in (302, 403)
    assert signed_in(candidate).get(IMPORT_URL).status_code in (302, 403)
