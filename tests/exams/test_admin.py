"""The exam's back office: editors keep the bank (revisions, status), certification staff keep
definitions, grants and extra-time decisions; each sees only their part."""

import pytest
from django.core import mail

from exams.models import AccommodationRequest, ExamDefinition, ExamGrant, ExamItem, ItemStatus
from lms.models import AuditEvent
from tests.factories.exams import make_candidate, make_item, signed_in

pytestmark = pytest.mark.django_db

ITEMS = "/admin/snippets/exams/examitem/"


def _item_form(item, **overrides):
    options = list(item.options.all())
    data = {
        "title": item.title,
        "topic": item.topic_id,
        "kind": item.kind,
        "prompt": item.prompt,
        "rationale": item.rationale,
        "difficulty_note": "",
        "options-TOTAL_FORMS": str(len(options)),
        "options-INITIAL_FORMS": str(len(options)),
        "options-MIN_NUM_FORMS": "2",
        "options-MAX_NUM_FORMS": "1000",
    }
    for i, option in enumerate(options):
        data |= {
            f"options-{i}-id": option.pk,
            f"options-{i}-text": option.text,
            f"options-{i}-ORDER": str(i + 1),
            f"options-{i}-DELETE": "",
        }
        if option.is_correct:
            data[f"options-{i}-is_correct"] = "on"
    return data | overrides


def test_editing_an_active_item_makes_a_revision_and_keeps_its_status(topics, editor):
    item = make_item(topics[0], 1)
    first_revision = item.latest_revision_id
    client = signed_in(editor)
    assert client.get(ITEMS).status_code == 200
    response = client.post(f"{ITEMS}edit/{item.pk}/", _item_form(item, prompt="Sharper wording?"))
    assert response.status_code == 302, response.content.decode()[:2000]
    item.refresh_from_db()
    assert item.prompt == "Sharper wording?" and item.status == ItemStatus.ACTIVE
    assert item.latest_revision_id != first_revision
    assert item.revisions.count() == 2


def test_the_item_editor_refuses_options_that_do_not_fit_the_kind(topics, editor):
    item = make_item(topics[0], 1)
    data = _item_form(item)
    data["options-1-is_correct"] = "on"  # two keys on a single-answer item
    response = signed_in(editor).post(f"{ITEMS}edit/{item.pk}/", data)
    assert response.status_code == 200
    assert "Mark exactly one option as correct." in response.content.decode()
    assert item.revisions.count() == 1


def test_status_changes_are_audited_and_activation_needs_a_complete_item(topics, editor):
    item = make_item(topics[0], 1, status=ItemStatus.DRAFT, rationale="")
    client = signed_in(editor)
    page = client.get(f"{ITEMS}status/{item.pk}/").content.decode()
    assert "Write the rationale candidates read in review." in page
    client.post(f"{ITEMS}status/{item.pk}/", {"to": "active"})
    item.refresh_from_db()
    assert item.status == ItemStatus.DRAFT
    ExamItem.objects.filter(pk=item.pk).update(rationale="Because.")
    client.post(f"{ITEMS}status/{item.pk}/", {"to": "active", "reason": "Reviewed."})
    client.post(f"{ITEMS}status/{item.pk}/", {"to": "draft"})  # not allowed from active
    item.refresh_from_db()
    assert item.status == ItemStatus.ACTIVE
    event = AuditEvent.objects.get(verb="exam_item.active")
    assert (event.actor, event.from_state, event.reason) == (editor, "draft", "Reviewed.")


def test_items_served_to_candidates_cannot_be_deleted(exam, candidate, editor):
    from exams.services.attempts import attempt_start

    attempt = attempt_start(user=candidate)
    item = attempt.items.first().item
    response = signed_in(editor).post(f"{ITEMS}delete/{item.pk}/")
    assert response.status_code == 302
    assert ExamItem.objects.filter(pk=item.pk).exists()


def test_staff_keep_definitions_and_editors_cannot(topics, cert_staff, editor):
    client = signed_in(cert_staff)
    assert client.get("/admin/exam-definitions/").status_code == 200
    data = {
        "title": "Spring exam",
        "instructions": "",
        "is_active": "on",
        "time_limit_minutes": "50",
        "pass_mark_percent": "70",
        "attempts_allowed": "3",
        "retake_wait_hours": "48",
        "feedback": "topics",
        "opens_at": "",
        "closes_at": "",
        "blueprint-TOTAL_FORMS": "2",
        "blueprint-INITIAL_FORMS": "0",
        "blueprint-MIN_NUM_FORMS": "1",
        "blueprint-MAX_NUM_FORMS": "1000",
        "blueprint-0-topic": topics[0].pk,
        "blueprint-0-item_count": "10",
        "blueprint-0-ORDER": "1",
        "blueprint-1-topic": topics[1].pk,
        "blueprint-1-item_count": "5",
        "blueprint-1-ORDER": "2",
    }
    response = client.post("/admin/exam-definitions/new/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    definition = ExamDefinition.objects.get(title="Spring exam")
    assert definition.item_count == 15 and definition.retake_wait_hours == 48
    assert client.get(f"/admin/exam-definitions/delete/{definition.pk}/").status_code in (302, 403)
    assert signed_in(editor).get("/admin/exam-definitions/").status_code in (302, 403)


def test_staff_grant_the_exam_through_the_admin(
    exam, cert_staff, django_capture_on_commit_callbacks
):
    _, application = make_candidate(status="training_approved")
    _, draft = make_candidate(status="draft")
    client = signed_in(cert_staff)
    refused = client.post("/admin/exam-grants/new/", {"application": draft.pk, "reason": "Please."})
    assert refused.status_code == 200 and not ExamGrant.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/exam-grants/new/",
            {"application": application.pk, "reason": "Day 2 rescheduled by ODMHSAS."},
        )
    assert response.status_code == 302
    grant = ExamGrant.objects.get()
    assert (grant.application, grant.granted_by) == (application, cert_staff)
    assert mail.outbox[-1].subject == "The competency exam is open to you"
    assert client.get(f"/admin/exam-grants/edit/{grant.pk}/").status_code in (302, 403)


def test_staff_decide_extra_time_through_the_admin(
    candidate, cert_staff, editor, django_capture_on_commit_callbacks
):
    request = AccommodationRequest.objects.create(
        user=candidate, kind="minutes", amount=20, reason="Medical."
    )
    client = signed_in(cert_staff)
    page = client.get(f"/admin/exam-accommodations/inspect/{request.pk}/")
    assert page.status_code == 200 and "+20 minutes" in page.content.decode()
    url = f"/admin/exam-accommodations/decide/{request.pk}/"
    client.post(url, {"decision": "deny", "note": ""})  # a denial needs a reason
    request.refresh_from_db()
    assert request.status == "pending"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"decision": "approve", "note": "Letter on file."})
    request.refresh_from_db()
    assert (request.status, request.decided_by) == ("approved", cert_staff)
    assert "approved" in mail.outbox[-1].subject
    assert signed_in(editor).post(url, {"decision": "deny", "note": "x"}).status_code in (302, 403)
