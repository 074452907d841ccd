"""The demo bank: at least 60 original items over at least 6 topics, idempotent, usable."""

from collections import Counter

import pytest

from exams import gift
from exams.demo import DEMO_EXAM_TITLE, seed_exam_bank
from exams.models import ExamDefinition, ExamItem, ExamTopic, ItemStatus
from exams.rules import activation_problems
from exams.selectors import import_plan, items_for_export
from exams.services.attempts import attempt_start
from tests.factories.exams import make_candidate

pytestmark = pytest.mark.django_db


def test_seed_creates_the_bank_and_the_exam_once():
    report = seed_exam_bank()
    assert report.items_created >= 60 and report.topics_created >= 6
    assert seed_exam_bank().items_created == 0
    assert ExamTopic.objects.count() == report.topics_created
    per_topic = Counter(ExamItem.objects.values_list("topic__code", flat=True))
    assert len(per_topic) >= 6 and min(per_topic.values()) >= 8
    for item in ExamItem.objects.prefetch_related("options"):
        assert item.status == ItemStatus.ACTIVE and item.latest_revision_id
        assert not activation_problems(
            item.kind, item.option_pairs(), prompt=item.prompt, rationale=item.rationale
        )
    assert {k for (k,) in ExamItem.objects.values_list("kind")} == {
        "single",
        "multiple",
        "true_false",
    }
    definition = ExamDefinition.objects.get(title=DEMO_EXAM_TITLE)
    assert definition.is_active and definition.item_count == 24


def test_the_demo_exam_can_be_taken_and_the_bank_exported():
    seed_exam_bank()
    user, _ = make_candidate()
    attempt = attempt_start(user=user)
    assert attempt.items.count() == 24
    text = gift.dump(items_for_export())
    plan = import_plan(text=text, fmt="gift", default_topic=None)
    assert plan.errors == [] and len(plan.duplicates) == ExamItem.objects.count()
    assert "windshield" in text.lower() and "HM" in text


def test_demo_items_link_to_the_curriculum_demo_objectives_when_present():
    from courses.demo import seed_curriculum
    from lms.models import HomePage

    seed_curriculum(HomePage.objects.first())
    seed_exam_bank()
    linked = ExamItem.objects.filter(objectives__isnull=False).distinct()
    assert linked.count() > 0
    assert seed_exam_bank().items_created == 0  # still idempotent with the links
