"""Platform-wide writes: the audit log and outgoing email."""

import base64
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.template.loader import render_to_string

from lms.models import AuditEvent, User


def audit_record(
    *,
    actor: User | None,
    verb: str,
    obj: models.Model,
    from_state: str = "",
    to_state: str = "",
    reason: str = "",
) -> AuditEvent:
    """Append one event to the audit log. `actor` is None for the system (tasks, webhooks).

    Call it inside the transaction that makes the change, so the log and the change commit together.
    """
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        verb=verb,
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
        object_id=str(obj.pk),
        from_state=str(from_state or ""),
        to_state=str(to_state or ""),
        reason=reason,
    )


def audit_record_many(
    *,
    actor: User | None,
    verb: str,
    model: type[models.Model],
    changes: Iterable[tuple[object, str, str]],
    reason: str = "",
) -> int:
    """Append one event per (pk, from_state, to_state) in a single insert, for set-based changes."""
    content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
    events = [
        AuditEvent(
            actor=actor if actor is not None and actor.is_authenticated else None,
            verb=verb,
            content_type=content_type,
            object_id=str(pk),
            from_state=str(from_state or ""),
            to_state=str(to_state or ""),
            reason=reason,
        )
        for pk, from_state, to_state in changes
    ]
    AuditEvent.objects.bulk_create(events)
    return len(events)


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mimetype: str


def email_send(
    *,
    template: str,
    to: Iterable[str],
    context: dict,
    attachments: Iterable[Attachment] = (),
) -> None:
    """Render `templates/emails/<template>.{subject.txt,txt,html}` and send it after commit.

    Every email has a plain-text part and an HTML alternative. Delivery runs in Celery,
    enqueued with `transaction.on_commit`, so a rolled-back change sends nothing.
    """
    from lms.tasks import email_deliver

    subject = " ".join(render_to_string(f"emails/{template}.subject.txt", context).split())
    text = render_to_string(f"emails/{template}.txt", context)
    html = render_to_string(f"emails/{template}.html", context)
    payload = {
        "subject": subject,
        "text": text,
        "html": html,
        "to": list(to),
        "attachments": [
            (a.filename, base64.b64encode(a.content).decode("ascii"), a.mimetype)
            for a in attachments
        ],
    }
    transaction.on_commit(lambda: email_deliver.delay(**payload))
