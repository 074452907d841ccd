"""A small curriculum for tests: Training → two courses (cm1; cm2) → modules → lessons.

Lesson bodies carry sentences that appear nowhere else, so a test can tell whether a response
holds a lesson body. `build_training_tree` is shared by the course tests and the browser journey.
"""

import json
from dataclasses import dataclass

from courses.models import CoursePage, LessonPage, ModulePage, TrainingIndexPage
from lms.models import HomePage

KC_ID = "0b6f1f64-5d0e-4c43-9a52-3f3c1b7f0001"
BODY_A1 = "Every progress note answers who, what, when and why."
BODY_REHAB = "Psychosocial rehabilitation builds skills in the community."
FEEDBACK_RIGHT_0 = "Yes: a note without the date of service cannot be billed."
FEEDBACK_WRONG_0 = "No: the client's preferences belong in the service plan."
FEEDBACK_RIGHT_1 = "Right: fifteen minutes make one unit of T1017."
FEEDBACK_WRONG_1 = "Not so: a unit is fifteen minutes, not an hour."


def knowledge_check(title: str = "Check your understanding") -> dict:
    """Two questions; option 0 of the first and option 1 of the second are correct."""
    return {
        "title": title,
        "questions": [
            {
                "prompt": "What must every progress note show?",
                "options": [
                    {"text": "The date of service", "correct": True, "feedback": FEEDBACK_RIGHT_0},
                    {
                        "text": "The client's favourite colour",
                        "correct": False,
                        "feedback": FEEDBACK_WRONG_0,
                    },
                ],
            },
            {
                "prompt": "How long is one billing unit?",
                "options": [
                    {"text": "One hour", "correct": False, "feedback": FEEDBACK_WRONG_1},
                    {"text": "Fifteen minutes", "correct": True, "feedback": FEEDBACK_RIGHT_1},
                ],
            },
        ],
    }


def text(sentence: str) -> dict:
    return {"type": "text", "value": f"<p>{sentence}</p>"}


@dataclass
class Tree:
    index: TrainingIndexPage
    course: CoursePage  # cm1: modules a and b, two lessons each; a1 has the knowledge check
    module_a: ModulePage
    module_b: ModulePage
    a1: LessonPage
    a2: LessonPage
    b1: LessonPage
    b2: LessonPage
    other_course: CoursePage  # cm2 only
    other_lesson: LessonPage

    @property
    def lessons(self) -> list[LessonPage]:
        return [self.a1, self.a2, self.b1, self.b2]


def _add(parent, page):
    parent.add_child(instance=page)
    return page


def _lesson(module, title: str, slug: str, body: list[dict]) -> LessonPage:
    return _add(
        module,
        LessonPage(
            title=title, slug=slug, summary=f"About {title.lower()}.", body=json.dumps(body)
        ),
    )


def build_training_tree() -> Tree:
    home = HomePage.objects.first()
    index = _add(home, TrainingIndexPage(title="Web-based training", slug="training"))
    course = _add(
        index,
        CoursePage(
            title="Case management foundations",
            slug="foundations",
            summary="What a case manager does, documents and bills.",
            tracks=["cm1"],
            classroom_days=[1, 2],
            pass_mark=80,
        ),
    )
    module_a = _add(course, ModulePage(title="Documentation", slug="documentation"))
    module_b = _add(course, ModulePage(title="Billing", slug="billing"))
    a1 = _lesson(
        module_a,
        "Progress notes",
        "progress-notes",
        [
            {"type": "heading", "value": {"text": "Why notes matter"}},
            text(BODY_A1),
            {"type": "knowledge_check", "value": knowledge_check(), "id": KC_ID},
        ],
    )
    a2 = _lesson(module_a, "Service plans", "service-plans", [text("A plan names goals.")])
    b1 = _lesson(module_b, "Units of service", "units", [text("One unit is 15 minutes.")])
    b2 = _lesson(module_b, "What is not billable", "not-billable", [text("Travel is not.")])
    other_course = _add(
        index,
        CoursePage(
            title="Rehabilitation basics",
            slug="rehabilitation",
            summary="Skills training for CM II.",
            tracks=["cm2"],
            classroom_days=[3, 4],
        ),
    )
    other_module = _add(other_course, ModulePage(title="Rehab", slug="rehab"))
    other_lesson = _lesson(other_module, "Rehab in practice", "practice", [text(BODY_REHAB)])
    return Tree(index, course, module_a, module_b, a1, a2, b1, b2, other_course, other_lesson)
