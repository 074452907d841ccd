"""What agencies are told (Nursys e-Notify's job): an email when one of their people's status
changes, once per change, and a weekly digest of renewals due and suspensions."""

from collections.abc import Iterable
from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q

from certification import rules
from certification.models import (
    AgencyAlert,
    AgencyDigestSent,
    AgencyMembership,
    AlertChange,
    Certification,
    Employment,
    RosterEntry,
)
from certification.selectors.agency import RECENTLY_ENDED, agency_staff_list
from certification.services._common import mail
from enrollment.models import QualifyingAgency
from lms import clock
from lms.models import User
from lms.services import audit_record


def _agencies_of(person: User, today: date) -> set[int]:
    """The agencies that watch `person`: employed there now or recently, or on their roster."""
    employed = Employment.objects.filter(person=person, confirmed_at__isnull=False).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=today - RECENTLY_ENDED)
    )
    ids = set(employed.values_list("agency_id", flat=True))
    ids |= set(RosterEntry.objects.filter(person=person).values_list("agency_id", flat=True))
    return ids


def agency_alert_status_changed(
    *,
    person: User,
    change: str,
    key: str,
    agencies: Iterable[int] | None = None,
    today: date | None = None,
) -> int:
    """Tell each agency that watches `person` (or the given `agencies`) that their status
    changed: `change` is an AlertChange (suspended, terminated, revoked, renewed,
    employment_ended) and `key` what identifies this change (e.g. the certificate number and
    the date it took effect). Sent once per agency, person, change and key, to the agency's
    users who chose status alerts: calling it again sends nothing. Returns the alerts sent."""
    change = AlertChange(change)
    today = today or clock.today()
    agency_ids = set(agencies) if agencies is not None else _agencies_of(person, today)
    sent = 0
    for agency_id in sorted(agency_ids):
        try:
            with transaction.atomic():
                alert = AgencyAlert.objects.create(
                    agency_id=agency_id, person=person, change=change, change_key=key[:64]
                )
        except IntegrityError:
            continue  # this change was already told to this agency
        audit_record(actor=None, verb="agency.alert_sent", obj=alert, to_state=change)
        recipients = AgencyMembership.objects.filter(
            agency_id=agency_id, alert_status_changes=True, user__is_active=True
        ).values_list("user__email", flat=True)
        mail("agency_alert", recipients, alert=alert, person_name=person.get_full_name() or "")
        sent += 1
    return sent


def agency_digest_send(*, today: date) -> int:
    """The weekly digest: for each agency, its people whose renewal is due by Jun 30 of this
    year and those suspended, sent to the users who chose the digest. Agencies with nothing
    to say get nothing. Once per agency and week (an `AgencyDigestSent` row written with the
    emails): a second run that week sends nothing. Returns the number of emails sent."""
    sent = 0
    due_by = date(today.year, 6, 30)
    week_of = today - timedelta(days=today.weekday())
    for agency in QualifyingAgency.objects.filter(
        active=True, memberships__isnull=False
    ).distinct():
        members = list(agency.memberships.filter(alert_weekly_digest=True, user__is_active=True))
        if not members:
            continue
        rows = agency_staff_list(membership=members[0], today=today)
        due = [r for r in rows if r.status == "active" and r.valid_through == due_by]
        suspended = [r for r in rows if r.status == "suspended"]
        if not (due or suspended):
            continue
        recipients = [m.user.email for m in members]
        with transaction.atomic():
            _, first = AgencyDigestSent.objects.get_or_create(
                agency=agency, week_of=week_of, defaults={"sent_on": today}
            )
            if not first:
                continue
            mail(
                "agency_digest",
                recipients,
                agency=agency,
                due=due,
                suspended=suspended,
                due_by=due_by,
            )
        sent += len(recipients)
    return sent


# A change by the calendar is told within this many days of it (a missed day catches up).
CALENDAR_CHANGE_WINDOW = timedelta(days=7)


def certification_calendar_alerts_send(*, today: date) -> int:
    """Daily: tell the agencies of each certificate that the calendar suspended (Jul 1 after its
    valid-through, spec section 4) or terminated (the Jan 1 after) within the last week. Once
    per change (the alert's key names the certificate, the change and its date), so running it
    twice or on several days sends nothing more. Returns the alerts sent."""
    candidates = Certification.objects.filter(
        valid_through__lt=today,
        valid_through__gte=today - timedelta(days=366) - CALENDAR_CHANGE_WINDOW,
        revoked_on__isnull=True,
        superseded_on__isnull=True,
    ).select_related("holder")
    sent = 0
    for certification in candidates:
        change, since = _calendar_change(certification.valid_through, today)
        if change is None:
            continue
        sent += agency_alert_status_changed(
            person=certification.holder,
            change=change,
            key=f"{certification.number}:{change}:{since.isoformat()}",
            today=today,
        )
    return sent


def _calendar_change(valid_through: date, today: date) -> tuple[AlertChange | None, date]:
    status = str(rules.certification_status(valid_through, today))
    since = {
        "suspended": valid_through + timedelta(days=1),
        "terminated": date(valid_through.year + 1, 1, 1),
    }.get(status)
    if since is None or today - since >= CALENDAR_CHANGE_WINDOW:
        return None, today
    return AlertChange(status), since
