"""Reads for the web-based training: who may see and open which course, and how far one
application has got. Every read is scoped to the person asking (`course_access`) or to one
application, so nobody reads another person's progress through this module.

A lesson counts when it is live and its module is live; percentages are lessons complete over
lessons counted (floored), per module, per course and over the courses a track requires.
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from wagtail.models import Page

from courses.models import (
    DAY_CHOICES,
    TRACK_CHOICES,
    CourseCompletion,
    CoursePage,
    LessonPage,
    LessonProgress,
    ModulePage,
)
from enrollment.models import Application, ApplicationStatus
from enrollment.selectors import can_apply
from lms.models import AuditEvent, User
from lms.roles import Capability, can

S = ApplicationStatus

# Training is open from approval on, through every later step (spec section 3, step 4).
TRAINING_STATUSES = frozenset(
    {
        S.APPROVED,
        S.TRAINING_COMPLETE,
        S.TRAINING_APPROVED,
        S.CLASSROOM_COMPLETE,
        S.EXAM_PASSED,
        S.EMPLOYMENT_VERIFIED,
        S.CERTIFIED,
    }
)
PENDING_STATUSES = frozenset({S.DRAFT, S.SUBMITTED, S.RETURNED})

REASON_SIGN_IN = "Sign in to open the lessons."
REASON_AWAITING_APPROVAL = "Opens when your application is approved."
REASON_NOT_APPLICANT = "Lessons open to applicants whose application is approved."
REASON_OTHER_TRACK = "Your track does not require this course."

# The audit verb that records one knowledge check block passed (its id in `to_state`).
CHECK_PASSED_VERB = "lesson.check_passed"


# --- Who is asking ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Viewer:
    """What `course_access` needs to know about a person, read once per request."""

    is_authenticated: bool = False
    is_staff: bool = False  # certification staff, content editors, superusers: everything
    is_applicant: bool = False  # may apply (no staff or agency role)
    training: Application | None = None  # approved or later: lessons open on its track
    pending: Application | None = None  # draft, submitted or returned: outlines only


@dataclass(frozen=True)
class CourseAccess:
    can_open: bool
    reason: str = ""
    application: Application | None = None  # the application progress is recorded against
    can_see: bool = True  # False: the course is not in this person's catalogue (404)


def training_application_for(user: User) -> Application | None:
    """The user's newest application that is approved or later (and not expired or denied)."""
    if not user.is_authenticated:
        return None
    return (
        Application.objects.filter(user=user, status__in=TRAINING_STATUSES)
        .select_related("user")
        .order_by("-created_at", "-pk")
        .first()
    )


def viewer_get(user: User) -> Viewer:
    if not user.is_authenticated:
        return Viewer()
    if can(user, Capability.ALL_APPLICANT_RECORDS) or can(user, Capability.CURRICULA):
        return Viewer(is_authenticated=True, is_staff=True)
    if not can_apply(user):
        return Viewer(is_authenticated=True)
    pending = (
        Application.objects.filter(user=user, status__in=PENDING_STATUSES)
        .order_by("-created_at", "-pk")
        .first()
    )
    return Viewer(
        is_authenticated=True,
        is_applicant=True,
        training=training_application_for(user),
        pending=pending,
    )


def course_access(user: User, course: CoursePage, *, viewer: Viewer | None = None) -> CourseAccess:
    """Whether `user` may see `course` in the catalogue and open its lessons.

    Staff open everything. An applicant opens the courses their approved application's track
    requires; before approval they see those outlines only; courses their track does not
    require are hidden. Anonymous visitors, trainers and agency users see the catalogue only.
    """
    viewer = viewer or viewer_get(user)
    if viewer.is_staff:
        return CourseAccess(can_open=True)
    if not viewer.is_authenticated:
        return CourseAccess(can_open=False, reason=REASON_SIGN_IN)
    if not viewer.is_applicant:
        return CourseAccess(can_open=False, reason=REASON_NOT_APPLICANT)
    tracks = set(course.tracks or ())
    if viewer.training is not None and viewer.training.track in tracks:
        return CourseAccess(can_open=True, application=viewer.training)
    if viewer.pending is not None and viewer.pending.track in tracks:
        return CourseAccess(can_open=False, reason=REASON_AWAITING_APPROVAL)
    if viewer.training is not None or viewer.pending is not None:
        return CourseAccess(can_open=False, reason=REASON_OTHER_TRACK, can_see=False)
    # No live application (none yet, or only expired or denied ones): the public catalogue.
    return CourseAccess(can_open=False, reason=REASON_AWAITING_APPROVAL)


def course_for(page) -> CoursePage | None:
    """The course a module or lesson belongs to (the course itself for a course)."""
    if isinstance(page, CoursePage):
        return page
    if not page.pk or not page.path:
        return None
    return CoursePage.objects.ancestor_of(page).first()


def lesson_access(user: User, page) -> tuple[CoursePage | None, CourseAccess]:
    """The course of a module or lesson page and `user`'s access to it. A page outside any
    course (an unsaved page in a preview) is for staff only."""
    course = course_for(page)
    if course is None:
        staff = viewer_get(user).is_staff
        return None, CourseAccess(can_open=staff, can_see=staff)
    return course, course_access(user, course)


# --- The catalogue and the outline ------------------------------------------------------------


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


@dataclass(frozen=True)
class CourseCard:
    course: CoursePage
    access: CourseAccess
    progress: Progress | None  # None when nothing is recorded for this viewer
    completed: bool = False

    @property
    def track_labels(self) -> list[str]:
        return track_labels(self.course)


def track_labels(course: CoursePage) -> list[str]:
    return [label for value, label in TRACK_CHOICES if value in (course.tracks or ())]


def day_labels(course: CoursePage) -> list[str]:
    return [label for value, label in DAY_CHOICES if value in (course.classroom_days or ())]


def course_list_for(user: User, *, under=None) -> list[CourseCard]:
    """The live courses `user` may see (under the training index `under`, if given), in tree
    order, with the viewer's progress where they have an application on the course."""
    viewer = viewer_get(user)
    courses = CoursePage.objects.live().order_by("path")
    if under is not None:
        courses = courses.descendant_of(under)
    cards = []
    for course in courses:
        access = course_access(user, course, viewer=viewer)
        if not access.can_see:
            continue
        progress = completed = None
        if access.application is not None:
            progress = course_progress(access.application, course)
            completed = course_is_completed(access.application, course)
        cards.append(CourseCard(course, access, progress, bool(completed)))
    return cards


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


# --- Knowledge checks ---------------------------------------------------------------------------


def knowledge_check_ids(lesson: LessonPage) -> list[str]:
    """The stream ids of the lesson's knowledge check blocks, in order."""
    return [child.id for child in lesson.body if child.block_type == "knowledge_check"]


def knowledge_check_get(lesson: LessonPage, block_id: str):
    """The value (a StructValue) of the lesson's knowledge check `block_id`, or None."""
    for child in lesson.body:
        if child.block_type == "knowledge_check" and child.id == block_id:
            return child.value
    return None


def checks_passed_ids(progress: LessonProgress | None) -> set[str]:
    """The knowledge check blocks this progress row has passed at least once."""
    if progress is None or progress.pk is None:
        return set()
    return set(
        AuditEvent.objects.filter(
            content_type=ContentType.objects.get_for_model(LessonProgress),
            object_id=str(progress.pk),
            verb=CHECK_PASSED_VERB,
        ).values_list("to_state", flat=True)
    )


_VERDICTS = {True: "Correct.", False: "Not quite."}  # as the template and lesson.js say them
_LEARNER_CAN = re.compile(
    r"^(the learner|learners|the participant|participants)\s+(can|will be able to)\s+", re.I
)


def feedback_after_verdict(feedback: str, correct: bool) -> str:
    """The feedback shown after the verdict ("Correct." / "Not quite."), without repeating it
    when the editor's text already opens with the same words ("Not quite. Not quite. …")."""
    text = (feedback or "").strip()
    verdict = _VERDICTS[correct]
    if text.lower().startswith(verdict.lower()):
        return text[len(verdict) :].lstrip()
    return text


def objective_phrase(text: str) -> str:
    """An objective as it reads after "After this lesson you can": "The learner can describe X"
    becomes "describe X" (the curriculum's objectives are written in the third person)."""
    return _LEARNER_CAN.sub("", (text or "").strip(), count=1)


def knowledge_check_view(
    value, *, block_id: str, action: str, result=None, passed: bool = False
) -> dict:
    """What the knowledge check template shows: prompts and option texts, and, only for a graded
    submission (`result`, a `services.CheckResult`), the chosen option's verdict and feedback.
    Which option is correct never leaves the server before an answer."""
    questions = []
    graded = list(result.questions) if result is not None else []
    for qi, question in enumerate(value["questions"]):
        answer = graded[qi] if qi < len(graded) else None
        options = []
        for oi, option in enumerate(question["options"]):
            chosen = answer is not None and answer.chosen == oi
            options.append(
                {
                    "text": option["text"],
                    "chosen": chosen,
                    "verdict": ("correct" if answer.correct else "incorrect") if chosen else "",
                    "shown_feedback": feedback_after_verdict(answer.feedback, answer.correct)
                    if chosen
                    else "",
                }
            )
        questions.append(
            {
                "prompt": question["prompt"],
                "options": options,
                "unanswered": answer is not None and answer.chosen is None,
            }
        )
    return {
        "block_id": block_id,
        "action": action,
        "questions": questions,
        "result": result,
        "passed": passed,
    }


# --- What the pages show -------------------------------------------------------------------------


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
