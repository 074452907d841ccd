"""Publishing a lesson again flags the active items that test its objectives for review."""

import pytest
from django.core import mail
from wagtail.models import Page

from courses.models import (
    CoursePage,
    LearningObjective,
    LessonPage,
    ModulePage,
    TrainingIndexPage,
)
from exams.models import ExamItem, ItemStatus
from exams.selectors import pools_by_topic
from exams.services.bank import item_status_set
from lms.models import AuditEvent, HomePage
from tests.factories.exams import make_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def lesson(db):
    home = HomePage.objects.first() or Page.get_first_root_node().add_child(
        instance=HomePage(title="Home", slug="home-exams")
    )
    index = home.add_child(instance=TrainingIndexPage(title="Training", slug="training-exams"))
    course = index.add_child(
        instance=CoursePage(title="Case management", summary="s", tracks=["cm1"])
    )
    module = course.add_child(instance=ModulePage(title="Documentation"))
    return module.add_child(instance=LessonPage(title="Progress notes"))


def test_publishing_a_lesson_flags_linked_active_items_and_emails_editors(
    lesson, topics, editor, django_capture_on_commit_callbacks
):
    notes, plans = (
        LearningObjective.objects.create(code="T-DOC-1", text="List the note elements"),
        LearningObjective.objects.create(code="T-DOC-2", text="Plan development"),
    )
    linked = make_item(topics[0], 1)
    linked.objectives = [notes]
    linked.save()
    draft = make_item(topics[0], 2, status=ItemStatus.DRAFT)
    draft.objectives = [notes]
    draft.save()
    elsewhere = make_item(topics[0], 3)
    elsewhere.objectives = [plans]
    elsewhere.save()
    unlinked = make_item(topics[0], 4)

    lesson.objectives = [notes]
    with django_capture_on_commit_callbacks(execute=True):
        lesson.save_revision(user=editor).publish()

    states = dict(ExamItem.objects.values_list("pk", "status"))
    assert states[linked.pk] == ItemStatus.NEEDS_REVIEW
    assert states[draft.pk] == ItemStatus.DRAFT
    assert states[elsewhere.pk] == states[unlinked.pk] == ItemStatus.ACTIVE
    event = AuditEvent.objects.get(verb="exam_item.needs_review")
    assert (event.object_id, event.actor, event.from_state) == (str(linked.pk), editor, "active")
    assert "Progress notes" in event.reason
    [message] = mail.outbox
    assert message.to == [editor.email]
    assert "1 exam item needs review" in message.subject and linked.title in message.body

    # Not drawn while in review; cleared by an editor, it is drawn again.
    assert linked.pk not in pools_by_topic([topics[0].pk])[topics[0].pk]
    item_status_set(item=linked, to=ItemStatus.ACTIVE, actor=editor, reason="Still correct.")
    assert linked.pk in pools_by_topic([topics[0].pk])[topics[0].pk]


def test_publishing_a_lesson_without_objectives_changes_nothing(lesson, topics):
    make_item(topics[0], 1)
    lesson.save_revision().publish()
    assert not ExamItem.objects.exclude(status=ItemStatus.ACTIVE).exists()
    assert not AuditEvent.objects.filter(verb="exam_item.needs_review").exists()
