"""Writes for the web-based training: opening and reading lessons, knowledge checks, course
completion, and the hand-over to the application when every required course is done. Progress
never carries from an expired application: a new one starts over (seed 000).

Knowledge checks: each check block is its own form and is graded on its own. A pass is recorded
once per block as a `KnowledgeCheckPass` row of the lesson's progress row (and a
`lesson.check_passed` audit event, the block id in `to_state`); the lesson's checks are passed
(`checks_passed_at`) once every check block the lesson has is recorded as passed. `check_score`
keeps the best score of any single submission in the lesson (for the usual one-check lesson,
that check's best score).

Every write is idempotent: reading twice, passing twice or completing twice changes nothing
the second time and sends no second email.
"""

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import datetime

from django.db import transaction

from courses.emails import training_complete_email_send
from courses.models import (
    CourseCompletion,
    CoursePage,
    KnowledgeCheckPass,
    LessonPage,
    LessonProgress,
)
from courses.selectors import (
    CHECK_PASSED_VERB,
    checks_passed_ids,
    course_for,
    course_progress,
    knowledge_check_get,
    knowledge_check_ids,
    training_is_complete,
)
from enrollment.models import Application, ApplicationStatus
from enrollment.rules import RuleViolation
from enrollment.services.applications import application_training_complete
from lms import clock
from lms.models import User
from lms.services import audit_record

S = ApplicationStatus


# --- Grading (pure) ---------------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionResult:
    chosen: int | None  # the chosen option's index; None when unanswered or unknown
    correct: bool
    feedback: str  # the chosen option's feedback only


@dataclass(frozen=True)
class CheckResult:
    score: int  # percent of questions answered correctly, rounded
    passed: bool
    pass_mark: int
    questions: tuple[QuestionResult, ...]

    def as_json(self) -> dict:
        return {
            "score": self.score,
            "passed": self.passed,
            "pass_mark": self.pass_mark,
            "questions": [asdict(q) for q in self.questions],
        }


def knowledge_check_grade(
    value, answers: Mapping[int, int | None], *, pass_mark: int
) -> CheckResult:
    """Grade one knowledge check (a `KnowledgeCheckBlock` value) against its stored `correct`
    flags. `answers` maps question index → chosen option index; a missing or unknown answer is
    wrong. Passed when the share of right answers is at least `pass_mark` percent."""
    results = []
    for qi, question in enumerate(value["questions"]):
        options = list(question["options"])
        chosen = answers.get(qi)
        if chosen is None or not 0 <= chosen < len(options):
            results.append(QuestionResult(chosen=None, correct=False, feedback=""))
            continue
        option = options[chosen]
        results.append(
            QuestionResult(
                chosen=chosen, correct=bool(option["correct"]), feedback=option["feedback"]
            )
        )
    total, right = len(results), sum(r.correct for r in results)
    score = round(right * 100 / total) if total else 0
    passed = total > 0 and right * 100 >= pass_mark * total
    return CheckResult(score=score, passed=passed, pass_mark=pass_mark, questions=tuple(results))


# --- Progress through a lesson ------------------------------------------------------------------


def lesson_progress_open(*, application: Application, lesson: LessonPage) -> LessonProgress:
    """Record that the applicant opened `lesson`: the first time sets `opened_at`, every time
    moves `last_seen_at`. A lesson already complete re-checks its course (progress carried
    before the application was approved completes the training here)."""
    now = clock.now()
    progress, created = LessonProgress.objects.get_or_create(
        application=application, lesson=lesson, defaults={"opened_at": now, "last_seen_at": now}
    )
    if not created:
        LessonProgress.objects.filter(pk=progress.pk).update(last_seen_at=now)
        progress.last_seen_at = now
    if progress.completed_at is not None and application.status == S.APPROVED:
        with transaction.atomic():
            _course_complete_if_done(application, course_for(lesson), now=now, actor=None)
    return progress


def lesson_progress_read(*, application: Application, lesson: LessonPage) -> LessonProgress:
    """The applicant reached the end of `lesson`. Sets `reached_end_at` once; completes the lesson
    when its checks are passed (or it has none), and the course and training with it."""
    now = clock.now()
    with transaction.atomic():
        progress = _progress_locked(application, lesson, now)
        if progress.reached_end_at is None:
            progress.reached_end_at = now
        progress.last_seen_at = now
        progress.save(update_fields=["reached_end_at", "last_seen_at"])
        _lesson_complete_if_done(application, progress, lesson, now=now)
    return progress


def lesson_check_submit(
    *,
    application: Application,
    lesson: LessonPage,
    block_id: str,
    answers: Mapping[int, int | None],
) -> tuple[CheckResult, LessonProgress]:
    """Grade the applicant's answers to the knowledge check `block_id` of `lesson` at the
    course's pass mark, keep the best score, record the block's first pass, and complete the
    lesson when it has been read and every check in it is passed.

    Raises RuleViolation when the lesson has no such check (it was edited meanwhile)."""
    value = knowledge_check_get(lesson, block_id)
    course = course_for(lesson)
    if value is None or course is None:
        raise RuleViolation("This knowledge check is no longer part of the lesson; reload it.")
    result = knowledge_check_grade(value, answers, pass_mark=course.pass_mark)
    now = clock.now()
    with transaction.atomic():
        progress = _progress_locked(application, lesson, now)
        progress.last_seen_at = now
        if progress.check_score is None or result.score > progress.check_score:
            progress.check_score = result.score
        passed = checks_passed_ids(progress)
        if result.passed and block_id not in passed:
            KnowledgeCheckPass.objects.create(progress=progress, block_id=block_id, passed_at=now)
            audit_record(
                actor=application.user,
                verb=CHECK_PASSED_VERB,
                obj=progress,
                to_state=block_id,
                reason=f"Scored {result.score}%; the pass mark is {result.pass_mark}%.",
            )
            passed.add(block_id)
        if progress.checks_passed_at is None and set(knowledge_check_ids(lesson)) <= passed:
            progress.checks_passed_at = now
        progress.save(update_fields=["last_seen_at", "check_score", "checks_passed_at"])
        _lesson_complete_if_done(application, progress, lesson, now=now)
    return result, progress


def _progress_locked(application: Application, lesson: LessonPage, now: datetime):
    progress, _ = LessonProgress.objects.get_or_create(
        application=application, lesson=lesson, defaults={"opened_at": now, "last_seen_at": now}
    )
    return LessonProgress.objects.select_for_update().get(pk=progress.pk)


def _lesson_complete_if_done(
    application: Application, progress: LessonProgress, lesson: LessonPage, *, now: datetime
) -> None:
    if progress.completed_at is None:
        if progress.reached_end_at is None:
            return
        if progress.checks_passed_at is None and knowledge_check_ids(lesson):
            return
        progress.completed_at = now
        progress.save(update_fields=["completed_at"])
    _course_complete_if_done(application, course_for(lesson), now=now, actor=application.user)


def _course_complete_if_done(
    application: Application, course: CoursePage | None, *, now: datetime, actor: User | None
) -> None:
    """Record the course's completion once all its lessons are complete, then check whether the
    whole training is."""
    if course is None or not course_progress(application, course).complete:
        return
    completion, created = CourseCompletion.objects.get_or_create(
        application=application, course=course, defaults={"completed_at": now}
    )
    if created:
        audit_record(actor=actor, verb="course.complete", obj=completion, to_state="complete")
    _training_complete_if_done(application)


def _training_complete_if_done(application: Application) -> None:
    """All required courses complete: the approved application moves to training complete and
    the applicant is told. The application row is locked, so this happens (and mails) once."""
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if locked.status != S.APPROVED or not training_is_complete(locked):
        return
    locked = application_training_complete(application=locked)
    training_complete_email_send(application=locked)
