"""Saving an answer as it is chosen: the hot path of the exam (every click is a save).

On PostgreSQL a save is one statement after the first: the item's option keys come from a small
per-process cache (served items never change once an attempt is under way), and one statement
locks the attempt (FOR NO KEY UPDATE, so a submit waits for it and it waits for a submit),
checks it is this person's, in progress and within deadline + grace, checks the item still has
that kind and those keys, and writes the answer and the place. A refused save writes nothing.
Elsewhere (SQLite in development) the same checks run through the ORM.
"""

import json
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection, transaction

from exams import rules
from exams.conf import save_grace_seconds
from exams.models import AttemptItem, AttemptStatus, ExamAttempt
from exams.rules import RuleViolation
from exams.selectors import attempt_remaining_seconds
from lms import clock
from lms.models import User

A = AttemptStatus


class AttemptNotFound(Exception):
    """No such attempt for this person (someone else's looks exactly like a missing one)."""


class AttemptClosed(RuleViolation):
    """The attempt no longer takes answers: submitted, closed, or out of time."""


@dataclass(frozen=True)
class SaveOutcome:
    position: int
    remaining_seconds: int


def attempt_answer_save(
    *, user: User, attempt_id: int, position: int, choice: list | None, now: datetime | None = None
) -> SaveOutcome:
    """Save one answer as it is chosen (a list of option keys; [] clears a multiple-answer item),
    and remember where the candidate is. `choice=None` only moves the place.

    Raises AttemptNotFound (not theirs), AttemptClosed (submitted, or past deadline + grace),
    RuleViolation (not an option of that item). Nothing is written when refused.
    """
    now = now or clock.now()
    if connection.vendor != "postgresql":
        return _save_orm(user, attempt_id, position, choice, now)
    for fresh in (False, True):
        served = keys = None
        if choice is not None:
            served = _served_item(attempt_id, user.pk, position, fresh=fresh)
            if served is None:
                _refusal(user, attempt_id, now)
                raise RuleViolation("There is no such question in this attempt.")
            try:
                keys = rules.answer_keys(served[0], choice, served[1])
            except RuleViolation:
                _refusal(user, attempt_id, now)  # not theirs, or closed, comes first
                raise
        row = _save_statement(
            attempt_id, user.pk, position, now, served if keys is not None else None, keys
        )
        if row is None:
            _refusal(user, attempt_id, now)
            raise AttemptClosed("This attempt no longer takes answers.")  # changed meanwhile
        deadline_at, item_written = row
        if item_written:
            return SaveOutcome(position, max(0, int((deadline_at - now).total_seconds())))
        _forget(attempt_id, user.pk)  # the cached item no longer matches: read it again
    raise RuleViolation("There is no such question in this attempt.")


# --- PostgreSQL: one statement ---------------------------------------------------------------

_SAVE = """
WITH a AS (
    SELECT id, deadline_at, last_position FROM {attempt}
    WHERE id = %(attempt)s AND user_id = %(user)s AND status = %(open)s
      AND deadline_at >= %(cutoff)s
    FOR NO KEY UPDATE
), i AS (
    UPDATE {item} t SET response = %(response)s::jsonb, answered_at = %(now)s
    FROM a WHERE t.attempt_id = a.id AND t.position = %(position)s
      AND t.kind = %(kind)s AND t.options @> %(keys)s::jsonb
    RETURNING t.id
), p AS (
    UPDATE {attempt} t SET last_position = %(position)s
    FROM a WHERE t.id = a.id AND a.last_position <> %(position)s AND EXISTS (SELECT 1 FROM i)
    RETURNING t.id
)
SELECT a.deadline_at, EXISTS (SELECT 1 FROM i), EXISTS (SELECT 1 FROM p) FROM a
"""
_MOVE = """
WITH a AS (
    SELECT id, deadline_at, last_position FROM {attempt}
    WHERE id = %(attempt)s AND user_id = %(user)s AND status = %(open)s
      AND deadline_at >= %(cutoff)s
    FOR NO KEY UPDATE
), p AS (
    UPDATE {attempt} t SET last_position = %(position)s
    FROM a WHERE t.id = a.id AND a.last_position <> %(position)s
    RETURNING t.id
)
SELECT a.deadline_at, TRUE, EXISTS (SELECT 1 FROM p) FROM a
"""


def _sql(template: str) -> str:
    quote = connection.ops.quote_name
    return template.format(
        attempt=quote(ExamAttempt._meta.db_table), item=quote(AttemptItem._meta.db_table)
    )


def _save_statement(attempt_id, user_id, position, now, served, keys):
    params = {
        "attempt": attempt_id,
        "user": user_id,
        "open": A.IN_PROGRESS.value,
        "cutoff": now - timedelta(seconds=save_grace_seconds()),
        "position": position,
        "now": now,
    }
    if served is not None:
        params |= {
            "response": json.dumps(keys),
            "kind": served[0],
            "keys": json.dumps([{"key": key} for key in keys]),
        }
    with connection.cursor() as cursor:
        cursor.execute(_sql(_SAVE if served is not None else _MOVE), params)
        row = cursor.fetchone()
    return None if row is None else (row[0], row[1])


# --- the per-process cache of served items ---------------------------------------------------
# (attempt, person) → {position: (kind, option keys)}. An entry is only ever a hint: the save
# statement checks the item's kind and keys again, and a mismatch reads the item afresh.

_CACHE_SIZE = 4096
_served: OrderedDict[tuple[int, int], dict[int, tuple[str, tuple[str, ...]]]] = OrderedDict()
_lock = threading.Lock()


def _served_item(attempt_id: int, user_id: int, position: int, *, fresh: bool):
    key = (attempt_id, user_id)
    with _lock:
        items = None if fresh else _served.get(key)
        if items is not None:
            _served.move_to_end(key)
    if items is None:
        rows = AttemptItem.objects.filter(
            attempt_id=attempt_id, attempt__user_id=user_id
        ).values_list("position", "kind", "options")
        items = {p: (kind, tuple(o["key"] for o in options)) for p, kind, options in rows}
        if items:
            with _lock:
                _served[key] = items
                while len(_served) > _CACHE_SIZE:
                    _served.popitem(last=False)
    return items.get(position)


def _forget(attempt_id: int, user_id: int) -> None:
    with _lock:
        _served.pop((attempt_id, user_id), None)


def _refusal(user: User, attempt_id: int, now: datetime) -> None:
    """Raise why a save was refused: not theirs (AttemptNotFound) or closed (AttemptClosed)."""
    attempt = (
        ExamAttempt.objects.only("pk", "status", "deadline_at")
        .filter(pk=attempt_id, user_id=user.pk)
        .first()
    )
    if attempt is None:
        raise AttemptNotFound
    _check_open(attempt, now)


# --- elsewhere: the ORM ----------------------------------------------------------------------


def _save_orm(user, attempt_id, position, choice, now) -> SaveOutcome:
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
