"""Waitlists of full classroom sessions.

A person joins only a full session they could otherwise book. When a seat frees (a booking
cancelled or moved away, an application expired, capacity raised), the first person waiting is
offered it for `policy.waitlist_offer_hours` (never past the session's start). An open offer
holds the seat: bookings count confirmed registrations plus open offers. An unclaimed offer
lapses (periodic task) and the seat passes to the next person.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError
from django.db.models import QuerySet
from django.urls import reverse

from enrollment.calendar import session_location
from enrollment.models import (
    Application,
    ApplicationStatus,
    ClassroomSession,
    Registration,
    SessionStatus,
    WaitlistEntry,
    WaitlistStatus,
)
from enrollment.rules import RuleViolation
from enrollment.selectors.applications import policy_get
from enrollment.selectors.classroom import (
    ACTIVE_WAITLIST,
    public_session_list,
    session_seats_taken,
    session_starts_at,
)
from enrollment.services import booking
from lms import clock
from lms.models import User
from lms.services import audit_record, audit_record_many, email_send

W = WaitlistStatus


def waitlist_join(
    *,
    application: Application,
    session: ClassroomSession,
    user: User,
    now: datetime | None = None,
) -> WaitlistEntry:
    """Queue for a full session. Refused (RuleViolation) when the person could not book it
    anyway (status, day, fee, session, day already booked), when a seat is free (book it
    instead), or when already queued."""
    now = now or clock.now()

    def join() -> WaitlistEntry:
        locked_app = Application.objects.select_for_update(no_key=True).get(pk=application.pk)
        booking.check_bookable(locked_app, ClassroomSession.objects.get(pk=session.pk), now=now)
        mine = locked_app.waitlist_entries.filter(session=session, status__in=ACTIVE_WAITLIST)
        if mine.exists():
            raise RuleViolation("You are already on the waitlist for this session.")
        locked = booking.lock_session(session.pk)
        if session_seats_taken(locked.pk) < locked.capacity:
            raise RuleViolation("This session has a free seat: book it instead of waiting.")
        try:
            entry = WaitlistEntry.objects.create(
                session=locked, application=locked_app, joined_at=now
            )
        except IntegrityError as exc:
            raise RuleViolation("You are already on the waitlist for this session.") from exc
        audit_record(actor=user, verb="waitlist.joined", obj=entry, to_state=W.WAITING)
        return entry

    return booking.seat_transaction(join)


def waitlist_claim(
    *, entry: WaitlistEntry, user: User, now: datetime | None = None
) -> Registration:
    """Book the seat an open offer holds for the person. Raises RuleViolation when the offer
    is no longer open or the person can no longer book the session."""
    return booking.registration_book(
        application=entry.application, session=entry.session, user=user, now=now, offer=entry
    )


def waitlist_leave(*, entry: WaitlistEntry, user: User, now: datetime | None = None) -> None:
    """Leave a waitlist (declining an offer passes the seat on). A no-op when already closed."""
    now = now or clock.now()
    freed = booking.seat_transaction(
        lambda: waitlist_entries_cancel(
            WaitlistEntry.objects.filter(pk=entry.pk), actor=user, reason="Left the waitlist."
        )
    )
    booking.offer_freed_seats(freed, now)


def waitlist_entries_cancel(
    entries: QuerySet[WaitlistEntry], *, actor: User | None, reason: str
) -> set[int]:
    """Close the open places among `entries` (set-based, audited). Returns the sessions whose
    held seat (an open offer) was released, for the caller to offer on after commit."""
    rows = list(
        entries.filter(status__in=ACTIVE_WAITLIST)
        .select_for_update(of=("self",))
        .values_list("pk", "status", "session_id")
    )
    if not rows:
        return set()
    WaitlistEntry.objects.filter(pk__in=[pk for pk, _, _ in rows]).update(status=W.CANCELLED)
    audit_record_many(
        actor=actor,
        verb="waitlist.cancelled",
        model=WaitlistEntry,
        changes=[(pk, status, W.CANCELLED) for pk, status, _ in rows],
        reason=reason,
    )
    return {session_id for _, status, session_id in rows if status == W.OFFERED}


def waitlist_offers_make(*, session_id: int, now: datetime | None = None) -> int:
    """Offer the session's free seats to the first people waiting, each by email; people whose
    application can no longer book are skipped (their place closes). Returns offers made."""
    now = now or clock.now()
    hours = policy_get().waitlist_offer_hours
    return booking.seat_transaction(lambda: _offers_make(session_id, now, hours))


def _offers_make(session_id: int, now: datetime, hours: int) -> int:
    session = booking.lock_session(session_id)
    starts_at = session_starts_at(session)
    if session.status != SessionStatus.SCHEDULED or starts_at <= now:
        return 0
    free = session.capacity - session_seats_taken(session.pk)
    if free <= 0:
        return 0
    waiting = (
        WaitlistEntry.objects.select_for_update(of=("self",))
        .filter(session=session, status=W.WAITING)
        .select_related("application__user")
        .order_by("joined_at", "pk")
    )
    made = 0
    for entry in waiting:
        if made == free:
            break
        if entry.application.status != ApplicationStatus.TRAINING_APPROVED:
            waitlist_entries_cancel(
                WaitlistEntry.objects.filter(pk=entry.pk),
                actor=None,
                reason="The application can no longer book classroom days.",
            )
            continue
        entry.session = session
        entry.status = W.OFFERED
        entry.offered_at = now
        entry.offer_expires_at = min(now + timedelta(hours=hours), starts_at)
        entry.save(update_fields=["status", "offered_at", "offer_expires_at"])
        audit_record(
            actor=None,
            verb="waitlist.offered",
            obj=entry,
            from_state=W.WAITING,
            to_state=W.OFFERED,
            reason=f"Open until {entry.offer_expires_at.isoformat()}.",
        )
        _mail(entry, "waitlist_offer")
        made += 1
    return made


def waitlist_offers_expire(*, now: datetime | None = None) -> int:
    """Periodic: lapse the offers not claimed in time and pass each seat to the next person;
    then offer any seat still free to people waiting (capacity raised, an offer deferred).
    Returns the number of offers lapsed. Safe to run twice: the second run finds nothing."""
    now = now or clock.now()
    lapsed = 0
    overdue = (
        WaitlistEntry.objects.filter(status=W.OFFERED, offer_expires_at__lte=now)
        .values_list("session_id", flat=True)
        .distinct()
    )
    for session_id in sorted(set(overdue)):
        lapsed += booking.seat_transaction(lambda sid=session_id: _offers_lapse(sid, now))
    open_seats = public_session_list(today=now.astimezone(clock.LOCAL_TZ).date())
    waiting = WaitlistEntry.objects.filter(status=W.WAITING).values("session_id")
    for session_id in open_seats.filter(seats_left__gt=0, pk__in=waiting).values_list(
        "pk", flat=True
    ):
        try:
            waitlist_offers_make(session_id=session_id, now=now)
        except booking.BookingBusy:
            continue  # the next run offers it
    return lapsed


def _offers_lapse(session_id: int, now: datetime) -> int:
    booking.lock_session(session_id)
    entries = list(
        WaitlistEntry.objects.select_for_update(of=("self",))
        .filter(session_id=session_id, status=W.OFFERED, offer_expires_at__lte=now)
        .select_related("application__user", "session")
    )
    if not entries:
        return 0
    WaitlistEntry.objects.filter(pk__in=[e.pk for e in entries]).update(status=W.LAPSED)
    audit_record_many(
        actor=None,
        verb="waitlist.lapsed",
        model=WaitlistEntry,
        changes=[(e.pk, W.OFFERED, W.LAPSED) for e in entries],
        reason="The offer was not claimed in time.",
    )
    for entry in entries:
        _mail(entry, "waitlist_lapsed")
    return len(entries)


def _mail(entry: WaitlistEntry, template: str) -> None:
    email_send(
        template=template,
        to=[entry.application.user.email],
        context={
            "entry": entry,
            "session": entry.session,
            "location": session_location(entry.session),
            "application": entry.application,
            "site_url": settings.WAGTAILADMIN_BASE_URL,
            "booking_url": settings.WAGTAILADMIN_BASE_URL + reverse("classroom:registration-list"),
        },
    )
