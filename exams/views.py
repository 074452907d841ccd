"""The candidate's exam pages and the autosave endpoint.

Views only route: reads come from `selectors`, writes go through `services`; every attempt page is
scoped to its owner (anyone else: 404). The attempt page and the JSON never carry the keys.
"""

import json
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from enrollment.uploads import private_file_response
from exams.forms import AccommodationForm
from exams.models import AttemptVia
from exams.rules import FeedbackMode, RuleViolation
from exams.selectors import (
    accommodation_get_for_user,
    accommodation_list_for_user,
    attempt_get_for_user,
    attempt_is_overdue,
    attempt_page_for_candidate,
    attempt_remaining_seconds,
    attempt_review_items,
    attempts_list_for_user,
    exam_availability,
)
from exams.services.access import accommodation_request_create
from exams.services.attempts import (
    AttemptClosed,
    AttemptNotFound,
    attempt_answer_save,
    attempt_start,
    attempt_submit,
    paper_prepare,
)
from lms import clock

_FIELD = re.compile(r"^q-(\d{1,4})$")
MAX_POSITION = 9999


def _own_attempt(request, pk):
    attempt = attempt_get_for_user(user=request.user, pk=pk)
    if attempt is None:
        raise Http404("No such attempt.")
    return attempt


def _close_if_overdue(attempt, now):
    """Time ran out while nobody was looking: grade what was saved."""
    if attempt_is_overdue(attempt, now):
        return attempt_submit(attempt=attempt, actor=None, via=AttemptVia.TIME, now=now)
    return attempt


@login_required
def exam_overview(request):
    """The exam's front page: whether it is open, attempts so far, extra time."""
    now = clock.now()
    availability = exam_availability(user=request.user, now=now)
    if availability.active_attempt and attempt_is_overdue(availability.active_attempt, now):
        _close_if_overdue(availability.active_attempt, now)
        availability = exam_availability(user=request.user, now=now)
    # The exam is open to them: their paper is drawn now, so that Start costs almost nothing.
    paper_prepare(user=request.user, availability=availability, now=now)
    context = {
        "availability": availability,
        "definition": availability.definition,
        "attempts": attempts_list_for_user(user=request.user),
        "accommodations": accommodation_list_for_user(user=request.user),
        "limit_with_extra": (
            availability.definition.time_limit_minutes + availability.extra_minutes
        )
        if availability.definition
        else None,
    }
    return render(request, "exams/overview.html", context)


@never_cache
@login_required
@require_POST
def attempt_start_view(request):
    """Start (or resume) and answer with the attempt's page itself: the first question comes in
    the same request, not after a redirect (the page's script shows the attempt's address)."""
    now = clock.now()
    try:
        attempt = attempt_start(user=request.user, now=now)
    except RuleViolation as refusal:
        messages.error(request, str(refusal))
        return redirect("exams:exam-overview")
    return _attempt_page(request, attempt, now)


@never_cache
@login_required
def attempt_detail(request, pk):
    """Take the exam: every drawn item with its saved answer, the server's clock, autosave."""
    now = clock.now()
    attempt = _close_if_overdue(_own_attempt(request, pk), now)
    if not attempt.is_open:
        return redirect("exams:attempt-result", pk=attempt.pk)
    return _attempt_page(request, attempt, now)


def _attempt_page(request, attempt, now):
    page = attempt_page_for_candidate(attempt)
    context = {
        "attempt": attempt,
        **page,
        "position": min(attempt.last_position, max(page["item_count"] - 1, 0)),
        "remaining_seconds": attempt_remaining_seconds(attempt, now),
    }
    context["remaining_label"] = clock_label(context["remaining_seconds"])
    return render(request, "exams/attempt.html", context)


def clock_label(seconds: int) -> str:
    """45:00, or 1:05:00 past an hour (as the page's script shows it)."""
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _json_error(message: str, status: int, **extra):
    return JsonResponse({"saved": False, "message": message, **extra}, status=status)


def _answer_payload(request) -> tuple[int, list | None]:
    payload = json.loads(request.body or b"{}")
    position = payload.get("position")
    choice = payload.get("choice")
    if not isinstance(position, int) or not 0 <= position <= MAX_POSITION:
        raise ValueError
    if choice is not None and (not isinstance(choice, list) or len(choice) > 26):
        raise ValueError
    return position, choice


@never_cache
@require_POST
def attempt_answer(request, pk):
    """Autosave one answer (JSON in, JSON out). 409 once the attempt is over or out of time."""
    if not request.user.is_authenticated:
        return _json_error("You are signed out. Sign in again to keep answering.", 403)
    try:
        position, choice = _answer_payload(request)
    except (ValueError, TypeError, AttributeError):
        return _json_error("That request could not be read.", 400)
    try:
        outcome = attempt_answer_save(
            user=request.user, attempt_id=pk, position=position, choice=choice
        )
    except AttemptNotFound:
        return _json_error("No such attempt.", 404)
    except AttemptClosed as closed:
        return _json_error(str(closed), 409, closed=True)
    except RuleViolation as refusal:
        return _json_error(str(refusal), 400)
    return JsonResponse(
        {
            "saved": True,
            "position": outcome.position,
            "remaining_seconds": outcome.remaining_seconds,
        }
    )


def _posted_answers(post) -> dict[int, list[str]]:
    answers = {}
    for name in post:
        match = _FIELD.match(name)
        if match:
            answers[int(match.group(1))] = post.getlist(name)
    return answers


@login_required
@require_POST
def attempt_submit_view(request, pk):
    """Submit (or, without JavaScript, save) the answers on the page."""
    attempt = _own_attempt(request, pk)
    answers = _posted_answers(request.POST)
    if request.POST.get("action") == "save":
        return _save_without_js(request, attempt, answers)
    # The page's script submits by itself when the clock reaches zero ("timeout").
    via = AttemptVia.TIME if request.POST.get("action") == "timeout" else AttemptVia.CANDIDATE
    attempt_submit(attempt=attempt, actor=request.user, via=via, answers=answers)
    return redirect("exams:attempt-result", pk=attempt.pk)


def _save_without_js(request, attempt, answers):
    try:
        for position, choice in sorted(answers.items()):
            attempt_answer_save(
                user=request.user, attempt_id=attempt.pk, position=position, choice=choice
            )
    except AttemptClosed as closed:
        messages.error(request, str(closed))
        return redirect("exams:attempt-result", pk=attempt.pk)
    except RuleViolation as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, "Your answers are saved.")
    return redirect("exams:attempt-detail", pk=attempt.pk)


@never_cache
@login_required
def attempt_result(request, pk):
    """What the candidate may see after submitting, as the exam's feedback setting says."""
    attempt = _close_if_overdue(_own_attempt(request, pk), clock.now())
    if attempt.is_open:
        return redirect("exams:attempt-detail", pk=attempt.pk)
    feedback = FeedbackMode(attempt.feedback)
    context = {
        "attempt": attempt,
        "show_score": feedback != FeedbackMode.PASS_FAIL,
        "show_outcome": feedback != FeedbackMode.SCORE,
        "show_topics": feedback in (FeedbackMode.TOPICS, FeedbackMode.REVIEW),
        "topics": sorted((attempt.topic_scores or {}).items()),
        "review": attempt_review_items(attempt) if feedback == FeedbackMode.REVIEW else None,
    }
    return render(request, "exams/result.html", context)


@login_required
def accommodation_request(request):
    """Ask for extra time, with a reason and an optional document."""
    form = AccommodationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            accommodation_request_create(
                user=request.user,
                kind=data["kind"],
                amount=data["amount"],
                reason=data["reason"],
                document=data.get("document"),
            )
        except ValidationError as refused:
            form.add_error("document", refused)
        except RuleViolation as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, "Your request is sent. Certification staff will decide.")
            return redirect("exams:exam-overview")
    return render(request, "exams/accommodation_form.html", {"form": form})


@login_required
def accommodation_document(request, pk):
    """The request's document, to its owner and to staff who may see requests."""
    found = accommodation_get_for_user(user=request.user, pk=pk)
    if found is None or not found.document_storage_name:
        raise Http404("No such document.")
    return private_file_response(
        found.document_storage_name, filename=found.document_name, kind=found.document_kind
    )


@never_cache
@require_GET
def ping(request):
    """A trivial JSON view through the same middleware (session, user): the bench yardstick."""
    return JsonResponse({"ok": True, "signed_in": request.user.is_authenticated})
