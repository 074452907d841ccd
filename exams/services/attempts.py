"""Writes on attempts: start, save an answer, submit (and grade), close overdue or orphaned ones.

The server keeps the clock: an attempt's deadline is fixed when it starts; answers are accepted
until the deadline plus a short grace; an attempt that runs out of time is graded on the answers
already saved, never blanked.
"""

import functools
import random
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Case, Q, Value, When

from enrollment.models import Application
from enrollment.services.applications import application_exam_passed
from exams import attempt_page, rules
from exams.conf import save_grace_seconds
from exams.models import (
    AttemptItem,
    AttemptPage,
    AttemptStatus,
    AttemptVia,
    BlueprintRow,
    ExamAttempt,
    ExamItem,
    ItemStatus,
)
from exams.rules import ItemKind, RuleViolation
from exams.selectors import (
    application_for_exam,
    exam_availability,
    pools_by_topic,
    start_decision,
    start_facts,
)
from exams.services.answers import (  # noqa: F401  (the attempt's services, in one place)
    AttemptClosed,
    AttemptNotFound,
    SaveOutcome,
    attempt_answer_save,
)
from lms import clock
from lms.models import User
from lms.services import (
    RenderedEmail,
    audit_record,
    audit_record_many,
    email_render,
    emails_send_many,
)

A = AttemptStatus


# --- start -----------------------------------------------------------------------------------


def attempt_start(
    *, user: User, now: datetime | None = None, rng: random.Random | None = None
) -> ExamAttempt:
    """Start an attempt, or return the one already under way (another tab or device resumes it).

    Starts the person's ready paper (an attempt drawn ahead, status READY) when it still fits
    (on PostgreSQL, `_start_prepared`: two statements), else draws the blueprint's items at
    random from the active ones, shuffles their options, and stores the served content with the
    attempt. One active attempt per person (a database constraint). Raises RuleViolation when
    the person may not start (eligibility, window, attempts, waiting).
    """
    now = now or clock.now()
    rng = rng or random.SystemRandom()
    if connection.vendor == "postgresql":
        try:
            started = _start_prepared(user, now)
        except IntegrityError:  # another request of the same person won: resume theirs below
            started = None
        if started is not None:
            return started
    active = ExamAttempt.objects.filter(user=user, status=A.IN_PROGRESS).first()
    if active is not None:
        if rules.save_allowed(now, active.deadline_at, save_grace_seconds()):
            return active
        attempt_submit(attempt=active, actor=None, via=AttemptVia.TIME, now=now)
    try:
        with transaction.atomic():
            # one person's starts (two tabs) queue up on their application's lock
            application = application_for_exam(user=user, for_update=True)
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


def _start_prepared(user: User, now: datetime) -> ExamAttempt | None:
    """The common case made cheap (PostgreSQL): the person may start, has no attempt under way
    and has a ready paper. One statement reads what decides it (their application locked), the
    same decision as the exam's page (`start_decision`), and one statement stamps the ready
    attempt as started when it still fits. None when any of that is not so (the caller then
    takes the general path, which resumes, refuses with the same message or draws now); raises
    RuleViolation when the person may not start."""
    with transaction.atomic():
        facts = start_facts(user=user)
        if facts is None or facts.active_attempt_id is not None or facts.ready_id is None:
            return None
        refusal, _ = start_decision(
            now=now,
            definition=facts.definition,
            application_status=facts.application_status,
            granted=facts.granted,
            any_passed=facts.any_passed,
            attempts_used=facts.counted,
            last_finished_at=facts.last_finished_at,
        )
        if refusal:
            raise RuleViolation(refusal)
        definition = facts.definition
        extra = rules.allowance_minutes(
            definition.time_limit_minutes, facts.allowance_kind, facts.allowance_amount
        )
        attempt = _stamped(user, facts.application_id, definition, facts.finished + 1, extra, now)
        attempt.pk = facts.ready_id
        served = _start_ready(attempt)
        if served is None:
            return None  # the paper no longer fits: the general path draws now
        _audit_started(attempt, served)
    return attempt


def _stamped(user: User, application_id: int, definition, number: int, extra: int, now: datetime):
    """The attempt (unsaved) as Start stamps it: the time, the deadline (the limit plus the
    person's allowance) and the definition's pass mark and feedback, copied."""
    limit = definition.time_limit_minutes
    return ExamAttempt(
        user=user,
        application_id=application_id,
        definition_id=definition.pk,
        number=number,
        started_at=now,
        time_limit_minutes=limit,
        extra_minutes=extra,
        deadline_at=rules.attempt_deadline(now, limit, extra),
        pass_mark_percent=definition.pass_mark_percent,
        feedback=definition.feedback,
    )


def _stamped_now(user: User, availability, now: datetime) -> ExamAttempt:
    """`_stamped` from what the exam's page reads (`exam_availability`)."""
    return _stamped(
        user,
        availability.application.pk,
        availability.definition,
        len(availability.finished) + 1,
        availability.extra_minutes,
        now,
    )


# What Start stamps on the ready attempt (the rest was set when it was drawn).
STAMPED_FIELDS = (
    "number",
    "started_at",
    "time_limit_minutes",
    "extra_minutes",
    "deadline_at",
    "pass_mark_percent",
    "feedback",
)


def _audit_started(attempt: ExamAttempt, served: int) -> None:
    limit, extra = attempt.time_limit_minutes, attempt.extra_minutes
    audit_record(
        actor=attempt.user,
        verb="exam_attempt.started",
        obj=attempt,
        to_state=A.IN_PROGRESS,
        reason=f"{served} items, {limit} minutes + {extra} extra.",
    )


def _create(user: User, availability, now: datetime, rng: random.Random) -> ExamAttempt:
    """The attempt: the person's ready paper started when it still fits, else (it is dropped) a
    paper drawn now."""
    attempt = _stamped_now(user, availability, now)
    ready = ExamAttempt.all_objects.filter(user=user, status=A.READY).first()
    fields = {name: getattr(attempt, name) for name in STAMPED_FIELDS}
    if (
        ready is not None
        and _paper_fits(ready, availability)
        and ExamAttempt.all_objects.filter(pk=ready.pk, status=A.READY).update(
            status=A.IN_PROGRESS, **fields
        )
    ):
        attempt.pk, attempt._state.adding = ready.pk, False
        served = attempt.items.count()
        attempt.served_page = (AttemptPage.objects.get(attempt=attempt).html, served)
    else:
        ready_papers_drop(user=user)
        paper = _draw(availability.definition, rng)
        attempt.save()
        _store(attempt, paper)
        served = len(paper)
    _audit_started(attempt, served)
    return attempt


def _store(attempt: ExamAttempt, paper: list[dict]) -> None:
    """The drawn paper as the attempt's items and its page (rendered once, here)."""
    AttemptItem.objects.bulk_create(
        AttemptItem(attempt=attempt, position=position, **entry)
        for position, entry in enumerate(paper)
    )
    html = attempt_page.page_render(paper)
    AttemptPage.objects.create(attempt=attempt, html=html)
    attempt.served_page = (html, len(paper))


# The ready attempt, stamped as started (STAMPED_FIELDS) when it is still the person's ready
# paper for this application and exam, follows the blueprint's counts per topic,
# and every item on it is still active at the revision it copied (one flagged, retired or edited
# since means a new draw). Returns how many items it has and its page; no row: it does not fit.
_START_READY = """
WITH fits AS (
    SELECT a.id FROM {attempt} a
    WHERE a.id = %(ready)s AND a.user_id = %(user)s AND a.status = %(ready_status)s
    AND a.application_id = %(application)s AND a.definition_id = %(definition)s
    AND NOT EXISTS (
        SELECT 1 FROM {attempt_item} ai LEFT JOIN {item} i
            ON i.id = ai.item_id AND i.status = %(active)s
            AND i.latest_revision_id = ai.revision_id
        WHERE ai.attempt_id = a.id AND i.id IS NULL
    )
    AND NOT EXISTS (
        SELECT 1 FROM (
            SELECT topic_id, count(*) AS n FROM {attempt_item} WHERE attempt_id = a.id GROUP BY 1
        ) drawn FULL JOIN (
            SELECT topic_id, item_count AS n FROM {blueprint}
            WHERE definition_id = %(definition)s AND item_count > 0
        ) wanted ON drawn.topic_id = wanted.topic_id
        WHERE drawn.n IS DISTINCT FROM wanted.n
    )
)
UPDATE {attempt} t SET status = %(in_progress)s, {assignments}
FROM fits WHERE t.id = fits.id
RETURNING (SELECT count(*) FROM {attempt_item} WHERE attempt_id = t.id),
    (SELECT html FROM {page} WHERE attempt_id = t.id)
"""


@functools.cache
def _start_ready_sql() -> str:
    """_START_READY with the tables' and columns' names (once per process: Start is hot)."""
    quote = connection.ops.quote_name
    tables = {
        name: quote(model._meta.db_table)
        for name, model in (
            ("item", ExamItem),
            ("blueprint", BlueprintRow),
            ("attempt", ExamAttempt),
            ("attempt_item", AttemptItem),
            ("page", AttemptPage),
        )
    }
    columns = [ExamAttempt._meta.get_field(name) for name in STAMPED_FIELDS]
    assignments = ", ".join(f"{quote(f.column)} = %({f.name})s" for f in columns)
    return _START_READY.format(assignments=assignments, **tables)


def _start_ready(attempt: ExamAttempt) -> int | None:
    """Stamp the ready attempt `attempt.pk` with `attempt`'s time, deadline and terms in one
    statement (see _START_READY) when it still fits. Returns how many items it serves (None: it
    does not fit, nothing written)."""
    fields = [ExamAttempt._meta.get_field(name) for name in STAMPED_FIELDS]
    params = {f.name: f.get_db_prep_save(getattr(attempt, f.name), connection) for f in fields}
    with connection.cursor() as cursor:
        cursor.execute(
            _start_ready_sql(),
            {
                **params,
                "ready": attempt.pk,
                "user": attempt.user_id,
                "application": attempt.application_id,
                "definition": attempt.definition_id,
                "ready_status": A.READY.value,
                "in_progress": A.IN_PROGRESS.value,
                "active": ItemStatus.ACTIVE.value,
            },
        )
        row = cursor.fetchone()
    if row is None:
        return None
    served, html = row
    attempt._state.adding = False
    attempt._state.db = connection.alias
    attempt.served_page = (html, served)  # a ready paper is stored with its page
    return served


def paper_prepare(
    *, user: User, availability=None, now: datetime | None = None, rng: random.Random | None = None
) -> ExamAttempt | None:
    """Draw the person's next paper ahead, when they may start now and have no paper that still
    fits, so that Start costs almost nothing: an attempt in status READY with its items and its
    page, stamped provisionally (Start stamps it again). Idempotent; None when they may not
    start."""
    now = now or clock.now()
    availability = availability or exam_availability(user=user, now=now)
    if not availability.can_start or availability.active_attempt is not None:
        return None
    ready = ExamAttempt.all_objects.filter(user=user, status=A.READY).first()
    if ready is not None and _paper_fits(ready, availability):
        return ready
    paper = _draw(availability.definition, rng or random.SystemRandom())
    ready = _stamped_now(user, availability, now)
    ready.status = A.READY
    try:
        with transaction.atomic():
            ready_papers_drop(user=user)
            ready.save()
            _store(ready, paper)
    except IntegrityError:  # the same person's other tab drew one at the same moment
        ready = ExamAttempt.all_objects.filter(user=user, status=A.READY).first()
    return ready


def ready_papers_drop(**lookup) -> int:
    """Delete the ready papers (READY attempts, with their items and pages) that match `lookup`,
    so that they are drawn again. They are locked first and only READY ones deleted: one that a
    Start has turned into an attempt meanwhile is kept. Returns how many."""
    with transaction.atomic():
        ids = list(
            ExamAttempt.all_objects.select_for_update()
            .filter(status=A.READY, **lookup)
            .values_list("pk", flat=True)
        )
        if ids:  # locked: a Start waits for this to commit (and then finds no paper)
            ExamAttempt.all_objects.filter(pk__in=ids).delete()
    return len(ids)


def ready_papers_drop_holding(item_ids: list[int]) -> int:
    """Drop the ready papers that hold any of these items (see `ready_papers_drop`)."""
    held = AttemptItem.objects.filter(item_id__in=item_ids).values("attempt_id")
    return ready_papers_drop(pk__in=held)


def _paper_fits(ready: ExamAttempt, availability) -> bool:
    """The ready paper is for this application and exam, still follows the blueprint, and every
    item on it is still active at the revision it copied (an item flagged, retired or edited
    since it was drawn means a new draw)."""
    definition = availability.definition
    if (ready.definition_id, ready.application_id) != (definition.pk, availability.application.pk):
        return False
    drawn = list(ready.items.values_list("item_id", "revision_id", "topic_id"))
    blueprint = {
        topic: count
        for topic, count in definition.blueprint.values_list("topic_id", "item_count")
        if count
    }
    if dict(Counter(topic for _, _, topic in drawn)) != blueprint:
        return False
    copied = {(item, revision) for item, revision, _ in drawn}
    current = set(
        ExamItem.objects.filter(
            pk__in=[pk for pk, _ in copied], status=ItemStatus.ACTIVE
        ).values_list("pk", "latest_revision_id")
    )
    return current == copied


def _draw(definition, rng: random.Random) -> list[dict]:
    """A new paper: the blueprint's items drawn at random from the active ones, each as served
    (see `_served`)."""
    rows = list(definition.blueprint.select_related("topic"))
    blueprint = {row.topic_id: row.item_count for row in rows}
    drawn = rules.draw_items(
        pools_by_topic(blueprint),
        blueprint,
        rng=rng,
        names={row.topic_id: row.topic.name for row in rows},
    )
    items = ExamItem.objects.prefetch_related("options").in_bulk(drawn)
    return [_served(items[pk], rng) for pk in drawn]


def _served(item: ExamItem, rng: random.Random) -> dict:
    """The item as an attempt serves it: options in a random order (true/false stays in order)
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
    return {
        "item_id": item.pk,
        "revision_id": item.latest_revision_id,
        "topic_id": item.topic_id,
        "kind": item.kind,
        "prompt": item.prompt,
        "text_format": item.text_format,
        "options": served,
        "correct_keys": [o["key"] for o in served if options[o["src"]].is_correct],
        "rationale": item.rationale,
    }


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
    Set-based: one read of the items, one update of their marks, one of the attempt.
    """
    now = now or clock.now()
    with transaction.atomic():
        locked = (
            ExamAttempt.objects.select_for_update(of=("self",))
            .select_related("application", "user")
            .get(pk=attempt.pk)
        )
        if locked.status != A.IN_PROGRESS:
            return locked
        in_time = rules.save_allowed(now, locked.deadline_at, save_grace_seconds())
        items = _items_of([locked.pk])[locked.pk]
        if answers and in_time:
            _apply(items, answers, now)
        result = _graded([locked], {locked.pk: items}, via, now)[locked.pk]
        audit_record(
            actor=actor,
            verb="exam_attempt.submitted",
            obj=locked,
            from_state=A.IN_PROGRESS,
            to_state=A.SUBMITTED,
            reason=_submitted_reason(via, in_time, result),
        )
        emails_send_many([_result_email(locked)])
        if result.passed:
            _application_passed(locked, actor)
    return locked


def _items_of(attempt_ids: list[int]) -> dict[int, list[AttemptItem]]:
    """The attempts' items (what grading reads), in one query."""
    found: dict[int, list[AttemptItem]] = {pk: [] for pk in attempt_ids}
    rows = (
        AttemptItem.objects.filter(attempt_id__in=attempt_ids)
        .select_related("topic")
        .only(*GRADING_FIELDS)
        .order_by("attempt_id", "position")
    )
    for item in rows:
        found[item.attempt_id].append(item)
    return found


GRADING_FIELDS = (
    "pk",
    "attempt_id",
    "position",
    "kind",
    "options",
    "correct_keys",
    "response",
    "answered_at",
    "topic__name",
)


def _graded(
    attempts: list[ExamAttempt], items: dict[int, list[AttemptItem]], via: str, now: datetime
) -> dict[int, rules.Grade]:
    """Grade the (locked) attempts on their items and write the results: one update of the
    items' marks and chosen options (and of the answers a submission changed), one of the
    attempts."""
    results: dict[int, rules.Grade] = {}
    right: list[int] = []
    chosen: dict[str, list[int]] = defaultdict(list)  # the few distinct choices → their items
    changed: list[AttemptItem] = []
    for attempt in attempts:
        own = items[attempt.pk]
        result = rules.grade(
            [(i.topic.name, i.correct_keys, i.response) for i in own],
            pass_mark_percent=attempt.pass_mark_percent,
        )
        right += [i.pk for i in own if rules.is_correct(i.correct_keys, i.response)]
        for i in own:
            chosen[rules.chosen_places(i.options, i.response)].append(i.pk)
        changed += [i for i in own if getattr(i, "_answer_changed", False)]
        _record(attempt, result, via, now)
        results[attempt.pk] = result
    AttemptItem.objects.filter(attempt_id__in=[a.pk for a in attempts]).update(
        is_correct=Case(When(pk__in=right, then=Value(True)), default=Value(False)),
        chosen=Case(*(When(pk__in=pks, then=Value(c)) for c, pks in chosen.items()), default=None),
    )
    if changed:
        AttemptItem.objects.bulk_update(changed, ["response", "answered_at"])
    ExamAttempt.objects.bulk_update(attempts, RESULT_FIELDS, batch_size=1000)
    return results


def _submitted_reason(via: str, in_time: bool, result: rules.Grade) -> str:
    return (
        f"{AttemptVia(via).label}{'' if in_time else ' (after the deadline)'}: "
        f"{result.score}/{result.max_score} ({result.percent}%), "
        f"{'passed' if result.passed else 'not passed'}."
    )


def _result_email(attempt: ExamAttempt) -> RenderedEmail:
    return email_render(
        template="exam_result",
        to=[attempt.user.email],
        context={"attempt": attempt, "site_url": settings.WAGTAILADMIN_BASE_URL},
    )


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
            item._answer_changed = True


RESULT_FIELDS = [
    "status",
    "finished_at",
    "finished_via",
    "score",
    "max_score",
    "percent",
    "passed",
    "topic_scores",
]


def _record(attempt: ExamAttempt, result: rules.Grade, via: str, now: datetime) -> None:
    attempt.status = A.SUBMITTED
    attempt.finished_at = now
    attempt.finished_via = via
    attempt.score = result.score
    attempt.max_score = result.max_score
    attempt.percent = result.percent
    attempt.passed = result.passed
    attempt.topic_scores = {topic: list(tally) for topic, tally in result.topics.items()}


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

    Set-based: the overdue attempts and their items are read (two queries), graded and their
    emails rendered before any lock; then the ones still open and overdue are locked (skipping
    any a candidate is submitting), and their items, results, audit events and emails are
    written with one statement each. A pass moves its application on (its own service). Safe
    to run twice and beside candidates' own submissions."""
    now = now or clock.now()
    cutoff = now - timedelta(seconds=save_grace_seconds())
    overdue = Q(status=A.IN_PROGRESS, deadline_at__lt=cutoff)
    attempts = list(
        ExamAttempt.objects.filter(overdue)
        .select_related("application", "user")
        .order_by("deadline_at")[:limit]
    )
    if not attempts:
        return 0
    items = _items_of([a.pk for a in attempts])
    # Past deadline + grace no answer can be saved any more: grading now is grading later.
    results = {
        a.pk: rules.grade(
            [(i.topic.name, i.correct_keys, i.response) for i in items[a.pk]],
            pass_mark_percent=a.pass_mark_percent,
        )
        for a in attempts
    }
    for attempt in attempts:
        _record(attempt, results[attempt.pk], AttemptVia.TASK, now)
    emails = {a.pk: _result_email(a) for a in attempts}
    with transaction.atomic():
        locked = set(
            ExamAttempt.objects.select_for_update(skip_locked=True)
            .filter(overdue, pk__in=list(emails))
            .values_list("pk", flat=True)
        )
        closing = [a for a in attempts if a.pk in locked]
        if not closing:
            return 0
        _graded(closing, items, AttemptVia.TASK, now)
        audit_record_many(
            actor=None,
            verb="exam_attempt.submitted",
            model=ExamAttempt,
            changes=[
                (a.pk, A.IN_PROGRESS, A.SUBMITTED, _submitted_reason(a.finished_via, False, r))
                for a in closing
                for r in [results[a.pk]]
            ],
        )
        emails_send_many(emails[a.pk] for a in closing)
        for attempt in closing:
            if attempt.passed:
                _application_passed(attempt, None)
    return len(closing)


def attempts_close_for_expired(application_ids: list[int], today: date) -> int:
    """Expiry hook: the attempts still open on applications that just expired are closed without
    grading (the application is over). Runs inside the expiry transaction."""
    rows = list(
        ExamAttempt.objects.select_for_update()
        .filter(application_id__in=application_ids, status=A.IN_PROGRESS)
        .values_list("pk", "status")
    )
    ready_papers_drop(application_id__in=application_ids)  # never to be started now
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
