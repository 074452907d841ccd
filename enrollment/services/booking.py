"""Classroom seats: book, move, cancel, remind, and release the seats of expired applications.

Seats (spec section 3: "a session never holds more confirmed registrations than seats"): a
booking locks its application row, runs every check, then locks the session row once, as late as
possible, counts the seats taken (confirmed registrations plus open waitlist offers) and inserts.
The partial unique constraints on Registration back it. A lock not granted within
`LOCK_TIMEOUT_MS` (or a deadlock PostgreSQL broke) is retried once, then refused as busy.

Lock order, everywhere: application → session(s, by id) → registration → waitlist entries.
Emails are rendered after the seat transaction and sent on commit, each with an .ics file.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import TypeVar

from django.conf import settings
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import F
from django.urls import reverse
from django.utils.formats import date_format
from wagtail import hooks

from enrollment.calendar import registration_attachment, session_location
from enrollment.models import (
    Application,
    ApplicationStatus,
    ClassroomSession,
    Registration,
    RegistrationStatus,
    SessionStatus,
    WaitlistEntry,
    WaitlistStatus,
)
from enrollment.rules import RuleViolation, required_days
from enrollment.selectors.applications import days_label
from enrollment.selectors.classroom import session_seats_taken, session_starts_at
from enrollment.services import waitlist
from enrollment.services.expiry import expiry_hook
from lms import clock
from lms.models import User
from lms.services import (
    RenderedEmail,
    audit_record,
    audit_record_many,
    email_render,
    emails_send_many,
)

logger = logging.getLogger(__name__)
T = TypeVar("T")
S = ApplicationStatus
R = RegistrationStatus

OPENS_WHEN = "Classroom registration opens when your web-based training is complete and approved."
BUSY = "Many people are booking this session right now. Please try again in a moment."
LOCK_TIMEOUT_MS = getattr(settings, "CLASSROOM_LOCK_TIMEOUT_MS", 2000)
_LOCK_FAILURES = frozenset({"55P03", "40P01"})  # lock_not_available, deadlock_detected
_LATER = frozenset({S.CLASSROOM_COMPLETE, S.EXAM_PASSED, S.EMPLOYMENT_VERIFIED, S.CERTIFIED})


class SessionFull(RuleViolation):
    """Every seat of the session is taken or held for a waitlist offer."""


class BookingBusy(RuleViolation):
    """The seat lock was not granted in time, twice."""


# --- The seat transaction ---------------------------------------------------------------------


def seat_transaction(fn: Callable[[], T]) -> T:
    """Run `fn` in a transaction whose row locks wait at most LOCK_TIMEOUT_MS. A lock timeout or
    deadlock is retried once; a second one raises BookingBusy."""
    for attempt in (1, 2):
        try:
            with transaction.atomic():
                if connection.vendor == "postgresql":
                    with connection.cursor() as cursor:
                        cursor.execute(f"SET LOCAL lock_timeout = '{int(LOCK_TIMEOUT_MS)}ms'")
                return fn()
        except OperationalError as exc:
            if getattr(exc.__cause__, "sqlstate", None) not in _LOCK_FAILURES:
                raise
            logger.info("Seat lock not granted (attempt %s).", attempt)
    raise BookingBusy(BUSY)


def lock_session(session_id: int) -> ClassroomSession:
    return ClassroomSession.objects.select_for_update().get(pk=session_id)


def _local_day(now: datetime) -> date:
    return now.astimezone(clock.LOCAL_TZ).date()


def _when(session: ClassroomSession) -> str:
    return date_format(session.date, "l, F j, Y")


# --- The checks (shared with the waitlist) -----------------------------------------------------


def check_application(application: Application, *, today: date) -> None:
    """Refuse an application whose status does not let it book classroom days."""
    expired = application.expires_on is not None and application.expires_on < today
    if application.status == S.EXPIRED or (expired and application.status != S.CERTIFIED):
        raise RuleViolation(
            "This application has expired, so no classroom day can be booked on it. "
            "Start a new application from the beginning."
        )
    if application.status == S.DENIED:
        raise RuleViolation("This application was denied; no classroom day can be booked on it.")
    if application.status in _LATER:
        raise RuleViolation("Your classroom days are complete; there is nothing more to book.")
    if application.status != S.TRAINING_APPROVED:
        raise RuleViolation(OPENS_WHEN)


def check_day(application: Application, day: int) -> None:
    days = required_days(application.track)
    if day not in days:
        raise RuleViolation(
            f"Day {day} is not one of your track's classroom days; "
            f"{application.get_track_display()} requires {days_label(days)}."
        )


LOCKED = (
    "Certification staff have locked this session's attendance: no booking can be made, moved "
    "or cancelled in it."
)


def check_session(session: ClassroomSession, *, now: datetime) -> None:
    if session.status == SessionStatus.CANCELLED:
        raise RuleViolation("This session was cancelled; choose another date.")
    if session.attendance_locked_at is not None:
        raise RuleViolation(LOCKED)
    if session_starts_at(session) <= now:
        raise RuleViolation("This session has already started; choose a later date.")


def check_day_free(application: Application, day: int) -> None:
    booked = application.registrations.filter(day=day, status=RegistrationStatus.CONFIRMED)
    if booked.exists():
        raise RuleViolation(
            f"You already have Day {day} booked. To change the date, move that booking instead."
        )


def fee_source(application: Application, day: int) -> tuple[object | None, bool]:
    """(paid line item the booking takes, no fee due) for booking `day` on `application`.

    Hook `booking_checks`: each registered `fn(*, application, day)` refuses the booking by
    raising RuleViolation, or answers `(item, exempt)` (the first answer wins), or None to pass
    (payments registers the fee gate: an unused paid day fee is taken first, else the ODMHSAS
    exemption or a $0 fee; refused while the day's or a CM I Upgrade's reapplication fee is
    unpaid). Called inside the seat transaction after the application row is locked and before
    the session row is, so a contributor reads under that lock and takes none of its own.
    Without any answer no fee is due."""
    for check in hooks.get_hooks("booking_checks"):
        answer = check(application=application, day=day)
        if answer is not None:
            return answer
    return None, True


def check_bookable(application: Application, session: ClassroomSession, *, now: datetime):
    """Every check but the seats; returns `fee_source`. Raises RuleViolation."""
    check_application(application, today=_local_day(now))
    check_day(application, session.day)
    check_session(session, now=now)
    check_day_free(application, session.day)
    return fee_source(application, session.day)


def _full(session: ClassroomSession) -> SessionFull:
    return SessionFull(
        f"Day {session.day} on {_when(session)} is full. "
        "You can join the waitlist: if a seat frees, it is offered to the first person waiting."
    )


# --- Booking -------------------------------------------------------------------------------------

_CONSTRAINT_MESSAGES = {
    "one_confirmed_registration_per_day": "You already have this day booked.",
    "one_confirmed_registration_per_session": "You are already booked on this session.",
}


def registration_book(
    *,
    application: Application,
    session: ClassroomSession,
    user: User,
    now: datetime | None = None,
    offer: WaitlistEntry | None = None,
) -> Registration:
    """Book a seat in `session` for `application`, using an unused paid day fee (or the ODMHSAS
    exemption). With `offer`, claims the seat a waitlist offer holds for the person.

    Raises RuleViolation (status, day, fee, session, double booking), SessionFull, BookingBusy.
    Emails a confirmation with the calendar invitation after commit.
    """
    now = now or clock.now()
    offer_id = offer.pk if offer else None
    registration, freed = seat_transaction(
        lambda: _book(application.pk, session.pk, user, now, offer_id)
    )
    registration_mail(registration, "registration_confirmed", method="REQUEST")
    offer_freed_seats(freed, now)
    return registration


def _book(application_id, session_id, user, now, offer_id) -> tuple[Registration, set[int]]:
    application = Application.objects.select_for_update(no_key=True).get(pk=application_id)
    session = ClassroomSession.objects.get(pk=session_id)
    fee_item, exempt = check_bookable(application, session, now=now)
    if offer_id is None and session_seats_taken(session.pk) >= session.capacity:
        raise _full(session)  # answered without queuing on the seat lock
    session = lock_session(session.pk)
    check_session(session, now=now)  # staff may have cancelled it meanwhile
    if offer_id is not None:
        _offer_claim(offer_id, application, session, user, now)
    if session_seats_taken(session.pk) >= session.capacity:
        raise _full(session)
    try:
        registration = Registration.objects.create(
            application=application,
            session=session,
            day=session.day,
            fee_item=fee_item,
            fee_exempt=exempt,
            created_at=now,
        )
    except IntegrityError as exc:
        constraint = getattr(getattr(exc.__cause__, "diag", None), "constraint_name", "")
        raise RuleViolation(
            _CONSTRAINT_MESSAGES.get(constraint, "This booking was already made; refresh the page.")
        ) from exc
    fee = f"day fee item #{fee_item.pk}" if fee_item else "fee exempt: ODMHSAS employee or $0 fee"
    audit_record(
        actor=user,
        verb="registration.confirmed",
        obj=registration,
        to_state=RegistrationStatus.CONFIRMED,
        reason=f"Session #{session.pk}, Day {session.day} on {session.date:%Y-%m-%d} ({fee}).",
    )
    others = WaitlistEntry.objects.filter(application=application, session__day=session.day)
    if offer_id is not None:
        others = others.exclude(pk=offer_id)
    freed = waitlist.waitlist_entries_cancel(
        others, actor=user, reason=f"Booked Day {session.day} in session #{session.pk}."
    )
    return registration, freed


def _offer_claim(offer_id, application, session, user, now) -> None:
    entry = WaitlistEntry.objects.select_for_update().get(pk=offer_id)
    if entry.application_id != application.pk or entry.session_id != session.pk:
        raise RuleViolation("This waitlist offer is not for you.")
    if entry.status != WaitlistStatus.OFFERED or entry.offer_expires_at <= now:
        raise RuleViolation(
            "This waitlist offer is no longer open; the seat has passed to the next person."
        )
    entry.status = WaitlistStatus.CLAIMED
    entry.save(update_fields=["status"])
    audit_record(
        actor=user,
        verb="waitlist.claimed",
        obj=entry,
        from_state=WaitlistStatus.OFFERED,
        to_state=WaitlistStatus.CLAIMED,
    )


def offer_freed_seats(session_ids: Iterable[int], now: datetime) -> None:
    """Offer freed seats to the waitlists. Best effort after the change committed: the periodic
    `waitlist_offers_expire` offers any seat this could not."""
    for session_id in sorted(set(session_ids)):
        try:
            waitlist.waitlist_offers_make(session_id=session_id, now=now)
        except BookingBusy:
            logger.warning(
                "Waitlist offers for session %s deferred to the periodic task.", session_id
            )


# --- Move and cancel ----------------------------------------------------------------------------


def registration_move(
    *,
    registration: Registration,
    to_session: ClassroomSession,
    user: User,
    now: datetime | None = None,
) -> Registration:
    """Move a booking to another session of the same day, before the booked session starts,
    into a free seat. Keeps the fee and the calendar UID; bumps the SEQUENCE and emails the
    updated invitation. Moving to the session already booked does nothing.

    Raises RuleViolation, SessionFull, BookingBusy.
    """
    now = now or clock.now()
    moved, from_id = seat_transaction(lambda: _move(registration.pk, to_session.pk, user, now))
    if from_id is not None:
        registration_mail(moved, "registration_moved", method="REQUEST")
        offer_freed_seats([from_id], now)
    return moved


def _move(registration_id, to_id, user, now) -> tuple[Registration, int | None]:
    current = Registration.objects.only("session_id").get(pk=registration_id)
    ids = sorted({current.session_id, to_id})
    sessions = {s.pk: s for s in ClassroomSession.objects.select_for_update().filter(pk__in=ids)}
    registration = (
        Registration.objects.select_for_update(of=("self",))
        .select_related("application")
        .get(pk=registration_id)
    )
    if registration.session_id not in sessions:
        raise BookingBusy("Your booking changed meanwhile; refresh the page and try again.")
    if registration.session_id == to_id:
        return registration, None
    source, target = sessions[registration.session_id], sessions[to_id]
    _check_movable(registration, source, target, now)
    if session_seats_taken(target.pk) >= target.capacity:
        raise _full(target)
    registration.session = target
    registration.calendar_sequence += 1
    registration.save(update_fields=["session", "calendar_sequence"])
    audit_record(
        actor=user,
        verb="registration.moved",
        obj=registration,
        from_state=f"session-{source.pk}",
        to_state=f"session-{target.pk}",
        reason=f"Day {target.day}: {source.date:%Y-%m-%d} → {target.date:%Y-%m-%d}.",
    )
    return registration, source.pk


def _check_movable(registration, source, target, now) -> None:
    if registration.status != RegistrationStatus.CONFIRMED:
        raise RuleViolation("This booking is cancelled; book a session instead.")
    if target.day != registration.day:
        raise RuleViolation(
            f"A booking can only move to another session of the same day (Day "
            f"{registration.day}): the fee paid belongs to that day."
        )
    if source.attendance_locked_at is not None:
        raise RuleViolation(LOCKED)
    if session_starts_at(source) <= now:
        raise RuleViolation(
            f"Your Day {registration.day} session has already started; a booking can only be "
            "moved before its session starts."
        )
    check_application(registration.application, today=_local_day(now))
    check_session(target, now=now)


def registration_cancel(
    *, registration: Registration, actor: User, reason: str = "", now: datetime | None = None
) -> Registration:
    """Cancel a booking before its session starts. Nothing is refunded: the paid day fee stays
    with the application and that day (it is released from this registration so another
    session of the same day can be booked with it). Frees the seat for the waitlist and emails
    the calendar cancellation. A no-op when already cancelled. Raises RuleViolation."""
    now = now or clock.now()

    def cancel():
        locked = Registration.objects.select_for_update(of=("self",)).select_related("session")
        locked = locked.get(pk=registration.pk)
        if locked.status == RegistrationStatus.CANCELLED:
            return locked, False
        if locked.session.attendance_locked_at is not None:
            raise RuleViolation(LOCKED)
        if session_starts_at(locked.session) <= now:
            raise RuleViolation(
                "This session has already started; the booking can no longer be cancelled."
            )
        registration_mark_cancelled(
            locked, actor=actor, now=now, reason=reason or "Cancelled by the applicant."
        )
        return locked, True

    cancelled, changed = seat_transaction(cancel)
    if changed:
        registration_mail(cancelled, "registration_cancelled", method="CANCEL", reason=reason)
        offer_freed_seats([cancelled.session_id], now)
    return cancelled


# --- Expiry -------------------------------------------------------------------------------------


@expiry_hook
def registrations_release_expired(application_ids: list[int], today: date) -> None:
    """Expiry hook: cancel the expired applications' bookings of sessions from `today` on and
    their open waitlist places, set-based and audited; no refund. Calendars get a CANCEL and
    the freed seats go to the waitlists. Runs inside the expiry transaction."""
    now = clock.now()
    why = f"Application expired (checked on {today.isoformat()}); nothing is refunded."
    rows = list(
        Registration.objects.select_for_update(of=("self",))
        .filter(
            application_id__in=application_ids,
            status=RegistrationStatus.CONFIRMED,
            session__date__gte=today,
        )
        .values_list("pk", "session_id")
    )
    ids = [pk for pk, _ in rows]
    if ids:
        Registration.objects.filter(pk__in=ids).update(
            status=RegistrationStatus.CANCELLED,
            cancelled_at=now,
            calendar_sequence=F("calendar_sequence") + 1,
        )
        audit_record_many(
            actor=None,
            verb="registration.cancelled",
            model=Registration,
            changes=[
                (pk, RegistrationStatus.CONFIRMED, RegistrationStatus.CANCELLED) for pk in ids
            ],
            reason=why,
        )
    freed = waitlist.waitlist_entries_cancel(
        WaitlistEntry.objects.filter(application_id__in=application_ids), actor=None, reason=why
    )
    for registration in Registration.objects.filter(pk__in=ids):
        registration_mail(registration, "registration_cancelled", method="CANCEL", expired=True)
    offer_freed_seats(freed | {session_id for _, session_id in rows}, now)


# --- Email and reminders -------------------------------------------------------------------------


def registration_mail(registration: Registration, template: str, *, method: str, **extra) -> None:
    """Email the person about their booking, with the calendar file (REQUEST or CANCEL)."""
    registration = Registration.objects.select_related("session", "application__user").get(
        pk=registration.pk
    )
    emails_send_many([registration_mail_render(registration, template, method=method, **extra)])


def registration_mail_render(
    registration: Registration, template: str, *, method: str, **extra
) -> RenderedEmail:
    """The booking email rendered, not yet sent; `registration` comes with its session and
    `application__user` (no query here)."""
    application = registration.application
    return email_render(
        template=template,
        to=[application.user.email],
        context={
            "registration": registration,
            "session": registration.session,
            "location": session_location(registration.session),
            "application": application,
            "site_url": settings.WAGTAILADMIN_BASE_URL,
            "booking_url": settings.WAGTAILADMIN_BASE_URL + reverse("classroom:registration-list"),
            **extra,
        },
        attachments=[registration_attachment(registration, method=method)],
    )


def registration_mark_cancelled(
    registration: Registration, *, actor: User | None, now: datetime, reason: str
) -> None:
    """Cancel one confirmed, locked registration before its session: the seat frees, the calendar
    event is cancelled (a higher SEQUENCE), and the paid day fee is released so it can book
    another session of the same day. Audited. The caller holds the row lock."""
    released = registration.fee_item_id
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = now
    registration.calendar_sequence += 1
    registration.fee_item = None
    registration.save(update_fields=["status", "cancelled_at", "calendar_sequence", "fee_item"])
    kept = f" Day fee item #{released} released for another session." if released else ""
    audit_record(
        actor=actor,
        verb="registration.cancelled",
        obj=registration,
        from_state=RegistrationStatus.CONFIRMED,
        to_state=RegistrationStatus.CANCELLED,
        reason=f"{reason}{kept}",
    )
