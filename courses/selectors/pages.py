"""What the course, module and lesson pages show (their template context), read for one
viewer's `CourseAccess`."""

import re

from django.urls import reverse
from wagtail.models import Page

from courses.models import CoursePage, LessonPage, LessonProgress, ModulePage
from courses.selectors.access import CourseAccess
from courses.selectors.catalogue import day_labels, track_labels
from courses.selectors.checks import checks_passed_ids, knowledge_check_ids, knowledge_check_view
from courses.selectors.progress import (
    ModuleEntry,
    Progress,
    course_is_completed,
    course_outline,
    course_progress,
    lesson_neighbours,
    progress_map,
    resume_lesson,
)
from enrollment.models import Application


def breadcrumbs(page) -> list[Page]:
    """The live pages from the training index down to `page`'s parent."""
    if not page.pk:
        return []
    return list(page.get_ancestors().live().filter(depth__gte=3).specific())


def _overview(
    application: Application | None, outline: list[ModuleEntry], access: CourseAccess
) -> dict:
    """Progress and where to resume, for a course or module page."""
    entries = [entry for module in outline for entry in module.lessons]
    lessons = [entry.lesson for entry in entries]
    done = sum(entry.status == "complete" for entry in entries)
    return {
        "application": application,
        "outline": outline,
        "progress": Progress(done, len(lessons)) if application is not None else None,
        "resume": resume_lesson(application, lessons) if access.can_open else None,
        "started": any(entry.status != "not_started" for entry in entries),
    }


def course_page_context(course: CoursePage, *, access: CourseAccess) -> dict:
    application = access.application
    return {
        "access": access,
        "breadcrumbs": breadcrumbs(course),
        "track_labels": track_labels(course),
        "day_labels": day_labels(course),
        "completed": application is not None and course_is_completed(application, course),
        **_overview(application, course_outline(course, application), access),
    }


def module_page_context(
    module: ModulePage, *, course: CoursePage | None, access: CourseAccess
) -> dict:
    outline = course_outline(course, access.application) if course is not None else []
    outline = [entry for entry in outline if entry.module.pk == module.pk]
    return {
        "course": course,
        "access": access,
        "breadcrumbs": breadcrumbs(module),
        "module_entry": outline[0] if outline else None,
        **_overview(access.application, outline, access),
    }


def lesson_status_text(progress: LessonProgress | None, *, has_checks: bool) -> str:
    """One sentence on where the learner stands in a lesson."""
    if progress is not None and progress.completed_at is not None:
        return "Lesson complete."
    read = progress is not None and progress.reached_end_at is not None
    checks_done = not has_checks or (progress is not None and progress.checks_passed_at)
    if read and not checks_done:
        return "You have read this lesson. Pass the knowledge check to complete it."
    if has_checks and checks_done:
        return "Knowledge check passed. Read to the end of the lesson to complete it."
    if has_checks:
        return "Read to the end of the lesson and pass the knowledge check to complete it."
    return "Read to the end of the lesson to complete it."


_LEARNER_CAN = re.compile(
    r"^(the learner|learners|the participant|participants)\s+(can|will be able to)\s+", re.I
)


def objective_phrase(text: str) -> str:
    """An objective as it reads after "After this lesson you can": "The learner can describe X"
    becomes "describe X" (the curriculum's objectives are written in the third person)."""
    return _LEARNER_CAN.sub("", (text or "").strip(), count=1)


def lesson_context(
    lesson: LessonPage, *, course: CoursePage | None, access: CourseAccess, check=None
) -> dict:
    """What the lesson page shows. Without access: the course outline and why. With access:
    the body (knowledge checks without their answers, unless `check` = (block id, result) was
    just graded), the learner's status and course progress."""
    context = {"course": course, "access": access, "breadcrumbs": breadcrumbs(lesson)}
    if not access.can_open:
        context["outline"] = course_outline(course, None) if course is not None else []
        return context
    application = access.application
    progress = progress_map(application, [lesson]).get(lesson.pk) if lesson.pk else None
    passed = checks_passed_ids(progress)
    has_checks = bool(knowledge_check_ids(lesson))
    previous_lesson, next_lesson = lesson_neighbours(lesson) if lesson.pk else (None, None)
    context.update(
        application=application,
        lesson_progress=progress,
        body_items=_body_items(lesson, passed, check),
        has_checks=has_checks,
        objectives=[objective_phrase(o.text) for o in lesson.objectives.all()],
        status_text=lesson_status_text(progress, has_checks=has_checks),
        read=progress is not None and progress.reached_end_at is not None,
        read_url=reverse("courses:lesson-read", args=[lesson.pk]) if lesson.pk else "",
        course_progress=(
            course_progress(application, course)
            if application is not None and course is not None
            else None
        ),
        previous_lesson=previous_lesson,
        next_lesson=next_lesson,
    )
    return context


def _body_items(lesson: LessonPage, passed: set[str], check) -> list[tuple[object, dict | None]]:
    items = []
    for child in lesson.body:
        view = None
        if child.block_type == "knowledge_check":
            block_id = child.id or ""
            action = ""
            if lesson.pk and block_id:
                action = reverse("courses:lesson-check", args=[lesson.pk, block_id])
            result = check[1] if check is not None and check[0] == block_id else None
            view = knowledge_check_view(
                child.value,
                block_id=block_id,
                action=action,
                result=result,
                passed=block_id in passed,
            )
        items.append((child, view))
    return items
