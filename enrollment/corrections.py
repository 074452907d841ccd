"""A returned application's corrections: what each answer was when staff returned it, which
flagged fields the applicant has neither changed nor answered, and what changed since.

Pure reads of an application-like object; the services call them and store the results."""

from typing import Any

from enrollment.rules import Track
from enrollment.sections import SECTIONS, TRANSCRIPT

UNANSWERED = (
    "Staff asked you to correct this: change the answer, or reply to their note, before you "
    "submit again."
)


def _text(app: Any, name: str) -> str:
    from enrollment.selectors.applications import _answer_text

    return _answer_text(app, name)


def answers_snapshot(app: Any, *, transcripts: int) -> dict[str, str]:
    """Field name → the answer as a person reads it, for every field (the transcript: how
    many are uploaded)."""
    snapshot = {name: _text(app, name) for section in SECTIONS for name in section.fields}
    snapshot[TRANSCRIPT] = f"{transcripts} uploaded" if transcripts else "—"
    return snapshot


def unanswered_corrections(app: Any, *, now: dict[str, str]) -> list[str]:
    """The flagged fields whose answer is unchanged since the return and carry no reply (a
    field the applicant's form does not show, the CM I number off the upgrade track, is left
    out: it cannot be answered)."""
    before = app.returned_values or {}
    replies = app.correction_replies or {}
    return [
        name
        for name in (app.corrections or {})
        if name in before
        and before[name] == now.get(name)
        and not replies.get(name, "").strip()
        and (name != "cm1_certificate_number" or app.track == Track.CM1_UPGRADE)
    ]


def changes_since_return(app: Any, *, now: dict[str, str]) -> list[tuple[str, str, str]]:
    """(field name, before, after) for every answer that differs from when it was returned."""
    before = app.returned_values or {}
    return [(name, was, now.get(name, "—")) for name, was in before.items() if was != now.get(name)]
