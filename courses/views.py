"""Progress endpoints under the lesson pages: "I reached the end" and "grade my answers".

Each answers JSON to lesson.js (`Accept: application/json`) and works as a plain form POST
without JavaScript: reading redirects back to the lesson, a check re-renders the lesson with its
feedback. Access is `course_access`: a course the person may not see is a 404, a lesson they may
not open a 403 (or the sign-in page). Staff may try checks; nothing is recorded for them.
"""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from courses.models import LessonPage
from courses.selectors import (
    course_progress,
    knowledge_check_get,
    knowledge_check_ids,
    lesson_access,
    lesson_status_text,
    module_progress,
)
from courses.services import knowledge_check_grade, lesson_check_submit, lesson_progress_read
from enrollment.rules import RuleViolation


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _lesson_get(request, lesson_id):
    lesson = get_object_or_404(LessonPage.objects.live(), pk=lesson_id)
    course, access = lesson_access(request.user, lesson)
    if course is None or not access.can_see:
        raise Http404
    return lesson, course, access


def _refused(request, lesson, access):
    if _wants_json(request):
        return JsonResponse({"error": access.reason}, status=403)
    if not request.user.is_authenticated:
        return redirect_to_login(lesson.url)
    return redirect(lesson.url)


def _progress_json(application, lesson, course, progress) -> dict:
    if application is None or progress is None:
        return {"recorded": False}
    has_checks = bool(knowledge_check_ids(lesson))
    in_course = course_progress(application, course)
    in_module = module_progress(application, lesson.get_parent())
    return {
        "recorded": True,
        "reached_end": progress.reached_end_at is not None,
        "checks_passed": not has_checks or progress.checks_passed_at is not None,
        "lesson_complete": progress.completed_at is not None,
        "status_text": lesson_status_text(progress, has_checks=has_checks),
        "course_percent": in_course.percent,
        "course_done": in_course.done,
        "module_percent": in_module.percent,
        "module_done": in_module.done,
    }


@require_POST
def lesson_read(request, lesson_id):
    """The learner reached the end of the lesson (lesson.js, or the "I have read" button)."""
    lesson, course, access = _lesson_get(request, lesson_id)
    if not access.can_open:
        return _refused(request, lesson, access)
    progress = None
    if access.application is not None:
        progress = lesson_progress_read(application=access.application, lesson=lesson)
    if _wants_json(request):
        return JsonResponse(_progress_json(access.application, lesson, course, progress))
    if progress is not None:
        has_checks = bool(knowledge_check_ids(lesson))
        messages.success(request, lesson_status_text(progress, has_checks=has_checks))
    return redirect(f"{lesson.url}#lesson-end")


def _answers(post, value) -> dict[int, int | None]:
    answers = {}
    for qi in range(len(value["questions"])):
        raw = post.get(f"q{qi}", "")
        answers[qi] = int(raw) if raw.isdigit() else None
    return answers


@require_POST
def lesson_check(request, lesson_id, block_id):
    """Grade one knowledge check on the server; feedback only for the options chosen."""
    lesson, course, access = _lesson_get(request, lesson_id)
    if not access.can_open:
        return _refused(request, lesson, access)
    value = knowledge_check_get(lesson, block_id)
    if value is None:
        raise Http404
    answers = _answers(request.POST, value)
    progress = None
    try:
        if access.application is None:
            result = knowledge_check_grade(value, answers, pass_mark=course.pass_mark)
        else:
            result, progress = lesson_check_submit(
                application=access.application, lesson=lesson, block_id=block_id, answers=answers
            )
    except RuleViolation as exc:
        if _wants_json(request):
            return JsonResponse({"error": str(exc)}, status=409)
        messages.error(request, str(exc))
        return redirect(lesson.url)
    if _wants_json(request):
        return JsonResponse(
            result.as_json() | _progress_json(access.application, lesson, course, progress)
        )
    return lesson.serve(request, check=(block_id, result))
