"""Platform-wide writes: the audit log and outgoing email."""

import base64
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parseaddr

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection, make_msgid
from django.db import connection, models, transaction
from django.db.models import F, Q
from django.db.models.functions import Cast
from django.template.loader import render_to_string

from lms import clock
from lms.models import AuditEvent, OutboxMessage, OutboxStatus, User

logger = logging.getLogger(__name__)


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
    changes: Iterable[tuple],
    reason: str = "",
) -> int:
    """Append one event per (pk, from_state, to_state) in a single insert, for set-based changes.
    A change may carry its own reason as a fourth item (pk, from_state, to_state, reason)."""
    content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
    actor = actor if actor is not None and actor.is_authenticated else None
    events = [
        AuditEvent(
            actor=actor,
            verb=verb,
            content_type=content_type,
            object_id=str(pk),
            from_state=str(from_state or ""),
            to_state=str(to_state or ""),
            reason=own[0] if own else reason,
        )
        for pk, from_state, to_state, *own in changes
    ]
    AuditEvent.objects.bulk_create(events, batch_size=2000)
    return len(events)


def audit_record_select(
    *,
    verb: str,
    model: type[models.Model],
    rows: models.QuerySet,
    object_id: models.Expression | str,
    from_state: models.Expression | str,
    to_state: models.Expression | str,
    reason: str = "",
) -> int:
    """Append one system event per row of `rows` in a single INSERT … SELECT (nothing built in
    Python), for set-based changes too large for `audit_record_many`: `object_id`,
    `from_state` and `to_state` name the columns (or expressions) of `rows` that hold them.
    Returns the events written."""
    content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
    select = rows.order_by().annotate(
        _actor=models.Value(None, output_field=models.IntegerField()),
        _verb=models.Value(verb),
        _type=models.Value(content_type.pk),
        _object=Cast(object_id, models.CharField()),
        _from=Cast(from_state, models.CharField()),
        _to=Cast(to_state, models.CharField()),
        _reason=models.Value(reason),
        _at=models.Value(clock.now(), output_field=models.DateTimeField()),
    )
    columns = ["_actor", "_verb", "_type", "_object", "_from", "_to", "_reason", "_at"]
    sql, params = select.values_list(*columns).query.sql_with_params()
    targets = ["actor_id", "verb", "content_type_id", "object_id", "from_state", "to_state"]
    targets += ["reason", "created_at"]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(AuditEvent._meta.db_table)} "
            f"({', '.join(quote(c) for c in targets)}) {sql}",
            params,
        )
        return cursor.rowcount


# --- Outgoing email: the outbox ----------------------------------------------------------------
#
# Delivery is at least once and idempotent by Message-ID: a row is claimed with one conditional
# UPDATE (only one worker can win it), sent, then marked sent; a row marked sent is never claimed
# again. The one moment a message can go out twice is a worker dying after the SMTP server's
# "250 accepted" and before "mark sent" commits: the claim then expires and the sweep sends it
# again with the same Message-ID. That window is kept to one UPDATE (the connection is opened
# before and closed only after the row is marked sent); no email can be lost to it.


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mimetype: str


SENT, SKIPPED, ERROR = "sent", "skipped", "error"


class OutboxRetryRefused(ValueError):
    """Only an email that failed (the platform gave up) can be sent again by staff."""


def _message_domain() -> str:
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return address.rpartition("@")[2] or "bhcm.local"


def email_send(
    *,
    template: str,
    to: Iterable[str],
    context: dict,
    attachments: Iterable[Attachment] = (),
) -> OutboxMessage:
    """Render `templates/emails/<template>.{subject.txt,txt,html}` into the outbox; send on commit.

    Every email has a plain-text part and an HTML alternative. The outbox row is written in the
    caller's transaction, so a rolled-back change sends nothing and a committed one is never
    lost: a Celery task sends it right after commit, and `email_outbox_sweep` sends whatever is
    still unsent after EMAIL_OUTBOX_RESEND_AFTER_SECONDS.
    """
    email = email_render(template=template, to=to, context=context, attachments=attachments)
    return emails_send_many([email])[0]


@dataclass(frozen=True)
class RenderedEmail:
    """An email rendered from its templates, not yet in the outbox (see `emails_send_many`)."""

    template: str
    recipients: list[str]
    subject: str
    text: str
    html: str
    attachments: list[tuple[str, bytes, str]]


def email_render(
    *, template: str, to: Iterable[str], context: dict, attachments: Iterable[Attachment] = ()
) -> RenderedEmail:
    """Render one email (subject, text, HTML) without writing anything. Sweeps render their
    emails before they lock anything, then put the ones they need in the outbox at once."""
    return RenderedEmail(
        template=template,
        recipients=list(to),
        subject=" ".join(
            render_to_string(f"emails/{template}.subject.txt", context, using="text").split()
        ),
        text=render_to_string(f"emails/{template}.txt", context, using="text"),
        html=render_to_string(f"emails/{template}.html", context),
        attachments=[(a.filename, a.content, a.mimetype) for a in attachments],
    )


def emails_send_many(emails: Iterable[RenderedEmail]) -> list[OutboxMessage]:
    """Put rendered emails in the outbox in one insert, in the caller's transaction, each sent on
    commit (the guarantees of `email_send`: never lost once committed, never sent twice)."""
    now = clock.now()
    resend_at = now + timedelta(seconds=settings.EMAIL_OUTBOX_RESEND_AFTER_SECONDS)
    domain = _message_domain()
    messages = OutboxMessage.objects.bulk_create(
        [
            OutboxMessage(
                message_id=make_msgid(domain=domain),
                template=email.template,
                recipients=email.recipients,
                subject=email.subject,
                text=email.text,
                html=email.html,
                attachments=_encoded(email.attachments),
                created_at=now,
                next_attempt_at=resend_at,
            )
            for email in emails
        ],
        batch_size=2000,
    )
    pks = [message.pk for message in messages]
    if pks:
        # robust: a broker that cannot be reached must not fail the request that already
        # committed; the sweep sends the rows later.
        transaction.on_commit(lambda: _enqueue_many(pks), robust=True)
    return messages


def _encoded(attachments: Iterable[tuple[str, bytes, str]]) -> list[list[str]]:
    return [
        [filename, base64.b64encode(content).decode("ascii"), mimetype]
        for filename, content, mimetype in attachments
    ]


def email_send_rendered(*, template: str, message: EmailMessage) -> OutboxMessage:
    """Put a message another library rendered (allauth's account emails) into the outbox, with
    the same guarantees as `email_send`: written in the caller's transaction, sent on commit,
    swept if unsent. Its plain-text body and any HTML alternative are kept."""
    html = next(
        (
            body
            for body, mimetype in getattr(message, "alternatives", [])
            if mimetype == "text/html"
        ),
        "",
    )
    if message.content_subtype == "html":  # an HTML-only message: keep it as the alternative
        html, text = message.body, ""
    else:
        text = message.body
    return _outbox_add(
        template=template,
        recipients=list(message.to),
        subject=" ".join(str(message.subject).split()),
        text=text,
        html=html,
        attachments=[a for a in message.attachments if isinstance(a, tuple)],
    )


def _outbox_add(
    *,
    template: str,
    recipients: list[str],
    subject: str,
    text: str,
    html: str,
    attachments: Iterable[tuple[str, bytes, str]],
) -> OutboxMessage:
    now = clock.now()
    message = OutboxMessage.objects.create(
        message_id=make_msgid(domain=_message_domain()),
        template=template,
        recipients=recipients,
        subject=subject,
        text=text,
        html=html,
        attachments=[
            [filename, base64.b64encode(content).decode("ascii"), mimetype]
            for filename, content, mimetype in attachments
        ],
        created_at=now,
        next_attempt_at=now + timedelta(seconds=settings.EMAIL_OUTBOX_RESEND_AFTER_SECONDS),
    )
    # robust: a broker that cannot be reached must not fail the request that already committed;
    # the sweep sends the row later.
    transaction.on_commit(lambda: _enqueue(message.pk), robust=True)
    return message


def _enqueue(message_pk: int) -> None:
    from lms.tasks import email_outbox_send

    email_outbox_send.delay(message_pk)


def _enqueue_many(pks: list[int]) -> None:
    for pk in pks:
        _enqueue(pk)


def outbox_claim(*, message_pk: int, now: datetime) -> OutboxMessage | None:
    """Take the row for sending, or None when it is sent, failed, or held by a live claim.

    One conditional UPDATE, committed at once: two workers (a redelivered task, the sweep) can
    never both win the same row.
    """
    lease = timedelta(seconds=settings.EMAIL_OUTBOX_LEASE_SECONDS)
    claimable = Q(status=OutboxStatus.PENDING) | Q(
        status=OutboxStatus.SENDING, claimed_until__lt=now
    )
    won = (
        OutboxMessage.objects.filter(claimable, pk=message_pk)
        .order_by()
        .update(status=OutboxStatus.SENDING, claimed_until=now + lease, attempts=F("attempts") + 1)
    )
    return OutboxMessage.objects.get(pk=message_pk) if won else None


def outbox_mark_sent(*, message: OutboxMessage, now: datetime) -> bool:
    """sending → sent. False (and nothing written) when the row is no longer being sent."""
    return bool(
        OutboxMessage.objects.filter(pk=message.pk, status=OutboxStatus.SENDING)
        .order_by()
        .update(status=OutboxStatus.SENT, sent_at=now, claimed_until=None, last_error="")
    )


def outbox_mark_error(*, message: OutboxMessage, error: str, now: datetime) -> OutboxStatus:
    """sending → pending (tried again later, with a growing delay) or → failed after
    EMAIL_OUTBOX_MAX_ATTEMPTS attempts (audited; staff see it in the admin)."""
    give_up = message.attempts >= settings.EMAIL_OUTBOX_MAX_ATTEMPTS
    target = OutboxStatus.FAILED if give_up else OutboxStatus.PENDING
    delay = settings.EMAIL_OUTBOX_RESEND_AFTER_SECONDS * 2 ** max(0, message.attempts - 1)
    with transaction.atomic():
        changed = (
            OutboxMessage.objects.filter(pk=message.pk, status=OutboxStatus.SENDING)
            .order_by()
            .update(
                status=target,
                last_error=error[:2000],
                claimed_until=None,
                next_attempt_at=now + timedelta(seconds=min(delay, 6 * 3600)),
            )
        )
        if changed and give_up:
            audit_record(
                actor=None,
                verb="email.failed",
                obj=message,
                from_state=OutboxStatus.SENDING,
                to_state=OutboxStatus.FAILED,
                reason=error[:500],
            )
    return target


def _as_email(message: OutboxMessage, connection) -> EmailMultiAlternatives:
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.text,
        to=message.recipients,
        headers={"Message-ID": message.message_id},
        connection=connection,
    )
    if message.html:
        email.attach_alternative(message.html, "text/html")
    for filename, content_b64, mimetype in message.attachments:
        email.attach(filename, base64.b64decode(content_b64), mimetype)
    return email


def outbox_deliver(*, message_pk: int) -> str:
    """Send one outbox row if it can be claimed: "sent" (by this call), "skipped" (sent already,
    failed, or claimed by a live worker) or "error" (kept for the sweep).

    Safe to call any number of times, from any number of workers: a sent row is never sent again.
    An error leaves the row to the sweep (or failed, after the last attempt), never lost.
    """
    message = outbox_claim(message_pk=message_pk, now=clock.now())
    if message is None:
        return SKIPPED
    try:
        # The connection opens before and closes after "mark sent", so the only step between
        # the server's acceptance and the commit is the UPDATE itself.
        with get_connection() as connection:
            _as_email(message, connection).send()
            outbox_mark_sent(message=message, now=clock.now())
    except Exception as exc:
        # Only the exception's class and SMTP code go to the log: never addresses or content.
        logger.warning("Email %s not sent: %s", message.pk, type(exc).__name__)
        outbox_mark_error(message=message, error=f"{type(exc).__name__}: {exc}", now=clock.now())
        return ERROR
    return SENT


def outbox_sweep(*, now: datetime, give_up_after_errors: int = 3) -> int:
    """Send every due row (see `outbox_due`); returns how many were sent. Stops after a few
    errors in a row: the relay is down, and the next run (a minute later) tries again."""
    sent = errors = 0
    for pk in outbox_due(now=now):
        outcome = outbox_deliver(message_pk=pk)
        sent += outcome == SENT
        errors = errors + 1 if outcome == ERROR else 0
        if errors >= give_up_after_errors:
            break
    return sent


def outbox_due(*, now: datetime, limit: int = 500) -> list[int]:
    """Ids the sweep sends again: pending and due, or held by a claim that expired."""
    due = Q(status=OutboxStatus.PENDING, next_attempt_at__lte=now) | Q(
        status=OutboxStatus.SENDING, claimed_until__lt=now
    )
    return list(
        OutboxMessage.objects.filter(due)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def outbox_retry(*, message: OutboxMessage, actor: User) -> OutboxMessage:
    """failed → pending, by staff, audited; it is sent once more right after commit.

    Raises OutboxRetryRefused for any other status (nothing is written).
    """
    with transaction.atomic():
        locked = OutboxMessage.objects.select_for_update().get(pk=message.pk)
        if locked.status != OutboxStatus.FAILED:
            raise OutboxRetryRefused(
                f"Only a failed email can be sent again; this one is {locked.get_status_display()}."
            )
        locked.status = OutboxStatus.PENDING
        locked.next_attempt_at = clock.now()
        locked.save(update_fields=["status", "next_attempt_at"])
        audit_record(
            actor=actor,
            verb="email.retried",
            obj=locked,
            from_state=OutboxStatus.FAILED,
            to_state=OutboxStatus.PENDING,
        )
        transaction.on_commit(lambda: _enqueue(locked.pk), robust=True)
    return locked
