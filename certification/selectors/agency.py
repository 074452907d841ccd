"""Reads for the agency portal, always scoped to the agency of the user asking: its case
managers (people employed there now or recently, or on its roster) with the facts the portal
shows, and nothing else about them (no date of birth, address or uploads)."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Q
from django.http import Http404

from certification import rules
from certification.models import (
    AgencyMembership,
    Employment,
    RosterEntry,
    VerificationRequest,
    VerificationStatus,
)
from certification.selectors.certificates import (
    MODIFIERS,
    certification_by_number,
    certification_status_on,
)
from certification.selectors.employment import employed_person_ids
from lms.models import User

RECENTLY_ENDED = timedelta(days=180)
STAFF_COLUMNS = (
    ("name", "Name"),
    ("staff_id", "Staff id"),
    ("position", "Position"),
    ("employed_since", "Employed since"),
    ("employment_ended_on", "Employment ended on"),
    ("certificate_number", "Certificate number"),
    ("level", "Level"),
    ("status", "Status"),
    ("valid_through", "Valid through"),
    ("may_bill_t1017", "May bill T1017 today"),
    ("modifier", "Modifier"),
    ("renewal", "This year's renewal"),
    ("pending_verification", "Pending verification"),
)


@dataclass(frozen=True)
class CertificateFacts:
    number: str = ""
    level: str = ""  # "CM I" / "CM II"
    status: str = ""  # active / suspended / terminated / revoked
    valid_through: date | None = None
    modifier: str = ""  # HM / HN
    renewal: str = ""  # this year's renewal state, in words

    @property
    def is_active(self) -> bool:
        return self.status == "active"


def _certificate_facts(person: User, today: date) -> CertificateFacts:
    """The person's current certification as of `today` (none: blanks, and nobody may bill)."""
    # Read through the related manager so that a list that prefetched "certifications" asks
    # no query per person (same choice as certification_of_holder: newest not superseded).
    mine = list(person.certifications.all())
    current = [c for c in mine if c.superseded_on is None]
    certification = (current or mine or [None])[0]
    if certification is None:
        return CertificateFacts()
    return CertificateFacts(
        number=certification.number,
        level=certification.get_level_display(),
        status=certification_status_on(certification, today),
        valid_through=certification.valid_through,
        modifier=MODIFIERS.get(certification.level, ""),
        renewal=_renewal_text(certification.valid_through, today),
    )


def _renewal_text(valid_through: date, today: date) -> str:
    """This year's renewal in words, from the renewal calendar (spec section 4); the renewal
    records themselves come with the renewal work."""
    phase = rules.renewal_phase(valid_through.year, today)
    return {
        "not_open": f"Opens January 1, {valid_through.year}",
        "open": f"Due by June 30, {valid_through.year}",
        "late": f"Late: accepted through December 30, {valid_through.year}",
        "closed": "Not renewed",
    }[str(phase)]


def certificate_holder_get(number: str) -> User | None:
    """The holder of certificate `number` (roster upload matches by it)."""
    certification = certification_by_number(number)
    return certification.holder if certification else None


@dataclass
class StaffRow:
    person_id: int
    name: str
    email: str
    staff_id: str = ""
    position: str = ""
    employed_since: date | None = None
    employment_ended_on: date | None = None
    employment_id: int | None = None
    certificate_number: str = ""
    level: str = ""
    status: str = ""
    valid_through: date | None = None
    may_bill_t1017: bool = False
    modifier: str = ""
    renewal: str = ""
    pending_verification: bool = False
    pending_request_ids: list[int] = field(default_factory=list)


def membership_get(user: User) -> AgencyMembership | None:
    """The agency user's membership, or None for anyone else."""
    if not user.is_authenticated:
        return None
    return AgencyMembership.objects.select_related("agency").filter(user=user).first()


def person_name(user: User) -> str:
    return user.get_full_name() or user.email


def _people_of(agency_id: int, today: date) -> dict[int, StaffRow]:
    rows: dict[int, StaffRow] = {}
    employments = (
        Employment.objects.filter(agency_id=agency_id, confirmed_at__isnull=False)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=today - RECENTLY_ENDED))
        .select_related("person")
        .order_by("started_on")
    )
    for e in employments:  # the latest employment there wins
        rows[e.person_id] = StaffRow(
            person_id=e.person_id,
            name=person_name(e.person),
            email=e.person.email,
            position=e.position,
            employed_since=e.started_on,
            employment_ended_on=e.ended_on,
            employment_id=e.pk,
        )
    for entry in RosterEntry.objects.filter(agency_id=agency_id).select_related("person"):
        row = rows.setdefault(
            entry.person_id,
            StaffRow(
                person_id=entry.person_id, name=person_name(entry.person), email=entry.person.email
            ),
        )
        row.staff_id = entry.staff_id
    pending = VerificationRequest.objects.filter(
        agency_id=agency_id, status=VerificationStatus.PENDING
    ).select_related("person")
    for request in pending:
        row = rows.setdefault(
            request.person_id,
            StaffRow(
                person_id=request.person_id,
                name=person_name(request.person),
                email=request.person.email,
            ),
        )
        row.pending_verification = True
        row.pending_request_ids.append(request.pk)
    return rows


def agency_staff_list(
    *, membership: AgencyMembership, today: date, q: str = "", status: str = "", bill: str = ""
) -> list[StaffRow]:
    """The agency's case managers with certificate facts and whether each may bill T1017 today
    (certification active and employment confirmed and not ended today, spec section 7).
    Filters: `q` (name, email or certificate number), `status` (a certificate status, or
    "pending" for pending verifications, "none" for no certificate), `bill` ("yes"/"no")."""
    rows = _people_of(membership.agency_id, today)
    users = User.objects.prefetch_related("certifications").in_bulk(list(rows))
    employed = employed_person_ids(person_ids=rows, on=today)
    result = []
    for row in rows.values():
        facts = _certificate_facts(users[row.person_id], today)
        row.certificate_number, row.level, row.status = facts.number, facts.level, facts.status
        row.valid_through, row.renewal = facts.valid_through, facts.renewal
        row.may_bill_t1017 = facts.is_active and row.person_id in employed
        row.modifier = facts.modifier if row.may_bill_t1017 else ""
        result.append(row)
    result = [r for r in result if _matches(r, q=q, status=status, bill=bill)]
    return sorted(result, key=lambda r: r.name.lower())


def _matches(row: StaffRow, *, q: str, status: str, bill: str) -> bool:
    q = q.strip().lower()
    if q and q not in f"{row.name} {row.email} {row.certificate_number} {row.staff_id}".lower():
        return False
    if status == "pending" and not row.pending_verification:
        return False
    if status == "none" and row.certificate_number:
        return False
    if status not in ("", "pending", "none") and row.status != status:
        return False
    if bill in ("yes", "no") and row.may_bill_t1017 != (bill == "yes"):
        return False
    return True


def staff_row_values(row: StaffRow) -> list[str]:
    """One CSV line, in STAFF_COLUMNS order."""
    out = []
    for key, _ in STAFF_COLUMNS:
        value = getattr(row, key)
        if isinstance(value, bool):
            value = "yes" if value else "no"
        out.append("" if value is None else str(value))
    return out


def verification_request_get_for_agency(*, membership: AgencyMembership, pk: int):
    """A verification request addressed to the member's agency; anyone else's is a 404."""
    request = (
        VerificationRequest.objects.select_related("person", "agency", "application")
        .filter(pk=pk, agency_id=membership.agency_id)
        .first()
    )
    if request is None:
        raise Http404
    return request


def employment_get_for_agency(*, membership: AgencyMembership, pk: int) -> Employment:
    employment = (
        Employment.objects.select_related("person")
        .filter(pk=pk, agency_id=membership.agency_id)
        .first()
    )
    if employment is None:
        raise Http404
    return employment
