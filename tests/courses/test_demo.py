import html
import re

import pytest
from wagtail.models import Page, Revision

from courses.blocks import LessonStreamBlock
from courses.demo import CURRICULUM, seed_curriculum
from courses.models import CoursePage, LearningObjective, LessonPage, ModulePage, TrainingIndexPage
from lms.models import HomePage

# The documentation requirements of seed 001 (T1017 manual), one key phrase per element.
PROGRESS_NOTE_PHRASES = [
    "date",
    "person(s) to whom services are rendered",
    "start and stop times for each service",
    "original signature of the service provider",
    "original signatures for faxed items must be added to the clinical file within 30 days",
    "credentials of the service provider",
    "specific service plan needs, goals and/or objectives addressed",
    "related to advocacy, linkage, referral, or monitoring",
    "progress or barriers made towards goals and/or objectives",
    "member (family when applicable) response to the service",
    "any new service plan needs, goals, and/or objectives identified during the service",
    "member satisfaction with staff intervention",
]


def _strings(data):
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for value in data.values():
            yield from _strings(value)
    elif isinstance(data, list):
        for value in data:
            yield from _strings(value)


def _plain(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def _course_text(course: CoursePage) -> str:
    lessons = LessonPage.objects.descendant_of(course)
    return " ".join(_plain(s) for lesson in lessons for s in _strings(list(lesson.body.raw_data)))


@pytest.fixture
def index(db):
    return seed_curriculum(HomePage.objects.first())


def test_objective_codes_are_unique_in_the_data():
    codes = [
        o.code for c in CURRICULUM for m in c.modules for les in m.lessons for o in les.objectives
    ]
    assert len(codes) == len(set(codes))


def test_seeding_twice_builds_one_live_tree_and_changes_nothing(index):
    home = HomePage.objects.first()
    pages, revisions = Page.objects.count(), Revision.objects.count()
    objectives = list(LearningObjective.objects.values_list("code", "text"))

    again = seed_curriculum(home)

    assert again.pk == index.pk
    assert (Page.objects.count(), Revision.objects.count()) == (pages, revisions)
    assert list(LearningObjective.objects.values_list("code", "text")) == objectives
    assert TrainingIndexPage.objects.count() == 1
    assert (index.title, index.slug) == ("Web-based training", "training")
    assert index.get_parent().pk == home.pk
    courses = CoursePage.objects.child_of(index)
    assert sorted(c.slug for c in courses) == ["case-management", "rehab"]
    assert CoursePage.objects.count() == 2
    for course in courses:
        modules = ModulePage.objects.child_of(course)
        assert modules.count() >= 3
        for module in modules:
            assert LessonPage.objects.child_of(module).count() >= 2
    for page in Page.objects.descendant_of(index, inclusive=True):
        assert page.live and not page.has_unpublished_changes, page.url_path


def test_courses_have_their_tracks_days_and_pass_mark(index):
    cm = CoursePage.objects.get(slug="case-management")
    rehab = CoursePage.objects.get(slug="rehab")
    assert (cm.title, cm.classroom_days, cm.tracks, cm.pass_mark) == (
        "Case Management",
        [1, 2],
        ["cm1", "cm2", "cm2_cprp"],
        80,
    )
    assert (rehab.title, rehab.classroom_days, rehab.tracks, rehab.pass_mark) == (
        "Rehab",
        [3, 4],
        ["cm1_upgrade", "cm2"],
        80,
    )


def test_every_lesson_is_complete_and_ends_with_a_sound_knowledge_check(index):
    lessons = LessonPage.objects.descendant_of(index)
    assert lessons.count() >= 12
    for lesson in lessons:
        where = lesson.url_path
        assert lesson.summary and lesson.estimated_minutes > 0, where
        objectives = list(lesson.objectives.all())
        assert 1 <= len(objectives) <= 3, where
        for objective in objectives:
            assert re.fullmatch(r"(CM|RH)-[A-Z]+-\d", objective.code), objective.code
            assert objective.text.startswith("The learner can "), objective.code
        LessonStreamBlock().clean(lesson.body)  # raises ValidationError if invalid
        kinds = [block.block_type for block in lesson.body]
        assert {"heading", "text"} <= set(kinds), where
        assert kinds[-1] == "knowledge_check", where
        questions = lesson.body[-1].value["questions"]
        assert 2 <= len(questions) <= 3, where
        for question in questions:
            options = question["options"]
            assert 3 <= len(options) <= 4, question["prompt"]
            assert sum(bool(o["correct"]) for o in options) == 1, question["prompt"]
            assert all(o["text"].strip() and o["feedback"].strip() for o in options)


def test_lists_are_stored_in_block_format(index):
    raw = LessonPage.objects.get(slug="progress-notes").body.raw_data
    slide = next(block for block in raw if block["type"] == "slide")
    check = raw[-1]
    assert all(item["type"] == "item" and item["id"] for item in slide["value"]["bullets"])
    question = check["value"]["questions"][0]
    assert question["type"] == "item"
    assert all(option["type"] == "item" for option in question["value"]["options"])


def test_slides_have_nested_bullets_and_notes(index):
    slides = [
        block.value
        for lesson in LessonPage.objects.descendant_of(index)
        for block in lesson.body
        if block.block_type == "slide"
    ]
    assert len(slides) >= 2
    for slide in slides:
        assert slide["title"] and slide["notes"]
        assert {bullet["level"] for bullet in slide["bullets"]} == {0, 1}


def test_case_management_teaches_the_billing_and_documentation_rules(index):
    text = _course_text(CoursePage.objects.get(slug="case-management"))
    lower = text.lower()
    for phrase in PROGRESS_NOTE_PHRASES:
        assert phrase in lower, phrase
    for phrase in ["T1017", "15 minutes", "16 units", "25 units", "56 units"]:
        assert phrase in text, phrase
    assert re.search(r"\bHM\b", text) and re.search(r"\bHN\b", text)
    for phrase in [
        "strengths-based model",
        "linkage, advocacy, referral and monitoring",
        "crisis diversion",
        "physically escorting or transporting a member",
        "filling out soonercare forms",
        "30–35 members",
        "between 10 and 15",
        "8 to 10 families",
        "within two business days",
    ]:
        assert phrase in lower, phrase


def test_rehab_teaches_recovery_and_rehabilitation(index):
    lower = _course_text(CoursePage.objects.get(slug="rehab")).lower()
    for phrase in [
        "recovery",
        "community tenure",
        "self-sufficiency",
        "daily-living skills",
        "coping",
        "crisis plan",
        "identified supports",
        "rehabilitation",
        "person-first",
    ]:
        assert phrase in lower, phrase


def test_reseeding_restores_edited_content_with_one_new_revision(index):
    lesson = LessonPage.objects.get(slug="advocacy")
    lesson.summary = "Edited"
    lesson.objectives.set([])
    lesson.save_revision().publish()
    revisions = Revision.objects.count()

    seed_curriculum(HomePage.objects.first())

    lesson = LessonPage.objects.get(slug="advocacy")
    assert lesson.summary.startswith("Speaking and acting alongside a member")
    assert sorted(lesson.objectives.values_list("code", flat=True)) == ["CM-ADV-1", "CM-ADV-2"]
    assert Revision.objects.count() == revisions + 1


def test_lesson_bodies_render(index):
    for lesson in LessonPage.objects.descendant_of(index):
        rendered = lesson.body.render_as_block(context={"page": lesson})
        assert "Check your understanding" in rendered, lesson.url_path
