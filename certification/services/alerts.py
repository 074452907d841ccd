"""What agencies are told (Nursys e-Notify's job): an email when one of their people's status
changes, once per change, and a weekly digest of renewals due and suspensions."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
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
from certification.services._common import mail, mail_render
from enrollment.models import QualifyingAgency
from lms import clock
from lms.bulk import insert_new_returning
from lms.models import User
from lms.services import audit_record_many, emails_send_many


def _agencies_watching(person_ids: Iterable[int], today: date) -> dict[int, set[int]]:
    """person id -> the agencies that watch them: employed there now or recently, or on their
    roster. Two queries however many people."""
    ids = list(set(person_ids))
    watching: dict[int, set[int]] = {pk: set() for pk in ids}
    employed = Employment.objects.filter(person_id__in=ids, confirmed_at__isnull=False).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=today - RECENTLY_ENDED)
    )
    rostered = RosterEntry.objects.filter(person_id__in=ids)
    for rows in (employed, rostered):
        for person_id, agency_id in rows.values_list("person_id", "agency_id"):
            watching[person_id].add(agency_id)
    return watching


@dataclass(frozen=True)
class StatusChange:
    """One person's status change to tell their agencies about (see agency_alerts_send)."""

    person: User
    change: str  # an AlertChange value
    key: str  # what identifies this change, e.g. the certificate number and its date


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
    return agency_alerts_send(
        changes=[StatusChange(person=person, change=change, key=key)],
        agencies=agencies,
        today=today,
    )


def agency_alerts_send(
    *,
    changes: Sequence[StatusChange],
    agencies: Iterable[int] | None = None,
    today: date | None = None,
) -> int:
    """`agency_alert_status_changed` for many changes at once, in a constant number of queries:
    the watching agencies read once, one INSERT … ON CONFLICT DO NOTHING RETURNING writes only
    the alerts not sent yet (the unique key makes a second call, or two at once, send
    nothing), one insert audits them and one writes their emails. Returns the alerts sent."""
    today = today or clock.today()
    # an unknown change is refused (ValueError) before anything is written
    kinds = [AlertChange(change.change).value for change in changes]
    people = {change.person.pk: change.person for change in changes}
    if agencies is not None:
        chosen = set(agencies)
        watching = {pk: chosen for pk in people}
    else:
        watching = _agencies_watching(people, today)
    sent_at = clock.now()
    rows = [
        (agency_id, change.person.pk, kind, change.key[:64], sent_at)
        for change, kind in zip(changes, kinds, strict=True)
        for agency_id in sorted(watching[change.person.pk])
    ]
    with transaction.atomic():  # an alert is written with its emails, or not at all
        inserted = insert_new_returning(
            AgencyAlert,
            ("agency", "person", "change", "change_key", "sent_at"),
            rows,
            ("id", "agency", "person", "change", "change_key"),
        )
        if inserted:
            _alerts_tell(inserted, people, sent_at)
    return len(inserted)


def _alerts_tell(inserted: list[tuple], people: dict[int, User], sent_at) -> None:
    """Audit the alerts just written and email each to its agency's users who chose them."""
    audit_record_many(
        actor=None,
        verb="agency.alert_sent",
        model=AgencyAlert,
        changes=[(pk, "", change) for pk, _, _, change, _ in inserted],
    )
    agency_ids = {agency_id for _, agency_id, _, _, _ in inserted}
    names = dict(QualifyingAgency.objects.filter(pk__in=agency_ids).values_list("pk", "name"))
    recipients: dict[int, set[str]] = {pk: set() for pk in agency_ids}
    for agency_id, email in AgencyMembership.objects.filter(
        agency_id__in=agency_ids, alert_status_changes=True, user__is_active=True
    ).values_list("agency_id", "user__email"):
        recipients[agency_id].add(email)
    emails = []
    for pk, agency_id, person_id, change, key in sorted(inserted):
        alert = AgencyAlert(
            pk=pk,
            agency=QualifyingAgency(pk=agency_id, name=names[agency_id]),
            person=people[person_id],
            change=change,
            change_key=key,
            sent_at=sent_at,
        )
        emails += mail_render(
            "agency_alert",
            recipients[agency_id],
            alert=alert,
            person_name=people[person_id].get_full_name() or "",
        )
    emails_send_many(emails)


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
    changes = []
    for certification in candidates:
        change, since = _calendar_change(certification.valid_through, today)
        if change is not None:
            key = f"{certification.number}:{change}:{since.isoformat()}"
            changes.append(StatusChange(person=certification.holder, change=change, key=key))
    return agency_alerts_send(changes=changes, today=today)


def _calendar_change(valid_through: date, today: date) -> tuple[AlertChange | None, date]:
    status = str(rules.certification_status(valid_through, today))
    since = {
        "suspended": valid_through + timedelta(days=1),
        "terminated": date(valid_through.year + 1, 1, 1),
    }.get(status)
    if since is None or today - since >= CALENDAR_CHANGE_WINDOW:
        return None, today
    return AlertChange(status), since
