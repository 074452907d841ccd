"""Demo content for the exam: the topics, 65 original items, and an active exam definition.

`seed_exam_bank()` is idempotent: topics are matched by code, items by title, the definition by
title; nothing that exists is changed. The lead's `seed_demo` command calls it.
"""

from dataclasses import dataclass

from django.db import transaction

from exams.demo_bank import TOPICS, all_items
from exams.models import BlueprintRow, ExamDefinition, ExamItem, ExamTopic, ItemStatus
from exams.rules import FeedbackMode
from exams.services.bank import item_create

DEMO_EXAM_TITLE = "Case Management Competency Exam"
ITEMS_PER_TOPIC = 3

# Item code → the courses demo's learning objectives it tests (linked when they exist, so that
# republishing a lesson flags its items for review).
OBJECTIVES: dict[str, tuple[str, ...]] = {
    "SBM-1": ("CM-SB-2",),
    "SBM-2": ("CM-SB-1",),
    "SBM-3": ("CM-SB-3",),
    "SBM-5": ("CM-FND-2",),
    "SBM-7": ("CM-SB-2",),
    **{f"DOC-{n}": ("CM-DOC-3",) for n in (1, 2, 3, 4, 6, 7, 9)},
    "DOC-5": ("CM-DOC-2",),
    "DOC-8": ("CM-DOC-1", "CM-DOC-2"),
    "T1017-1": ("CM-BIL-1",),
    "T1017-2": ("CM-BIL-2",),
    "T1017-3": ("CM-BIL-3",),
    "T1017-4": ("CM-BIL-3",),
    "T1017-5": ("CM-BIL-2",),
    "T1017-6": ("CM-BIL-1",),
    "T1017-7": ("CM-BIL-2",),
    **{f"NRA-{n}": ("CM-BIL-5",) for n in range(1, 9)},
    "CRI-1": ("CM-CRI-1",),
    "CRI-2": ("CM-CRI-1",),
    "CRI-3": ("CM-CRI-1",),
    "CRI-4": ("CM-MON-2",),
    "CRI-5": ("CM-MON-1",),
    "CRI-6": ("CM-TRN-1",),
    "CRI-7": ("CM-TRN-1",),
    "CRI-8": ("CM-BIL-4",),
    "CLT-1": ("CM-TYP-1",),
    "CLT-2": ("CM-TYP-1",),
    "CLT-3": ("CM-TYP-1",),
    "CLT-5": ("CM-TYP-2",),
    "CLT-6": ("CM-TYP-2",),
    "ETH-3": ("CM-ADV-2",),
    "ETH-7": ("CM-ADV-1",),
}


@dataclass(frozen=True)
class SeedReport:
    topics_created: int
    items_created: int
    definition_created: bool
    items_total: int


def seed_exam_bank(*, items_per_topic: int = ITEMS_PER_TOPIC) -> SeedReport:
    """Create the demo bank and exam if missing. Safe to run again: it converges."""
    with transaction.atomic():
        topics, topics_created = {}, 0
        for code, name, description in TOPICS:
            topic, created = ExamTopic.objects.get_or_create(
                code=code, defaults={"name": name, "description": description}
            )
            topics[code] = topic
            topics_created += created
        existing = set(ExamItem.objects.values_list("title", flat=True))
        items_created = 0
        for demo in all_items():
            if demo.title in existing:
                continue
            item_create(
                topic=topics[demo.topic],
                kind=demo.kind,
                title=demo.title,
                prompt=demo.prompt,
                options=demo.options,
                rationale=demo.rationale,
                difficulty_note=demo.difficulty,
                status=ItemStatus.ACTIVE,
                verb="exam_item.seeded",
            )
            items_created += 1
        definition_created = _definition(topics, items_per_topic)
        _link_objectives()
    return SeedReport(topics_created, items_created, definition_created, ExamItem.objects.count())


def _link_objectives() -> None:
    """Link demo items that have no objectives yet to the courses demo's objectives, if any."""
    from courses.models import LearningObjective

    by_code = {o.code: o for o in LearningObjective.objects.filter(code__startswith="CM-")}
    if not by_code:
        return
    titles = {demo.title for demo in all_items()}
    unlinked = ExamItem.objects.filter(title__in=titles, objectives__isnull=True)
    for item in unlinked:
        wanted = [by_code[c] for c in OBJECTIVES.get(item.title.split()[0], ()) if c in by_code]
        if wanted:
            item.objectives = wanted
            item.save()
            item.save_revision(clean=False)


def _definition(topics: dict[str, ExamTopic], per_topic: int) -> bool:
    if ExamDefinition.objects.filter(title=DEMO_EXAM_TITLE).exists():
        return False
    definition = ExamDefinition.objects.create(
        title=DEMO_EXAM_TITLE,
        instructions=(
            "Answer every question; each answer is saved as you choose it. Questions with "
            "square boxes may have more than one right answer: choose all that apply."
        ),
        is_active=True,
        time_limit_minutes=45,
        pass_mark_percent=75,
        attempts_allowed=3,
        retake_wait_hours=24,
        feedback=FeedbackMode.TOPICS,
    )
    BlueprintRow.objects.bulk_create(
        BlueprintRow(definition=definition, topic=topic, item_count=per_topic, sort_order=i)
        for i, topic in enumerate(topics.values())
    )
    return True
