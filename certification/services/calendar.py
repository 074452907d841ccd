"""The yearly clock (spec section 4): on Jul 1 an unrenewed certification is suspended, on the
Jan 1 after it is terminated, and the holder is reminded on Jan 1, 30, 7 and 1 days before
Jun 30 and a week before Dec 30 (`renewal_rules.renewal_reminder_dates`).

The status itself stays derived from `valid_through` (`certification_status_on`); these jobs
write the history (`CertificationEvent` "suspended" / "terminated", dated by `effective_on`)
and tell the holder and the agencies. Each job is set-based: one INSERT … SELECT … ON
CONFLICT DO NOTHING RETURNING writes only the rows not written yet (the unique constraints make
a second run, or two runs at once, write and send nothing), one insert audits them, and the
emails are rendered after commit by `calendar_notices_send`, in batches of ids.
"""

from collections.abc import Iterable
from datetime import date, timedelta

from django.db import connection, transaction
from django.db.models import DateField, DateTimeField, Q, QuerySet, Value

from certification.models import (
    Certification,
    CertificationEvent,
    HolderNotice,
    RenewalReminder,
)
from certification.models.renewals import Renewal, RenewalStatus
from certification.renewal_rules import Reminder, renewal_reminder_dates
from certification.selectors.certificates import certificate_urls, site_url
from certification.services.alerts import CALENDAR_CHANGE_WINDOW, StatusChange, agency_alerts_send
from certification.services.credentials import status_lists_publish
from enrollment.rules import Policy, reapply_allowed_on
from enrollment.selectors.applications import policy_get
from lms import clock
from lms.bulk import insert_new_returning
from lms.services import RenderedEmail, audit_record_select, email_render, emails_send_many

# Emails are rendered after commit, this many certifications per task.
NOTICE_BATCH = 500
SUSPENDED, TERMINATED = "suspended", "terminated"


def _renewal_submitted_ids(year: int) -> QuerySet:
    """The certifications whose renewal of `year` is submitted or approved (their holders get no
    more reminders; a returned renewal still needs the holder, so it is reminded). A
    `values("certification_id")` queryset, kept as a subquery so the job stays one statement."""
    return Renewal.objects.filter(
        year=year, status__in=[RenewalStatus.SUBMITTED, RenewalStatus.APPROVED]
    ).values("certification_id")


def _current_on(today: date) -> QuerySet:
    """Certifications neither revoked nor superseded by `today`, issued by then."""
    return (
        Certification.objects.filter(issued_on__lte=today)
        .filter(Q(revoked_on__isnull=True) | Q(revoked_on__gt=today))
        .filter(Q(superseded_on__isnull=True) | Q(superseded_on__gt=today))
        .order_by()
    )


def _insert_returning(table: str, columns: Iterable[str], select: QuerySet) -> list[tuple]:
    """INSERT INTO `table` (`columns`) <select> ON CONFLICT DO NOTHING RETURNING
    certification_id, id: one statement, only the rows not there yet; returns them."""
    sql, params = select.query.sql_with_params()
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    statement = (
        f"INSERT INTO {connection.ops.quote_name(table)} ({quoted}) {sql} "
        "ON CONFLICT DO NOTHING RETURNING certification_id, id"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return sorted(cursor.fetchall())


def _calendar_events_insert(
    candidates: QuerySet, *, verb: str, from_state: str, effective_on: date, reason: str
) -> list[tuple[int, int]]:
    select = candidates.annotate(
        _verb=Value(verb),
        _from=Value(from_state),
        _to=Value(verb),
        _reason=Value(reason),
        _at=Value(clock.now(), output_field=DateTimeField()),
        _effective=Value(effective_on, output_field=DateField()),
    ).values_list("pk", "_verb", "_from", "_to", "_reason", "_at", "_effective")
    columns = (
        "certification_id",
        "verb",
        "from_state",
        "to_state",
        "reason",
        "at",
        "effective_on",
    )
    return _insert_returning(CertificationEvent._meta.db_table, columns, select)


def _calendar_change(
    candidates: QuerySet, *, verb: str, from_state: str, effective_on: date, reason: str, today
) -> list[int]:
    """Write the events and audit entries of one calendar change, republish the status lists
    and, after commit, tell holders and agencies (when the change is recent: a back-fill long
    after the date records the history without emailing about old news)."""
    with transaction.atomic():
        inserted = _calendar_events_insert(
            candidates, verb=verb, from_state=from_state, effective_on=effective_on, reason=reason
        )
        if not inserted:
            return []
        ids = [certification_id for certification_id, _ in inserted]
        event_ids = [event_id for _, event_id in inserted]
        # The events just written (the unique constraint keeps any other run's rows of this
        # verb and day out of the id range), audited by one INSERT … SELECT.
        audit_record_select(
            verb=f"certification.{verb}",
            model=Certification,
            rows=CertificationEvent.objects.filter(
                verb=verb,
                effective_on=effective_on,
                pk__gte=min(event_ids),
                pk__lte=max(event_ids),
            ),
            object_id="certification_id",
            from_state="from_state",
            to_state="to_state",
            reason=reason,
        )
        status_lists_publish(today=today)
        if today - effective_on < CALENDAR_CHANGE_WINDOW:
            _notices_enqueue(verb, ids, today)
    return ids


def certifications_suspend(*, today: date) -> list[int]:
    """Jul 1 – Dec 31 of Y: suspend every current certification whose valid-through (Jun 30
    of Y) passed without renewal: one "suspended" event each (active → suspended, effective
    Jul 1), audited, the status lists republished, holder and agencies told after commit.
    A renewed one has moved to Jun 30 of Y+1 and is not touched. Safe to run twice and on
    several days: returns the ids suspended by this run (empty when nothing was new)."""
    effective_on = date(today.year, 7, 1)
    if today < effective_on:
        return []
    candidates = _current_on(today).filter(
        valid_through__gte=date(today.year, 1, 1), valid_through__lt=today
    )
    reason = f"Not renewed by June 30, {today.year}: suspended until renewed (late renewal)."
    return _calendar_change(
        candidates,
        verb=SUSPENDED,
        from_state="active",
        effective_on=effective_on,
        reason=reason,
        today=today,
    )


def certifications_terminate(*, today: date) -> list[int]:
    """From Jan 1 of Y+1: terminate every current certification still valid through a day of
    Y (not renewed, not even late): one "terminated" event each (suspended → terminated,
    effective Jan 1 of Y+1), audited, holder and agencies told after commit; the holder may
    apply again from `reapply_allowed_on`. Earlier years are their own Jan 1's business
    (`daily --date` back-fills them). Safe to run twice: returns the ids terminated now."""
    effective_on = date(today.year, 1, 1)
    candidates = _current_on(today).filter(
        valid_through__gte=date(today.year - 1, 1, 1), valid_through__lt=effective_on
    )
    reason = f"Not renewed by December 30, {today.year - 1}: terminated."
    return _calendar_change(
        candidates,
        verb=TERMINATED,
        from_state=SUSPENDED,
        effective_on=effective_on,
        reason=reason,
        today=today,
    )


def _due_reminder(today: date) -> Reminder | None:
    """The reminder of this year whose turn it is: the latest one dated on or before `today`,
    until the next one's date (a missed day catches up); those before Jun 30 stop on Jul 1
    (the suspension email takes over) and the last runs through Dec 30."""
    schedule = renewal_reminder_dates(today.year)
    suspended_on = date(today.year, 7, 1)
    ends = [
        min(following.on, suspended_on) if reminder.on < suspended_on else following.on
        for reminder, following in zip(schedule, schedule[1:], strict=False)
    ] + [date(today.year, 12, 31)]
    for reminder, until in zip(schedule, ends, strict=True):
        if reminder.on <= today < until:
            return reminder
    return None


def renewal_reminders_send(*, today: date) -> int:
    """Remind each holder whose certification runs through Jun 30 of this year (not renewed
    yet, renewal not submitted) of the reminder due today, once per certification, year and
    kind: one INSERT … SELECT … ON CONFLICT DO NOTHING writes the reminder rows, the emails go
    after commit. Returns the reminders written by this run (0 on a second run)."""
    reminder = _due_reminder(today)
    if reminder is None:
        return 0
    year = today.year
    candidates = _current_on(today).filter(valid_through=date(year, 6, 30))
    candidates = candidates.exclude(pk__in=_renewal_submitted_ids(year))
    select = candidates.annotate(
        _year=Value(year),
        _kind=Value(reminder.kind),
        _sent=Value(today, output_field=DateField()),
    ).values_list("pk", "_year", "_kind", "_sent")
    with transaction.atomic():
        ids = [
            certification_id
            for certification_id, _ in _insert_returning(
                RenewalReminder._meta.db_table,
                ("certification_id", "year", "kind", "sent_on"),
                select,
            )
        ]
        if ids:
            _notices_enqueue(f"reminder:{reminder.kind}", ids, today)
    return len(ids)


def _notices_enqueue(notice: str, ids: list[int], today: date) -> None:
    from certification.tasks import calendar_notices_task

    for start in range(0, len(ids), NOTICE_BATCH):
        batch = ids[start : start + NOTICE_BATCH]
        transaction.on_commit(
            lambda b=batch: calendar_notices_task.delay(notice, b, today.isoformat()),
            robust=True,
        )


def calendar_notices_send(*, notice: str, certification_ids: list[int], today: date) -> int:
    """After commit, for one batch: email each holder about `notice` ("suspended",
    "terminated", or "reminder:<kind>") once (a `HolderNotice` row each: the task run again,
    redelivered after it committed, writes nothing) and, for a status change, tell the agencies
    (the same once-only key the calendar alerts job uses, so they are told once whichever runs
    first). The same number of queries however big the batch: the emails are rendered first,
    then the notices claimed by one INSERT … ON CONFLICT DO NOTHING RETURNING, the claimed
    ones' emails written in one insert, and the agencies told by `agency_alerts_send`. Returns
    the holder emails written."""
    certifications = list(
        Certification.objects.filter(pk__in=certification_ids).select_related("holder")
    )
    told = set(
        HolderNotice.objects.filter(
            certification_id__in=certification_ids, notice=notice
        ).values_list("certification_id", "key")
    )
    keys = {c.pk: _notice_key(c, notice) for c in certifications}
    untold = [c for c in certifications if (c.pk, keys[c.pk]) not in told]
    policy = policy_get() if notice == TERMINATED and untold else None
    emails = {c.pk: _holder_notice(c, notice, today, policy) for c in untold}
    sent_at = clock.now()
    changes = [
        StatusChange(
            person=c.holder,
            change=notice,
            key=f"{c.number}:{notice}:{keys[c.pk]}",
        )
        for c in certifications
        if notice in (SUSPENDED, TERMINATED)
    ]
    with transaction.atomic():  # a notice is claimed with its email, or not at all
        claimed = insert_new_returning(
            HolderNotice,
            ("certification", "notice", "key", "sent_at"),
            [(c.pk, notice, keys[c.pk], sent_at) for c in untold],
            ("certification",),
        )
        emails_send_many([emails[pk] for pk in sorted(pk for (pk,) in claimed)])
        agency_alerts_send(changes=changes, today=today)
    return len(claimed)


def _notice_key(certification: Certification, notice: str) -> str:
    """A holder notice's once-only key: the day the status changed, or the renewal year."""
    if notice in (SUSPENDED, TERMINATED):
        return _since(certification, notice).isoformat()
    return str(certification.valid_through.year)


def _since(certification: Certification, change: str) -> date:
    if change == SUSPENDED:
        return certification.valid_through + timedelta(days=1)
    return date(certification.valid_through.year + 1, 1, 1)


def _holder_notice(
    certification: Certification, notice: str, today: date, policy: Policy | None
) -> RenderedEmail:
    year = certification.valid_through.year
    context = {
        "certification": certification,
        "urls": certificate_urls(certification),
        "site_url": site_url(),
        "due": date(year, 6, 30),
        "late_closes": date(year, 12, 30),
    }
    if notice == TERMINATED:
        terminated_on = date(year + 1, 1, 1)
        context["terminated_on"] = terminated_on
        context["reapply_on"] = reapply_allowed_on(terminated_on, policy=policy)
        template = "certificate_terminated"
    elif notice == SUSPENDED:
        context["suspended_on"] = date(year, 7, 1)
        template = "certificate_suspended"
    else:
        context["kind"] = notice.partition(":")[2]
        context["days_left"] = (date(year, 6, 30) - today).days
        template = "renewal_reminder"
    return email_render(template=template, to=[certification.holder.email], context=context)
