"""Rosters and attendance: trainers mark, staff lock, completion follows.

Only people registered online are on a roster; nothing here adds a person (spec section 3: no
on-site registration). Trainers mark each person present, absent, late or left early, with a
note, and may change a mark until certification staff lock the session's attendance.

Attended = present or late. Left early and absent are missed days: when staff lock the
session, those bookings close (the fee stays consumed) and the day must be paid and booked
again. An application completes the classroom step when every required day is attended in a
locked session; checking only locked sessions keeps a trainer's later correction from undoing
a step the applicant has already moved past.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse

from enrollment.models import (
    Application,
    ApplicationStatus,
    Attendance,
    ClassroomSession,
    Registration,
    RegistrationStatus,
    SessionStatus,
)
from enrollment.rules import RuleViolation, required_days
from enrollment.selectors.classroom import (
    ATTENDED,
    MISSED,
    application_attended_days,
    roster_get,
    session_ends_at,
)
from enrollment.services.applications import application_classroom_complete
from lms import clock
from lms.exports import csv_safe
from lms.models import User
from lms.services import audit_record, email_send

NO_WALK_INS = "On-site registration is not accepted: only people registered online appear here."
_NOTE_MAX = Registration._meta.get_field("attendance_note").max_length


def _lock(session: ClassroomSession) -> ClassroomSession:
    return ClassroomSession.objects.select_for_update().get(pk=session.pk)


def session_attendance_mark(
    *,
    session: ClassroomSession,
    actor: User,
    marks: Mapping[int, tuple[str, str]],
    now: datetime | None = None,
) -> int:
    """Record attendance: `marks` maps registration id → (attendance, note); an empty
    attendance leaves that person unchanged. Each change is audited. Returns the number of
    people whose mark or note changed.

    Refuses (RuleViolation) anyone but the session's trainers, a cancelled session, a session
    that has not begun its day, attendance staff have locked, an unknown mark, and anyone not
    registered online for this session.
    """
    today = (now or clock.now()).astimezone(clock.LOCAL_TZ).date()
    with transaction.atomic():
        locked = _lock(session)
        _check_markable(locked, actor, today)
        roster = {
            r.pk: r
            for r in locked.registrations.select_for_update().filter(
                status=RegistrationStatus.CONFIRMED
            )
        }
        unknown = set(marks) - set(roster)
        if unknown:
            raise RuleViolation(NO_WALK_INS)
        changed = 0
        for pk, (attendance, note) in sorted(marks.items()):
            changed += _mark(roster[pk], attendance, (note or "").strip(), actor)
    return changed


def _check_markable(session: ClassroomSession, actor: User, today) -> None:
    if not session.trainers.filter(pk=actor.pk).exists():
        raise RuleViolation("Only this session's trainers mark its attendance.")
    if session.status == SessionStatus.CANCELLED:
        raise RuleViolation("This session was cancelled; there is no attendance to mark.")
    if session.date > today:
        raise RuleViolation("Attendance can be marked from the day of the session.")
    if session.attendance_locked_at is not None:
        raise RuleViolation(
            "Certification staff have locked this session's attendance; it can no longer be "
            "changed here. Ask certification staff to correct a mistake."
        )


def _mark(registration: Registration, attendance: str, note: str, actor: User) -> int:
    if not attendance:
        return 0
    if attendance not in Attendance.values:
        raise RuleViolation(f"“{attendance}” is not an attendance mark.")
    if len(note) > _NOTE_MAX:
        raise RuleViolation(f"Keep the note under {_NOTE_MAX} characters.")
    if (registration.attendance, registration.attendance_note) == (attendance, note):
        return 0
    before = registration.attendance
    registration.attendance = attendance
    registration.attendance_note = note
    registration.save(update_fields=["attendance", "attendance_note"])
    audit_record(
        actor=actor,
        verb="registration.attendance",
        obj=registration,
        from_state=before,
        to_state=attendance,
        reason=note,
    )
    return 1


def session_attendance_lock(
    *, session: ClassroomSession, actor: User, now: datetime | None = None
) -> ClassroomSession:
    """Staff make the session's attendance final: trainers can no longer change it, missed
    bookings close and their day fees are consumed (only now: a mark before the lock changes
    nothing about money), each person who missed is emailed that the day must be paid and
    booked again, and every application that has now attended all its required days completes
    the classroom step. A no-op when already locked. Refuses (RuleViolation, nothing written) a
    cancelled session, one that has not ended yet (date and time), and while anyone is unmarked.
    """
    now = now or clock.now()
    with transaction.atomic():
        locked = _lock(session)
        if locked.attendance_locked_at is not None:
            return locked
        _check_lockable(locked, now)
        locked.attendance_locked_at = now
        locked.save(update_fields=["attendance_locked_at"])
        audit_record(actor=actor, verb="session.attendance_locked", obj=locked)
        _missed_close(locked, actor, now)
        attended = locked.registrations.filter(
            status=RegistrationStatus.CONFIRMED, attendance__in=ATTENDED
        ).select_related("application")
        for registration in attended:
            application_classroom_check(application=registration.application)
    return locked


def _check_lockable(session: ClassroomSession, now: datetime) -> None:
    if session.status == SessionStatus.CANCELLED:
        raise RuleViolation("This session was cancelled; there is no attendance to lock.")
    ends = session_ends_at(session)
    if ends > now:
        raise RuleViolation(
            "Attendance can be locked once the session has ended "
            f"({ends:%B %-d, %Y at %-I:%M %p} Central Time)."
        )
    unmarked = session.registrations.filter(status=RegistrationStatus.CONFIRMED, attendance="")
    count = unmarked.count()
    if count:
        raise RuleViolation(
            f"{count} {'person has' if count == 1 else 'people have'} no attendance mark yet; "
            "the trainer must mark everyone before attendance is locked."
        )


def _missed_close(session: ClassroomSession, actor: User, now: datetime) -> None:
    missed = (
        session.registrations.select_for_update(of=("self",))
        .filter(status=RegistrationStatus.CONFIRMED, attendance__in=MISSED)
        .select_related("application__user", "session")
    )
    for registration in missed:
        registration.status = RegistrationStatus.CANCELLED
        registration.cancelled_at = now
        registration.save(update_fields=["status", "cancelled_at"])
        audit_record(
            actor=actor,
            verb="registration.missed",
            obj=registration,
            from_state=RegistrationStatus.CONFIRMED,
            to_state=RegistrationStatus.CANCELLED,
            reason=f"Marked {registration.get_attendance_display().lower()}: Day "
            f"{registration.day} must be paid and booked again.",
        )
        _missed_email(registration)


def _missed_email(registration: Registration) -> None:
    application = registration.application
    site_url = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    email_send(
        template="registration_missed",
        to=[application.user.email],
        context={
            "registration": registration,
            "session": registration.session,
            "application": application,
            "fees_url": site_url + reverse("payments:fees"),
        },
    )


def session_attendance_unlock(
    *, session: ClassroomSession, actor: User, reason: str, now: datetime | None = None
) -> ClassroomSession:
    """Staff reopen a locked session's attendance to correct a mark, with a reason (audited).
    The bookings the lock closed as missed are confirmed again (their fees are no longer
    consumed) unless the person has meanwhile booked that day elsewhere; lock again when the
    marks are right. A no-op when not locked. Raises RuleViolation (nothing written) without a
    reason. An application already classroom complete stays so."""
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation("Give a reason for unlocking this session's attendance.")
    now = now or clock.now()
    with transaction.atomic():
        locked = _lock(session)
        if locked.attendance_locked_at is None:
            return locked
        closed = locked.registrations.select_for_update().filter(
            status=RegistrationStatus.CANCELLED,
            attendance__in=MISSED,
            cancelled_at__gte=locked.attendance_locked_at,
        )
        for registration in closed:
            _missed_reopen(registration, actor, reason)
        locked.attendance_locked_at = None
        locked.save(update_fields=["attendance_locked_at"])
        audit_record(actor=actor, verb="session.attendance_unlocked", obj=locked, reason=reason)
    return locked


def _missed_reopen(registration: Registration, actor: User, reason: str) -> None:
    rebooked = Registration.objects.filter(
        application_id=registration.application_id,
        day=registration.day,
        status=RegistrationStatus.CONFIRMED,
    ).exists()
    if rebooked:
        return  # the person booked the day again: this booking stays closed
    closed_at = registration.cancelled_at
    registration.status, registration.cancelled_at = RegistrationStatus.CONFIRMED, None
    try:
        with transaction.atomic():
            registration.save(update_fields=["status", "cancelled_at"])
    except IntegrityError:
        # a new booking of the day committed after the check above: it stands, this stays closed
        registration.status, registration.cancelled_at = RegistrationStatus.CANCELLED, closed_at
        return
    audit_record(
        actor=actor,
        verb="registration.reopened",
        obj=registration,
        from_state=RegistrationStatus.CANCELLED,
        to_state=RegistrationStatus.CONFIRMED,
        reason=f"Attendance unlocked: {reason}",
    )


def application_classroom_check(*, application: Application) -> bool:
    """Complete the classroom step when every required day is attended (locked sessions only).
    Returns whether the application is now classroom complete."""
    if application.status == ApplicationStatus.CLASSROOM_COMPLETE:
        return True
    if application.status != ApplicationStatus.TRAINING_APPROVED:
        return False
    if not set(required_days(application.track)) <= application_attended_days(application):
        return False
    application_classroom_complete(application=application)
    return True


# --- Printouts ----------------------------------------------------------------------------------


ROSTER_COLUMNS = (
    "Name",
    "Email",
    "Track",
    "Application status",
    "Fee",
    "Attendance",
    "Note",
)


def roster_csv(session: ClassroomSession) -> str:
    """The session's roster as CSV (one row per person registered online)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(ROSTER_COLUMNS)
    for row in roster_get(session):
        registration = row.registration
        writer.writerow(
            [
                csv_safe(row.name),
                csv_safe(row.email),
                row.track,
                row.application_status,
                row.fee,
                registration.get_attendance_display() if registration.attendance else "",
                csv_safe(registration.attendance_note),
            ]
        )
    return out.getvalue()


def signin_sheet_pdf(session: ClassroomSession) -> bytes:
    """A printable sign-in sheet (PDF): each person registered online, with a signature line."""
    from weasyprint import HTML  # heavy import, only when a sheet is printed

    rows = [r for r in roster_get(session) if r.registration.status == "confirmed"]
    html = render_to_string(
        "enrollment/classroom/signin_sheet.html",
        {"session": session, "rows": rows, "no_walk_ins": NO_WALK_INS},
    )
    return HTML(string=html).write_pdf()
