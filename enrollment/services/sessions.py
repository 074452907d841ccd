"""Classroom sessions: staff schedule, change or cancel one; everyone booked is reminded.

A change of date, time or place reaches everyone booked as an updated calendar invitation (same
UID, higher SEQUENCE). A cancellation cancels every booking (the day fee stays with each
application and that day) and every waitlist place, and tells everyone with a calendar CANCEL.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.urls import reverse

from enrollment.calendar import session_location
from enrollment.models import (
    ClassroomSession,
    Registration,
    RegistrationReminder,
    RegistrationStatus,
    SessionStatus,
    WaitlistEntry,
)
from enrollment.rules import RuleViolation
from enrollment.selectors.applications import policy_get
from enrollment.selectors.classroom import ACTIVE_WAITLIST, session_seats_taken, session_starts_at
from enrollment.services import booking, waitlist
from lms import clock
from lms.bulk import insert_new_returning
from lms.models import User
from lms.services import audit_record, audit_record_many, email_send, emails_send_many

# Fields whose change moves the event in people's calendars.
CALENDAR_FIELDS = frozenset({"date", "start_time", "end_time", "venue", "address", "room"})


def session_save(
    *,
    session: ClassroomSession,
    actor: User,
    changed: Collection[str] = (),
    now: datetime | None = None,
) -> ClassroomSession:
    """Schedule a new session, or save staff's changes to one (`changed`: the field names).

    Refuses (RuleViolation) a new session in the past, a change to a cancelled session, a
    capacity below the seats already taken, and a change of day once people are booked. A
    change of date, time or place bumps every booking's calendar SEQUENCE and emails the update;
    raised capacity is offered to the waitlist. The status is never changed here.
    """
    now = now or clock.now()
    with transaction.atomic():
        if session.pk is None:
            return _schedule(session, actor, now)
        current = booking.lock_session(session.pk)
        _check_change(session, current, changed, now)
        session.status = current.status
        session.attendance_locked_at = current.attendance_locked_at
        session.save()
        audit_record(
            actor=actor,
            verb="session.updated",
            obj=session,
            reason=f"Changed: {', '.join(sorted(changed)) or 'nothing'}.",
        )
        rescheduled = []
        if CALENDAR_FIELDS & set(changed):
            confirmed = session.registrations.filter(status=RegistrationStatus.CONFIRMED)
            rescheduled = list(confirmed.values_list("pk", flat=True))
            confirmed.update(calendar_sequence=F("calendar_sequence") + 1)
    for registration in Registration.objects.filter(pk__in=rescheduled):
        booking.registration_mail(registration, "session_changed", method="REQUEST")
    if session.capacity > current.capacity:
        booking.offer_freed_seats([session.pk], now)
    return session


def _schedule(session: ClassroomSession, actor: User, now: datetime) -> ClassroomSession:
    if session_starts_at(session) <= now:
        raise RuleViolation("A session must be scheduled in the future.")
    session.status = SessionStatus.SCHEDULED
    session.save()
    audit_record(actor=actor, verb="session.scheduled", obj=session, to_state=session.status)
    return session


def _check_change(session, current, changed, now) -> None:
    if current.status == SessionStatus.CANCELLED:
        raise RuleViolation("This session is cancelled; it can no longer be changed.")
    taken = session_seats_taken(current.pk)
    if session.capacity < taken:
        raise RuleViolation(
            f"{taken} seats are booked or offered to the waitlist; the capacity cannot be lower."
        )
    if session.day != current.day and current.registrations.exists():
        raise RuleViolation(
            "People have booked this session, so its day cannot change. Cancel it and schedule "
            "another session instead."
        )
    if CALENDAR_FIELDS & set(changed) and session_starts_at(current) <= now:
        raise RuleViolation("This session has started; its date, time and place are final.")
    if {"date", "start_time"} & set(changed) and session_starts_at(session) <= now:
        raise RuleViolation("A session cannot be moved into the past.")


def session_cancel(
    *, session: ClassroomSession, actor: User, reason: str, now: datetime | None = None
) -> ClassroomSession:
    """Cancel a scheduled session: its bookings are cancelled (each paid day fee is released
    to be used on another session of that day: the applicant did nothing wrong), its waitlist
    closes, and everyone booked or waiting is emailed (bookings with a calendar CANCEL).
    A no-op when already cancelled. Refuses (RuleViolation) without a reason, and once
    attendance has been recorded."""
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation("Give the reason for the cancellation; everyone booked will read it.")
    now = now or clock.now()
    with transaction.atomic():
        locked = booking.lock_session(session.pk)
        if locked.status == SessionStatus.CANCELLED:
            return locked
        if locked.attendance_locked_at or locked.registrations.exclude(attendance="").exists():
            raise RuleViolation(
                "Attendance has been recorded for this session; it can no longer be cancelled."
            )
        locked.status = SessionStatus.CANCELLED
        locked.save(update_fields=["status"])
        audit_record(
            actor=actor,
            verb="session.cancelled",
            obj=locked,
            from_state=SessionStatus.SCHEDULED,
            to_state=SessionStatus.CANCELLED,
            reason=reason,
        )
        cancelled = _registrations_cancel(locked, actor, reason, now)
        waiting = list(
            WaitlistEntry.objects.filter(session=locked, status__in=ACTIVE_WAITLIST)
            .select_related("application__user")
            .order_by("pk")
        )
        waitlist.waitlist_entries_cancel(
            WaitlistEntry.objects.filter(pk__in=[e.pk for e in waiting]),
            actor=actor,
            reason=f"Session cancelled: {reason}",
        )
        for registration in cancelled:
            booking.registration_mail(
                registration, "session_cancelled", method="CANCEL", reason=reason
            )
        for entry in waiting:
            _mail_waiting(entry, locked, reason)
    return locked


def _registrations_cancel(session, actor, reason, now) -> list[Registration]:
    registrations = list(
        session.registrations.select_for_update().filter(status=RegistrationStatus.CONFIRMED)
    )
    for registration in registrations:
        booking.registration_mark_cancelled(
            registration, actor=actor, now=now, reason=f"Session cancelled by staff: {reason}."
        )
    return registrations


def _mail_waiting(entry: WaitlistEntry, session: ClassroomSession, reason: str) -> None:
    email_send(
        template="session_cancelled",
        to=[entry.application.user.email],
        context={
            "session": session,
            "location": session_location(session),
            "application": entry.application,
            "reason": reason,
            "waitlisted": True,
            "site_url": settings.WAGTAILADMIN_BASE_URL,
            "booking_url": settings.WAGTAILADMIN_BASE_URL + reverse("classroom:registration-list"),
        },
    )


# --- Reminders -----------------------------------------------------------------------------------

REMINDED = "registration.reminded"


def registration_reminders_send(*, today: date) -> int:
    """Remind each booking of a session in the next `policy.session_reminder_days` days, once
    per booking and session (a `RegistrationReminder` row, and a "registration.reminded"
    audit event, written with the email in one transaction). Set-based: one read, the emails
    rendered before any write, then one insert of the reminder rows (ON CONFLICT DO NOTHING
    RETURNING: only the rows this run recorded are audited and emailed), one audit insert and
    one outbox insert. Safe to run twice, also at once."""
    horizon = today + timedelta(days=policy_get().session_reminder_days)
    reminded = RegistrationReminder.objects.filter(
        registration=OuterRef("pk"), session=OuterRef("session")
    )
    due = (
        Registration.objects.filter(
            status=RegistrationStatus.CONFIRMED,
            session__status=SessionStatus.SCHEDULED,
            session__date__gt=today,
            session__date__lte=horizon,
        )
        .exclude(Exists(reminded))
        .select_related("session", "application__user")
    )
    emails = {
        (r.pk, r.session_id): booking.registration_mail_render(
            r, "registration_reminder", method="REQUEST", days_before=(r.session.date - today).days
        )
        for r in due
    }
    if not emails:
        return 0
    with transaction.atomic():
        # Only bookings still confirmed when the rows are written (a cancel that committed in
        # the meantime is not reminded).
        still = set(
            Registration.objects.filter(
                pk__in=[pk for pk, _ in emails], status=RegistrationStatus.CONFIRMED
            ).values_list("pk", "session_id")
        )
        recorded = insert_new_returning(
            RegistrationReminder,
            ["registration", "session", "sent_on"],
            [(pk, session_id, today) for pk, session_id in emails if (pk, session_id) in still],
            returning=["registration", "session"],
        )
        audit_record_many(
            actor=None,
            verb=REMINDED,
            model=Registration,
            changes=[(pk, "", "", _reminder_reason(session_id)) for pk, session_id in recorded],
        )
        emails_send_many(emails[key] for key in recorded)
    return len(recorded)


def _reminder_reason(session_id: int) -> str:
    return f"Reminder for session #{session_id}."
