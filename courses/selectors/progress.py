"""How far one application has got: the course tree as it counts (live lessons in live
modules), lesson statuses, percentages per module, course and across the courses a track
requires, and where to resume. Every read is about one application.

A lesson counts when it is live and its module is live; percentages are lessons complete over
lessons counted (floored), per module, per course and over the courses a track requires.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from courses.models import CourseCompletion, CoursePage, LessonPage, LessonProgress, ModulePage
from courses.selectors.access import course_for
from enrollment.models import Application


@dataclass(frozen=True)
class Progress:
    done: int
    total: int

    @property
    def percent(self) -> int:
        return self.done * 100 // self.total if self.total else 0

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.done == self.total


@dataclass(frozen=True)
class LessonEntry:
    lesson: LessonPage
    status: str  # "complete", "started" or "not_started"

    @property
    def status_label(self) -> str:
        return {"complete": "Complete", "started": "Started"}.get(self.status, "Not started")


@dataclass(frozen=True)
class ModuleEntry:
    module: ModulePage
    lessons: list[LessonEntry] = field(default_factory=list)

    @property
    def progress(self) -> Progress:
        return Progress(sum(e.status == "complete" for e in self.lessons), len(self.lessons))


# --- The course tree and the outline -----------------------------------------------------------


def course_modules(course: CoursePage) -> list[ModulePage]:
    return list(ModulePage.objects.live().child_of(course).order_by("path"))


def course_lessons(course: CoursePage) -> list[LessonPage]:
    """The lessons that count for `course`: live, in a live module, in tree order."""
    return _lessons_under(course, course_modules(course))


def _lessons_under(ancestor, modules: Sequence[ModulePage]) -> list[LessonPage]:
    paths = {m.path for m in modules}
    lessons = LessonPage.objects.live().descendant_of(ancestor).order_by("path")
    return [lesson for lesson in lessons if lesson.path[: -LessonPage.steplen] in paths]


def module_lessons(module: ModulePage) -> list[LessonPage]:
    return list(LessonPage.objects.live().child_of(module).order_by("path"))


def progress_map(
    application: Application | None, lessons: Iterable[LessonPage]
) -> dict[int, LessonProgress]:
    """The application's progress rows for `lessons`, by lesson id."""
    if application is None:
        return {}
    ids = [lesson.pk for lesson in lessons]
    rows = LessonProgress.objects.filter(application=application, lesson_id__in=ids)
    return {row.lesson_id: row for row in rows}


def _status(row: LessonProgress | None) -> str:
    if row is None:
        return "not_started"
    return "complete" if row.completed_at else "started"


def course_outline(course: CoursePage, application: Application | None) -> list[ModuleEntry]:
    """The course's live modules, each with its live lessons and their status for
    `application` (all "not_started" without one)."""
    modules = course_modules(course)
    lessons = _lessons_under(course, modules)
    rows = progress_map(application, lessons)
    entries = {m.path: ModuleEntry(m) for m in modules}
    for lesson in lessons:
        module_entry = entries[lesson.path[: -LessonPage.steplen]]
        module_entry.lessons.append(LessonEntry(lesson, _status(rows.get(lesson.pk))))
    return list(entries.values())


def _progress_of(application: Application, lessons: Sequence[LessonPage]) -> Progress:
    done = LessonProgress.objects.filter(
        application=application,
        lesson_id__in=[lesson.pk for lesson in lessons],
        completed_at__isnull=False,
    ).count()
    return Progress(done, len(lessons))


def course_progress(application: Application, course: CoursePage) -> Progress:
    return _progress_of(application, course_lessons(course))


def module_progress(application: Application, module: ModulePage) -> Progress:
    return _progress_of(application, module_lessons(module))


def course_is_completed(application: Application, course: CoursePage) -> bool:
    return CourseCompletion.objects.filter(application=application, course=course).exists()


def resume_lesson(
    application: Application | None, lessons: Sequence[LessonPage]
) -> LessonPage | None:
    """Where to pick up: the unfinished lesson seen last, else the first unfinished one (the
    first lesson when nothing is recorded; None when every lesson is complete)."""
    rows = progress_map(application, lessons)
    unfinished = [lesson for lesson in lessons if not _is_complete(rows.get(lesson.pk))]
    seen = [lesson for lesson in unfinished if lesson.pk in rows]
    if seen:
        return max(seen, key=lambda lesson: rows[lesson.pk].last_seen_at)
    return unfinished[0] if unfinished else None


def _is_complete(row: LessonProgress | None) -> bool:
    return row is not None and row.completed_at is not None


def lesson_neighbours(lesson: LessonPage) -> tuple[LessonPage | None, LessonPage | None]:
    """The lessons before and after `lesson` in its course's order."""
    course = course_for(lesson)
    lessons = course_lessons(course) if course else []
    ids = [item.pk for item in lessons]
    if lesson.pk not in ids:
        return None, None
    i = ids.index(lesson.pk)
    return (lessons[i - 1] if i > 0 else None, lessons[i + 1] if i + 1 < len(lessons) else None)


# --- Across the courses a track requires (for the dashboard) ------------------------------------


def required_courses(track: str) -> list[CoursePage]:
    """The live courses whose `tracks` include `track`, in tree order.

    Filtered in Python: JSON containment (`tracks__contains`) is PostgreSQL-only, and the
    embedded SQLite default must serve the same pages; there are only a handful of courses."""
    courses = CoursePage.objects.live().order_by("path")
    return [course for course in courses if track in (course.tracks or [])]


def _required_lessons(application: Application) -> list[LessonPage]:
    lessons: list[LessonPage] = []
    for course in required_courses(application.track):
        lessons.extend(course_lessons(course))
    return lessons


def training_progress(application: Application) -> Progress:
    return _progress_of(application, _required_lessons(application))


def training_percent(application: Application) -> int:
    """Lessons complete over lessons in every course the application's track requires, 0–100."""
    return training_progress(application).percent


def training_resume_url(application: Application) -> str | None:
    """The lesson to resume across the required courses (None when all are complete or there
    are no lessons)."""
    lesson = resume_lesson(application, _required_lessons(application))
    return lesson.url if lesson is not None else None


def training_is_complete(application: Application) -> bool:
    """Every course the track requires has lessons and all of them are complete."""
    courses = required_courses(application.track)
    return bool(courses) and all(course_progress(application, c).complete for c in courses)
