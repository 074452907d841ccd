"""Writes on attempts: start, save an answer, submit (and grade), close overdue or orphaned ones.

The server keeps the clock: an attempt's deadline is fixed when it starts; answers are accepted
until the deadline plus a short grace; an attempt that runs out of time is graded on the answers
already saved, never blanked.
"""

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction

from enrollment.models import Application
from enrollment.services.applications import application_exam_passed
from exams import rules
from exams.conf import save_grace_seconds
from exams.models import AttemptItem, AttemptStatus, AttemptVia, ExamAttempt, ExamItem
from exams.rules import ItemKind, RuleViolation
from exams.selectors import (
    application_for_exam,
    attempt_remaining_seconds,
    exam_availability,
    pools_by_topic,
)
from lms import clock
from lms.models import User
from lms.services import audit_record, audit_record_many, email_send

A = AttemptStatus


class AttemptNotFound(Exception):
    """No such attempt for this person (someone else's looks exactly like a missing one)."""


class AttemptClosed(RuleViolation):
    """The attempt no longer takes answers: submitted, closed, or out of time."""


@dataclass(frozen=True)
class SaveOutcome:
    position: int
    remaining_seconds: int


# --- start -----------------------------------------------------------------------------------


def attempt_start(
    *, user: User, now: datetime | None = None, rng: random.Random | None = None
) -> ExamAttempt:
    """Start an attempt, or return the one already under way (another tab or device resumes it).

    Draws the blueprint's items at random from the active ones, shuffles their options, and stores
    the served content with the attempt. One active attempt per person (a database constraint).
    Raises RuleViolation when the person may not start (eligibility, window, attempts, waiting).
    """
    now = now or clock.now()
    rng = rng or random.SystemRandom()
    active = ExamAttempt.objects.filter(user=user, status=A.IN_PROGRESS).first()
    if active is not None:
        if rules.save_allowed(now, active.deadline_at, save_grace_seconds()):
            return active
        attempt_submit(attempt=active, actor=None, via=AttemptVia.TIME, now=now)
    try:
        with transaction.atomic():
            application = application_for_exam(user=user)
            if application is not None:  # one person's starts (two tabs) queue up here
                application = Application.objects.select_for_update().get(pk=application.pk)
            availability = exam_availability(user=user, now=now, application=application)
            if availability.active_attempt is not None:
                return availability.active_attempt
            if availability.refusal:
                raise RuleViolation(availability.refusal)
            return _create(user, availability, now, rng)
    except IntegrityError:  # another request of the same person won the race
        active = ExamAttempt.objects.filter(user=user, status=A.IN_PROGRESS).first()
        if active is None:
            raise
        return active


def _create(user: User, availability, now: datetime, rng: random.Random) -> ExamAttempt:
    definition = availability.definition
    rows = list(definition.blueprint.select_related("topic"))
    blueprint = {row.topic_id: row.item_count for row in rows}
    drawn = rules.draw_items(
        pools_by_topic(blueprint),
        blueprint,
        rng=rng,
        names={row.topic_id: row.topic.name for row in rows},
    )
    items = ExamItem.objects.prefetch_related("options").in_bulk(drawn)
    limit, extra = definition.time_limit_minutes, availability.extra_minutes
    attempt = ExamAttempt.objects.create(
        user=user,
        application=availability.application,
        definition=definition,
        number=len(availability.finished) + 1,
        started_at=now,
        time_limit_minutes=limit,
        extra_minutes=extra,
        deadline_at=rules.attempt_deadline(now, limit, extra),
        pass_mark_percent=definition.pass_mark_percent,
        feedback=definition.feedback,
    )
    AttemptItem.objects.bulk_create(
        _served(attempt, position, items[pk], rng) for position, pk in enumerate(drawn)
    )
    audit_record(
        actor=user,
        verb="exam_attempt.started",
        obj=attempt,
        to_state=A.IN_PROGRESS,
        reason=f"{len(drawn)} items, {limit} minutes + {extra} extra.",
    )
    return attempt


def _served(attempt: ExamAttempt, position: int, item: ExamItem, rng: random.Random) -> AttemptItem:
    """The item as this attempt serves it: options in a random order (true/false stays in order)
    under random keys, and the keys kept apart."""
    if item.latest_revision_id is None:  # created outside the services: give it its revision
        item.save_revision(clean=False)
    options = list(item.options.all())
    order = list(range(len(options)))
    if item.kind != ItemKind.TRUE_FALSE:
        rng.shuffle(order)
    keys: list[str] = []
    while len(keys) < len(options):
        key = f"{rng.getrandbits(40):010x}"
        if key not in keys:
            keys.append(key)
    served = [
        {"key": keys[i], "text": options[src].text, "src": src, "feedback": options[src].feedback}
        for i, src in enumerate(order)
    ]
    return AttemptItem(
        attempt=attempt,
        position=position,
        item=item,
        revision_id=item.latest_revision_id,
        topic_id=item.topic_id,
        kind=item.kind,
        prompt=item.prompt,
        text_format=item.text_format,
        options=served,
        correct_keys=[o["key"] for o in served if options[o["src"]].is_correct],
        rationale=item.rationale,
    )


# --- answers ---------------------------------------------------------------------------------


def attempt_answer_save(
    *, user: User, attempt_id: int, position: int, choice: list | None, now: datetime | None = None
) -> SaveOutcome:
    """Save one answer as it is chosen (a list of option keys; [] clears a multiple-answer item),
    and remember where the candidate is. `choice=None` only moves the place.

    Raises AttemptNotFound (not theirs), AttemptClosed (submitted, or past deadline + grace),
    RuleViolation (not an option of that item). Nothing is written when refused.
    """
    now = now or clock.now()
    with transaction.atomic():
        # FOR NO KEY UPDATE: a submit (FOR UPDATE) waits for saves in flight and vice versa.
        attempt = (
            ExamAttempt.objects.select_for_update(no_key=True)
            .only("pk", "status", "deadline_at", "last_position")
            .filter(pk=attempt_id, user_id=user.pk)
            .first()
        )
        if attempt is None:
            raise AttemptNotFound
        _check_open(attempt, now)
        if choice is not None:
            item = (
                AttemptItem.objects.only("pk", "kind", "options")
                .filter(attempt_id=attempt.pk, position=position)
                .first()
            )
            if item is None:
                raise RuleViolation("There is no such question in this attempt.")
            keys = rules.answer_keys(item.kind, choice, item.option_keys)
            AttemptItem.objects.filter(pk=item.pk).update(response=keys, answered_at=now)
        if position != attempt.last_position:
            ExamAttempt.objects.filter(pk=attempt.pk).update(last_position=position)
    return SaveOutcome(position=position, remaining_seconds=attempt_remaining_seconds(attempt, now))


def _check_open(attempt: ExamAttempt, now: datetime) -> None:
    if attempt.status != A.IN_PROGRESS:
        raise AttemptClosed("This attempt has been submitted; answers can no longer change.")
    if not rules.save_allowed(now, attempt.deadline_at, save_grace_seconds()):
        raise AttemptClosed(
            "Time is up: this answer arrived after the deadline and was not saved. "
            "Your earlier answers are kept."
        )


# --- submit and grade ------------------------------------------------------------------------


def attempt_submit(
    *,
    attempt: ExamAttempt,
    actor: User | None,
    via: AttemptVia | str,
    answers: dict[int, list[str]] | None = None,
    now: datetime | None = None,
) -> ExamAttempt:
    """Submit and grade an attempt; a no-op when it is no longer in progress.

    `answers` (position → option keys) sent with the submission are saved first if they arrive
    before deadline + grace; blank ones never erase a saved answer. Grades what is saved, writes
    the result, an audit event and an email; a pass moves the application to exam_passed.
    """
    now = now or clock.now()
    with transaction.atomic():
        locked = (
            ExamAttempt.objects.select_for_update()
            .select_related("application", "user")
            .get(pk=attempt.pk)
        )
        if locked.status != A.IN_PROGRESS:
            return locked
        items = list(locked.items.select_related("topic"))
        in_time = rules.save_allowed(now, locked.deadline_at, save_grace_seconds())
        if answers and in_time:
            _apply(items, answers, now)
        result = rules.grade(
            [(i.topic.name, i.correct_keys, i.response) for i in items],
            pass_mark_percent=locked.pass_mark_percent,
        )
        for item in items:
            item.is_correct = rules.is_correct(item.correct_keys, item.response)
        AttemptItem.objects.bulk_update(items, ["is_correct", "response", "answered_at"])
        _record(locked, result, via, now)
        audit_record(
            actor=actor,
            verb="exam_attempt.submitted",
            obj=locked,
            from_state=A.IN_PROGRESS,
            to_state=A.SUBMITTED,
            reason=f"{AttemptVia(via).label}{'' if in_time else ' (after the deadline)'}: "
            f"{result.score}/{result.max_score} ({result.percent}%), "
            f"{'passed' if result.passed else 'not passed'}.",
        )
        email_send(
            template="exam_result",
            to=[locked.user.email],
            context={"attempt": locked, "site_url": settings.WAGTAILADMIN_BASE_URL},
        )
        if result.passed:
            _application_passed(locked, actor)
    return locked


def _apply(items: list[AttemptItem], answers: dict[int, list[str]], now: datetime) -> None:
    by_position = {item.position: item for item in items}
    for position, choice in answers.items():
        item = by_position.get(position)
        if item is None or not choice:
            continue
        try:
            keys = rules.answer_keys(item.kind, list(choice), item.option_keys)
        except RuleViolation:
            continue  # a tampered field: keep what was saved
        if keys != (item.response or []):
            item.response, item.answered_at = keys, now


def _record(attempt: ExamAttempt, result: rules.Grade, via: str, now: datetime) -> None:
    attempt.status = A.SUBMITTED
    attempt.finished_at = now
    attempt.finished_via = via
    attempt.score = result.score
    attempt.max_score = result.max_score
    attempt.percent = result.percent
    attempt.passed = result.passed
    attempt.topic_scores = {topic: list(tally) for topic, tally in result.topics.items()}
    attempt.save()


def _application_passed(attempt: ExamAttempt, actor: User | None) -> None:
    try:
        attempt.application = application_exam_passed(application=attempt.application, actor=actor)
    except RuleViolation as refusal:  # e.g. a staff grant before the classroom days were done
        audit_record(
            actor=None,
            verb="exam_attempt.pass_not_applied",
            obj=attempt,
            reason=f"The application did not move to exam passed: {refusal}",
        )


def attempt_pass_apply(application: Application) -> None:
    """The classroom days are now complete: a pass earned earlier under a staff grant, which
    could not move the application then, moves it now (exam passed)."""
    passed = ExamAttempt.objects.filter(
        application=application, status=AttemptStatus.SUBMITTED, passed=True
    ).first()
    if passed is not None:
        application_exam_passed(application=application, actor=None)


# --- housekeeping ----------------------------------------------------------------------------


def attempts_close_overdue(*, now: datetime | None = None, limit: int = 500) -> int:
    """Submit every attempt left open past deadline + grace, on the answers it has saved.
    Safe to run twice and beside candidates' own submissions (each attempt is locked)."""
    now = now or clock.now()
    cutoff = now - timedelta(seconds=save_grace_seconds())
    ids = list(
        ExamAttempt.objects.filter(status=A.IN_PROGRESS, deadline_at__lt=cutoff)
        .order_by("deadline_at")
        .values_list("pk", flat=True)[:limit]
    )
    closed = 0
    for pk in ids:
        attempt = attempt_submit(
            attempt=ExamAttempt(pk=pk), actor=None, via=AttemptVia.TASK, now=now
        )
        closed += attempt.finished_at == now
    return closed


def attempts_close_for_expired(application_ids: list[int], today: date) -> int:
    """Expiry hook: the attempts still open on applications that just expired are closed without
    grading (the application is over). Runs inside the expiry transaction."""
    rows = list(
        ExamAttempt.objects.select_for_update()
        .filter(application_id__in=application_ids, status=A.IN_PROGRESS)
        .values_list("pk", "status")
    )
    if not rows:
        return 0
    ids = [pk for pk, _ in rows]
    ExamAttempt.objects.filter(pk__in=ids).update(
        status=A.CLOSED, finished_at=clock.now(), finished_via=AttemptVia.EXPIRY
    )
    audit_record_many(
        actor=None,
        verb="exam_attempt.closed",
        model=ExamAttempt,
        changes=[(pk, status, A.CLOSED) for pk, status in rows],
        reason=f"The application expired (checked on {today.isoformat()}).",
    )
    return len(ids)
