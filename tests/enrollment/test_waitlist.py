"""Waitlists: joining a full session, the offer when a seat frees (the seat is held), claiming,
offers lapsing through the periodic task with `now` passed in, and who may act on a place."""

from datetime import datetime, time, timedelta

import pytest
from django.core import mail

from enrollment.models import Registration, RegistrationStatus, WaitlistEntry, WaitlistStatus
from enrollment.rules import RuleViolation
from enrollment.services.booking import (
    SessionFull,
    registration_book,
    registration_cancel,
    registration_move,
)
from enrollment.services.waitlist import waitlist_claim, waitlist_join, waitlist_leave
from enrollment.tasks.classroom import waitlist_offers_expire_task
from lms import clock
from lms.models import AuditEvent
from tests.factories.enrollment import make_session, ready

pytestmark = pytest.mark.django_db
W = WaitlistStatus
T0 = datetime.combine(clock.today() + timedelta(days=1), time(9), tzinfo=clock.LOCAL_TZ)


@pytest.fixture
def full_session():
    """A one-seat session six weeks after T0, taken by `holder`."""
    session = make_session(capacity=1, on=T0.date() + timedelta(days=42))
    holder = ready()
    registration = registration_book(application=holder, session=session, user=None, now=T0)
    return session, registration


def test_joining_needs_a_full_session_the_person_could_otherwise_book(full_session):
    session, _ = full_session
    unpaid = ready(paid=())
    with pytest.raises(RuleViolation, match="Pay the Day 1"):
        waitlist_join(application=unpaid, session=session, user=None, now=T0)
    wrong_track = ready(track="cm1_upgrade", paid=(1, 3, 4))
    with pytest.raises(RuleViolation, match="not one of your track's classroom days"):
        waitlist_join(application=wrong_track, session=session, user=None, now=T0)

    person = ready()
    entry = waitlist_join(application=person, session=session, user=person.user, now=T0)
    assert (entry.status, entry.application) == (W.WAITING, person)
    assert AuditEvent.objects.get(verb="waitlist.joined").object_id == str(entry.pk)
    with pytest.raises(RuleViolation, match="already on the waitlist"):
        waitlist_join(application=person, session=session, user=None, now=T0)
    assert WaitlistEntry.objects.count() == 1


def test_a_freed_seat_is_offered_to_the_first_person_and_held_for_them(
    full_session, django_capture_on_commit_callbacks
):
    session, holder_booking = full_session
    first, second = ready(), ready()
    waitlist_join(application=first, session=session, user=None, now=T0)
    waitlist_join(application=second, session=session, user=None, now=T0 + timedelta(minutes=1))

    freed_at = T0 + timedelta(hours=2)
    with django_capture_on_commit_callbacks(execute=True):
        registration_cancel(registration=holder_booking, actor=None, now=freed_at)
    offer = WaitlistEntry.objects.get(application=first)
    assert (offer.status, offer.offered_at, offer.offer_expires_at) == (
        W.OFFERED,
        freed_at,
        freed_at + timedelta(hours=48),
    )
    assert WaitlistEntry.objects.get(application=second).status == W.WAITING
    (message,) = [m for m in mail.outbox if m.subject.startswith("A seat is free")]
    assert message.to == [first.user.email]
    assert message.subject.startswith("A seat is free: claim classroom Day 1")
    assert "passes to the next person" in message.body

    # The seat is held: nobody else can take it directly.
    with pytest.raises(SessionFull):
        registration_book(application=ready(), session=session, user=None, now=freed_at)

    with django_capture_on_commit_callbacks(execute=True):
        registration = waitlist_claim(
            entry=offer, user=first.user, now=freed_at + timedelta(hours=5)
        )
    offer.refresh_from_db()
    assert offer.status == W.CLAIMED
    assert (registration.application, registration.session, registration.status) == (
        first,
        session,
        RegistrationStatus.CONFIRMED,
    )
    assert mail.outbox[-1].subject.startswith("You are booked")
    assert Registration.objects.filter(session=session, status="confirmed").count() == 1


def test_unclaimed_offers_lapse_and_pass_on_through_the_task(
    full_session, django_capture_on_commit_callbacks
):
    session, holder_booking = full_session
    first, second = ready(), ready()
    waitlist_join(application=first, session=session, user=None, now=T0)
    waitlist_join(application=second, session=session, user=None, now=T0 + timedelta(minutes=1))
    registration_cancel(registration=holder_booking, actor=None, now=T0)
    offer = WaitlistEntry.objects.get(application=first)

    with django_capture_on_commit_callbacks(execute=True):
        # Still open one minute before it ends.
        assert (
            waitlist_offers_expire_task(now=(T0 + timedelta(hours=47, minutes=59)).isoformat()) == 0
        )
        lapse_at = T0 + timedelta(hours=48)
        assert waitlist_offers_expire_task(now=lapse_at.isoformat()) == 1
        assert waitlist_offers_expire_task(now=lapse_at.isoformat()) == 0  # run twice
    offer.refresh_from_db()
    nxt = WaitlistEntry.objects.get(application=second)
    assert offer.status == W.LAPSED
    assert (nxt.status, nxt.offered_at) == (W.OFFERED, lapse_at)
    assert WaitlistEntry.objects.filter(status=W.OFFERED).count() == 1
    assert [m.to[0] for m in mail.outbox if "lapsed" in m.subject] == [first.user.email]
    assert AuditEvent.objects.filter(verb="waitlist.lapsed", object_id=str(offer.pk)).count() == 1

    with pytest.raises(RuleViolation, match="no longer open"):
        waitlist_claim(entry=offer, user=first.user, now=lapse_at)
    assert not Registration.objects.filter(application=first).exists()


@pytest.mark.parametrize("after", [timedelta(hours=48), timedelta(hours=49)])
def test_an_offer_cannot_be_claimed_from_its_deadline_even_before_the_task_runs(
    full_session, after
):
    session, holder_booking = full_session
    person = ready()
    waitlist_join(application=person, session=session, user=None, now=T0)
    registration_cancel(registration=holder_booking, actor=None, now=T0)
    offer = WaitlistEntry.objects.get(application=person)
    assert offer.offer_expires_at == T0 + timedelta(hours=48)
    with pytest.raises(RuleViolation, match="no longer open"):
        waitlist_claim(entry=offer, user=None, now=T0 + after)
    offer.refresh_from_db()
    assert offer.status == W.OFFERED  # the task lapses it and passes the seat on


def test_a_move_away_frees_the_seat_for_the_waitlist(full_session):
    session, holder_booking = full_session
    person = ready()
    waitlist_join(application=person, session=session, user=None, now=T0)
    elsewhere = make_session(on=session.date + timedelta(days=7))
    registration_move(registration=holder_booking, to_session=elsewhere, user=None, now=T0)
    assert WaitlistEntry.objects.get(application=person).status == W.OFFERED


def test_booking_another_session_of_the_day_closes_the_persons_waitlist_places(full_session):
    session, holder_booking = full_session
    person = ready()
    entry = waitlist_join(application=person, session=session, user=None, now=T0)
    registration_book(
        application=person, session=make_session(on=session.date + timedelta(days=7)), user=None
    )
    entry.refresh_from_db()
    assert entry.status == W.CANCELLED


def test_declining_an_offer_passes_it_on(full_session):
    session, holder_booking = full_session
    first, second = ready(), ready()
    waitlist_join(application=first, session=session, user=None, now=T0)
    waitlist_join(application=second, session=session, user=None, now=T0 + timedelta(minutes=1))
    registration_cancel(registration=holder_booking, actor=None, now=T0)
    offer = WaitlistEntry.objects.get(application=first)
    waitlist_leave(entry=offer, user=first.user, now=T0 + timedelta(hours=1))
    offer.refresh_from_db()
    assert offer.status == W.CANCELLED
    assert WaitlistEntry.objects.get(application=second).status == W.OFFERED


def test_waitlist_pages_join_claim_and_someone_elses_place_is_404(client, full_session):
    session, holder_booking = full_session
    person = ready()
    client.force_login(person.user)
    with clock.frozen_at(T0):
        response = client.post(f"/classroom/sessions/{session.pk}/waitlist/", follow=True)
        assert "You are on the waitlist" in response.content.decode()
        entry = WaitlistEntry.objects.get(application=person)
        registration_cancel(registration=holder_booking, actor=None)
        page = client.get("/classroom/").content.decode()
        assert "A seat is held for you" in page
        assert f"/classroom/waitlist/{entry.pk}/claim/" in page

        stranger = ready()
        client.force_login(stranger.user)
        assert client.post(f"/classroom/waitlist/{entry.pk}/claim/").status_code == 404
        assert client.post(f"/classroom/waitlist/{entry.pk}/leave/").status_code == 404
        client.force_login(person.user)
        response = client.post(f"/classroom/waitlist/{entry.pk}/claim/", follow=True)
    assert "Booked: Day 1" in response.content.decode()
    assert Registration.objects.get(application=person, status="confirmed").session == session
