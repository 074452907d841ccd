"""Reads for the exam, always scoped to who is asking."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection
from django.db.models import Q, QuerySet

from enrollment.models import Application, ApplicationStatus
from enrollment.models.applications import FINAL
from exams import attempt_page, richtext, rules
from exams.bankfile import ParsedItem, ParsedOption, ParseError, parse
from exams.conf import save_grace_seconds
from exams.models import (
    AccommodationRequest,
    AccommodationStatus,
    AttemptItem,
    AttemptPage,
    AttemptStatus,
    ExamAttempt,
    ExamDefinition,
    ExamGrant,
    ExamItem,
    ExamTopic,
    ItemOption,
    ItemStatus,
)
from lms.models import User

S = ApplicationStatus
# Statuses that open the exam by themselves (spec: after the required classroom days).
EXAM_OPEN_STATUSES = frozenset({S.CLASSROOM_COMPLETE})
# Statuses that mean the exam is already behind the person.
EXAM_DONE_STATUSES = frozenset({S.EXAM_PASSED, S.EMPLOYMENT_VERIFIED, S.CERTIFIED})
# Before staff approve an application there is nothing to grant early.
GRANTABLE_STATUSES = frozenset(
    {S.APPROVED, S.TRAINING_COMPLETE, S.TRAINING_APPROVED, S.CLASSROOM_COMPLETE}
)


def exam_definition_current() -> ExamDefinition | None:
    """The exam candidates take: the newest active definition."""
    return ExamDefinition.objects.filter(is_active=True).order_by("-pk").first()


def application_for_exam(*, user: User, for_update: bool = False) -> Application | None:
    """The person's open application (the one the exam counts for), if any; locked when
    `for_update` (inside the caller's transaction)."""
    if not user.is_authenticated:
        return None
    applications = Application.objects.select_for_update() if for_update else Application.objects
    return (
        applications.filter(user=user)
        .exclude(status__in=FINAL - {S.CERTIFIED})
        .order_by("-created_at", "-pk")
        .first()
    )


def accommodation_allowance(*, user: User) -> AccommodationRequest | None:
    """The person's approved extra-time allowance (the latest decided), if any."""
    return (
        AccommodationRequest.objects.filter(user=user, status=AccommodationStatus.APPROVED)
        .order_by("-decided_at", "-pk")
        .first()
    )


def accommodation_list_for_user(*, user: User) -> QuerySet[AccommodationRequest]:
    return AccommodationRequest.objects.filter(user=user).order_by("-created_at", "-pk")


def accommodation_get_for_user(*, user: User, pk: int) -> AccommodationRequest | None:
    """A request, for its owner or for staff who may see every request; else None."""
    if not user.is_authenticated:
        return None
    requests = AccommodationRequest.objects.filter(pk=pk)
    if not user.has_perm("exams.view_accommodationrequest"):
        requests = requests.filter(user=user)
    return requests.first()


@dataclass(frozen=True)
class Availability:
    """Where a person stands with the exam right now."""

    application: Application | None
    definition: ExamDefinition | None
    active_attempt: ExamAttempt | None
    finished: list[ExamAttempt]
    refusal: str | None
    next_attempt_at: datetime | None
    attempts_left: int
    extra_minutes: int
    allowance: AccommodationRequest | None
    granted: bool = False
    passed: bool = False

    @property
    def can_start(self) -> bool:
        return self.refusal is None


_LOOK_IT_UP = object()


def exam_availability(*, user: User, now: datetime, application=_LOOK_IT_UP) -> Availability:
    """Whether `user` may start an attempt at `now`, and why not. Reads only. A caller that has
    already loaded (and locked) the person's application passes it in."""
    if application is _LOOK_IT_UP:
        application = application_for_exam(user=user)
    definition = exam_definition_current()
    allowance = accommodation_allowance(user=user)
    active = ExamAttempt.objects.filter(user=user, status=AttemptStatus.IN_PROGRESS).first()
    finished: list[ExamAttempt] = []
    if application is not None:
        finished = list(
            ExamAttempt.objects.filter(application=application, status=AttemptStatus.SUBMITTED)
            .select_related("definition")
            .order_by("-finished_at", "-pk")
        )
    counted = [a for a in finished if definition is not None and a.definition_id == definition.pk]
    last = counted[0].finished_at if counted else None
    granted = application is not None and application.exam_grants.exists()
    refusal, passed = start_decision(
        now=now,
        definition=definition,
        application_status=application.status if application is not None else None,
        granted=granted,
        any_passed=any(a.passed for a in finished),
        attempts_used=len(counted),
        last_finished_at=last,
    )
    return Availability(
        application=application,
        definition=definition,
        active_attempt=active,
        finished=finished,
        refusal=refusal,
        next_attempt_at=rules.next_attempt_at(last, definition.retake_wait_hours)
        if definition
        else None,
        attempts_left=max(0, definition.attempts_allowed - len(counted)) if definition else 0,
        extra_minutes=rules.allowance_minutes(
            definition.time_limit_minutes if definition else 0,
            allowance.kind if allowance else None,
            allowance.amount if allowance else None,
        ),
        allowance=allowance,
        granted=granted,
        passed=passed,
    )


def start_decision(
    *,
    now: datetime,
    definition,
    application_status: str | None,
    granted: bool,
    any_passed: bool,
    attempts_used: int,
    last_finished_at: datetime | None,
) -> tuple[str | None, bool]:
    """Why the person may not start now (None: they may), and whether the exam is behind them,
    from the facts that decide it; the exam's page and Start (`start_facts`) both ask here."""
    passed = any_passed or application_status in EXAM_DONE_STATUSES
    eligible = application_status is not None and (
        application_status in EXAM_OPEN_STATUSES
        or (granted and application_status in GRANTABLE_STATUSES)
    )
    if definition is None:
        return "The exam is not open yet.", passed
    refusal = rules.start_refusal(
        now=now,
        eligible=eligible,
        has_passed=passed,
        opens_at=definition.opens_at,
        closes_at=definition.closes_at,
        attempts_used=attempts_used,
        attempts_allowed=definition.attempts_allowed,
        last_finished_at=last_finished_at,
        wait_hours=definition.retake_wait_hours,
    )
    return refusal, passed


@dataclass(frozen=True)
class StartFacts:
    """What Start needs to decide and to stamp an attempt, read in one statement (`start_facts`)."""

    application_id: int
    application_status: str
    granted: bool
    definition: ExamDefinition | None  # only the fields `start_decision` and a start read
    finished: int  # submitted attempts on the application (the next one's number is this + 1)
    counted: int  # of them, on the current exam
    last_finished_at: datetime | None  # the last counted one
    any_passed: bool
    allowance_kind: str | None
    allowance_amount: int | None
    active_attempt_id: int | None
    ready_id: int | None  # their ready paper (a READY attempt)


_DEFINITION_FIELDS = (
    "id",
    "opens_at",
    "closes_at",
    "attempts_allowed",
    "retake_wait_hours",
    "time_limit_minutes",
    "pass_mark_percent",
    "feedback",
)

# The person's open application, locked (as `application_for_exam(for_update=True)`), with what
# `exam_availability` reads in six queries: the current exam, their approved allowance, their
# attempts so far, whether staff granted an early sitting, an attempt under way, a ready paper.
_START_FACTS = """
WITH app AS (
    SELECT id, status FROM {application}
    WHERE user_id = %(user)s AND NOT (status = ANY(%(final)s))
    ORDER BY created_at DESC, id DESC LIMIT 1
    FOR UPDATE
), exam AS (
    SELECT {definition_fields} FROM {definition} WHERE is_active ORDER BY id DESC LIMIT 1
)
SELECT app.id, app.status,
    EXISTS (SELECT 1 FROM {grant} g WHERE g.application_id = app.id),
    exam.*,
    (SELECT count(*) FROM {attempt} a WHERE a.application_id = app.id AND a.status = %(submitted)s),
    (SELECT count(*) FROM {attempt} a WHERE a.application_id = app.id AND a.status = %(submitted)s
        AND a.definition_id = exam.id),
    (SELECT max(a.finished_at) FROM {attempt} a WHERE a.application_id = app.id
        AND a.status = %(submitted)s AND a.definition_id = exam.id),
    COALESCE((SELECT bool_or(a.passed) FROM {attempt} a WHERE a.application_id = app.id
        AND a.status = %(submitted)s), false),
    acc.kind, acc.amount,
    (SELECT a.id FROM {attempt} a WHERE a.user_id = %(user)s AND a.status = %(in_progress)s),
    (SELECT a.id FROM {attempt} a WHERE a.user_id = %(user)s AND a.status = %(ready)s)
FROM app
LEFT JOIN exam ON true
LEFT JOIN LATERAL (
    SELECT kind, amount FROM {accommodation}
    WHERE user_id = %(user)s AND status = %(approved)s
    ORDER BY decided_at DESC, id DESC LIMIT 1
) acc ON true
"""


def start_facts(*, user: User) -> StartFacts | None:
    """PostgreSQL: the person's facts for Start in one statement, their open application locked
    (inside the caller's transaction) so that one person's starts queue up; None without one."""
    quote = connection.ops.quote_name
    sql = _START_FACTS.format(
        definition_fields=", ".join(_DEFINITION_FIELDS),
        **{
            name: quote(model._meta.db_table)
            for name, model in (
                ("application", Application),
                ("definition", ExamDefinition),
                ("grant", ExamGrant),
                ("attempt", ExamAttempt),
                ("accommodation", AccommodationRequest),
            )
        },
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            {
                "user": user.pk,
                "final": [str(status) for status in FINAL - {S.CERTIFIED}],
                "submitted": AttemptStatus.SUBMITTED.value,
                "in_progress": AttemptStatus.IN_PROGRESS.value,
                "ready": AttemptStatus.READY.value,
                "approved": AccommodationStatus.APPROVED.value,
            },
        )
        row = cursor.fetchone()
    if row is None:
        return None
    app_id, app_status, granted = row[:3]
    exam = dict(zip(_DEFINITION_FIELDS, row[3 : 3 + len(_DEFINITION_FIELDS)], strict=True))
    rest = row[3 + len(_DEFINITION_FIELDS) :]
    return StartFacts(
        application_id=app_id,
        application_status=app_status,
        granted=granted,
        definition=ExamDefinition(**exam) if exam["id"] is not None else None,
        finished=rest[0],
        counted=rest[1],
        last_finished_at=rest[2],
        any_passed=rest[3],
        allowance_kind=rest[4],
        allowance_amount=rest[5],
        active_attempt_id=rest[6],
        ready_id=rest[7],
    )


def attempt_get_for_user(*, user: User, pk: int) -> ExamAttempt | None:
    """The attempt `pk` when `user` took it; None for anyone else (staff use the admin)."""
    if not user.is_authenticated:
        return None
    return ExamAttempt.objects.filter(pk=pk, user=user).select_related("definition").first()


def attempt_remaining_seconds(attempt: ExamAttempt, now: datetime) -> int:
    """Whole seconds until the deadline (never negative)."""
    return max(0, int((attempt.deadline_at - now).total_seconds()))


def attempt_is_overdue(attempt: ExamAttempt, now: datetime) -> bool:
    return attempt.is_open and not rules.save_allowed(
        now, attempt.deadline_at, save_grace_seconds()
    )


def attempt_page_for_candidate(attempt: ExamAttempt) -> dict:
    """The questions of an open attempt as its page shows them, with the saved answers chosen
    (`items_html`), and how many there are and are answered: the HTML rendered when the paper
    was drawn, marked (two small reads); an attempt without one is rendered from its items.
    Never the keys or the rationale."""
    if attempt.served_page is not None:  # Start has just served it: nothing is answered yet
        html, count = attempt.served_page
        return {"items_html": attempt_page.page_mark(html, {}), "item_count": count, "answered": 0}
    responses = dict(
        AttemptItem.objects.filter(attempt_id=attempt.pk).values_list("position", "response")
    )
    html = AttemptPage.objects.filter(pk=attempt.pk).values_list("html", flat=True).first()
    if html is None:
        rows = AttemptItem.objects.filter(attempt_id=attempt.pk).order_by("position")
        html = attempt_page.page_render(
            list(rows.values("position", "kind", "prompt", "text_format", "options"))
        )
    return {
        "items_html": attempt_page.page_mark(html, responses),
        "item_count": len(responses),
        "answered": sum(1 for keys in responses.values() if keys),
    }


def attempt_review_items(attempt: ExamAttempt) -> list[dict]:
    """After submission, for "items with rationale" feedback: each item with the candidate's
    answer, the key, the rationale and each option's feedback (HTML items rendered sanitized)."""
    result = []
    for row in attempt.items.select_related("topic"):
        chosen = set(row.response or [])
        fmt = row.text_format
        result.append(
            {
                "number": row.position + 1,
                "topic": row.topic.name,
                "prompt": row.prompt,
                "prompt_html": richtext.render(row.prompt, fmt),
                "is_correct": row.is_correct,
                "rationale": row.rationale,
                "rationale_html": richtext.render(row.rationale, fmt),
                "options": [
                    {
                        "text": o["text"],
                        "html": richtext.render(o["text"], fmt),
                        "feedback_html": richtext.render(o.get("feedback") or "", fmt),
                        "chosen": o["key"] in chosen,
                        "correct": o["key"] in row.correct_keys,
                    }
                    for o in row.options
                ],
            }
        )
    return result


def attempts_list_for_user(*, user: User) -> QuerySet[ExamAttempt]:
    return ExamAttempt.objects.filter(user=user).order_by("-started_at", "-pk")


# --- the dashboard ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ExamStep:
    """The exam step of the applicant's dashboard: state is "locked", "open", "in_progress",
    "waiting", "passed" or "closed"; `detail` is a sentence; `url` the exam page."""

    state: str
    detail: str
    url: str = "/exam/"


def exam_step_get(*, user: User, now: datetime) -> ExamStep:
    """What the dashboard says about the exam for `user`."""
    availability = exam_availability(user=user, now=now)
    if availability.passed:
        return ExamStep("passed", "You passed the competency exam.")
    if availability.active_attempt is not None:
        return ExamStep("in_progress", "Your attempt is under way: continue where you left off.")
    if availability.can_start:
        return ExamStep("open", "The competency exam is open to you.")
    if availability.next_attempt_at and availability.attempts_left:
        return ExamStep("waiting", availability.refusal or "")
    state = "locked" if availability.application is None or not availability.finished else "closed"
    return ExamStep(state, availability.refusal or "")


# --- the item bank (editors) -----------------------------------------------------------------


@dataclass(frozen=True)
class PlannedItem:
    parsed: ParsedItem
    topic: ExamTopic
    duplicate: bool
    problems: list[str]  # what keeps it from being active (it can still arrive as a draft)
    duplicate_of: int | None = None  # the line of the same item earlier in the file; None: bank


@dataclass
class ImportPlan:
    """What an import would create, and every line-numbered error; computing it writes nothing."""

    items: list[PlannedItem] = field(default_factory=list)
    errors: list[ParseError] = field(default_factory=list)

    @property
    def new_items(self) -> list[PlannedItem]:
        return [p for p in self.items if not p.duplicate]

    @property
    def duplicates(self) -> list[PlannedItem]:
        return [p for p in self.items if p.duplicate]


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def item_identity(*, topic_id: int, kind: str, prompt: str, options) -> tuple:
    """What makes two items the same item: topic, kind, stem, and the options with their keys
    (in any order). Two questions with one stem and different answers are different items."""
    choices = sorted((_norm(text), bool(correct)) for text, correct in options)
    return (topic_id, str(kind), _norm(prompt), tuple(choices))


def _bank_identities() -> set[tuple]:
    options = defaultdict(list)
    for item_id, text, correct in ItemOption.objects.values_list("item_id", "text", "is_correct"):
        options[item_id].append((text, correct))
    return {
        item_identity(topic_id=topic_id, kind=kind, prompt=prompt, options=options[pk])
        for pk, topic_id, kind, prompt in ExamItem.objects.values_list(
            "pk", "topic_id", "kind", "prompt"
        )
    }


def _topic_index() -> dict[str, ExamTopic]:
    index = {}
    for topic in ExamTopic.objects.all():
        index[topic.code.casefold()] = topic
        index[topic.name.casefold()] = topic
    return index


def _option_errors(item: ParsedItem) -> list[ParseError]:
    """The structural problems the bank would refuse at confirm (two options with the same
    text, …), as errors on the question's line, so the preview shows them."""
    options = [(o.text, o.correct) for o in item.options]
    return [ParseError(item.line, problem) for problem in rules.item_problems(item.kind, options)]


def import_plan(*, text: str, fmt: str, default_topic: ExamTopic | None) -> ImportPlan:
    """Parse a GIFT or Aiken file and say what importing it would do: the items to create (with
    their topic), the ones already in the bank or earlier in the file (judged by the whole item:
    stem, options and keys), and all errors, including every one the confirm would meet.
    Nothing is saved."""
    parsed = parse(text.replace("\r\n", "\n"), fmt)
    plan = ImportPlan(errors=list(parsed.errors))
    topics = _topic_index()
    seen: dict[tuple, int | None] = dict.fromkeys(_bank_identities())
    for item in parsed.items:
        topic = topics.get(item.category.casefold()) if item.category else default_topic
        if topic is None:
            message = (
                f"unknown topic “{item.category}”: add it under Exam topics first."
                if item.category
                else "no topic: choose a default topic or add a $CATEGORY line."
            )
            plan.errors.append(ParseError(item.line, message))
            continue
        structural = _option_errors(item)
        if structural:
            plan.errors.extend(structural)
            continue
        options = [(o.text, o.correct) for o in item.options]
        key = item_identity(topic_id=topic.pk, kind=item.kind, prompt=item.prompt, options=options)
        problems = rules.activation_problems(
            item.kind, options, prompt=item.prompt, rationale=item.rationale
        )
        duplicate = key in seen
        plan.items.append(
            PlannedItem(item, topic, duplicate, problems, seen.get(key) if duplicate else None)
        )
        seen.setdefault(key, item.line)
    plan.errors.sort(key=lambda e: e.line)
    return plan


def items_for_export(*, topic: ExamTopic | None = None, include_retired: bool = False):
    """The bank as `ParsedItem`s (category = topic code), ready for `gift.dump`."""
    items = ExamItem.objects.select_related("topic").prefetch_related("options")
    if topic is not None:
        items = items.filter(topic=topic)
    if not include_retired:
        items = items.exclude(status=ItemStatus.RETIRED)
    return [
        ParsedItem(
            line=0,
            title=item.title,
            prompt=item.prompt,
            kind=item.kind,
            options=tuple(
                ParsedOption(
                    o.text,
                    o.is_correct,
                    feedback=o.feedback,
                    weight=float(o.weight) if o.weight is not None else None,
                )
                for o in item.options.all()
            ),
            rationale=item.rationale,
            category=item.topic.code,
            text_format=item.text_format,
        )
        for item in items.order_by("topic__code", "pk")
    ]


def items_linked_to_objectives(objective_ids) -> QuerySet[ExamItem]:
    return ExamItem.objects.filter(
        pk__in=ExamItem.objects.filter(objectives__in=list(objective_ids)).values("pk")
    )


def attempt_items_served(*, definition: ExamDefinition | None = None, item: ExamItem | None = None):
    """Graded attempt items, for statistics (aggregates only)."""
    rows = AttemptItem.objects.filter(attempt__status=AttemptStatus.SUBMITTED)
    if definition is not None:
        rows = rows.filter(attempt__definition=definition)
    if item is not None:
        rows = rows.filter(item=item)
    return rows


def pools_by_topic(topic_ids) -> dict[int, list[int]]:
    """Active item ids per topic: what an exam may draw from."""
    pools: dict[int, list[int]] = defaultdict(list)
    rows = ExamItem.objects.filter(status=ItemStatus.ACTIVE, topic_id__in=list(topic_ids))
    for pk, topic_id in rows.values_list("pk", "topic_id"):
        pools[topic_id].append(pk)
    return pools


def editors_to_notify() -> list[str]:
    """Email addresses of active Content editors."""
    from lms.roles import Role

    users = User.objects.filter(groups__name=Role.CONTENT_EDITOR.value, is_active=True)
    return sorted(set(users.exclude(Q(email="")).values_list("email", flat=True)))
