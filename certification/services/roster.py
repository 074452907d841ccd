"""Roster upload: an agency's CSV of its employees (email or certificate number, the agency's
own staff id, add or remove), matched to people. Every line is checked first; when any line
fails, the report names each by its line number and nothing is applied."""

import csv
import io
from dataclasses import dataclass

from django.db import transaction

from certification.models import AgencyMembership, RosterEntry
from certification.selectors.agency import certificate_holder_get
from enrollment.rules import RuleViolation
from lms.models import User
from lms.services import audit_record

MAX_ROSTER_BYTES = 2 * 1024 * 1024
COLUMNS = ("email", "certificate_number", "staff_id", "action")


class RosterRejected(RuleViolation):
    """The upload is refused as a whole; `problems` lists (line number, message)."""

    def __init__(self, problems: list[tuple[int, str]]):
        self.problems = problems
        super().__init__(f"{len(problems)} line(s) could not be used; nothing was changed.")


@dataclass(frozen=True)
class RosterLine:
    line: int
    person: User
    staff_id: str
    action: str  # add / remove


def _decode(data: bytes) -> str:
    if len(data) > MAX_ROSTER_BYTES:
        raise RosterRejected([(0, "The file is larger than 2 MB.")])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RosterRejected([(0, "The file is not a UTF-8 CSV file.")]) from None


def _match(row: dict, line: int, agency_id: int) -> tuple[RosterLine | None, str]:
    email = (row.get("email") or "").strip()
    number = (row.get("certificate_number") or "").strip()
    action = (row.get("action") or "add").strip().lower()
    if action not in ("add", "remove"):
        return None, f'action must be "add" or "remove", not "{action[:20]}".'
    if not email and not number:
        return None, "give an email or a certificate number."
    person = User.objects.filter(email__iexact=email).first() if email else None
    if person is None and number:
        person = certificate_holder_get(number)
    if person is None:
        return None, "no person matches this email or certificate number."
    if (
        action == "remove"
        and not RosterEntry.objects.filter(agency_id=agency_id, person=person).exists()
    ):
        return None, "this person is not on your roster."
    return RosterLine(line, person, (row.get("staff_id") or "").strip()[:64], action), ""


def roster_parse(*, membership: AgencyMembership, data: bytes) -> list[RosterLine]:
    """Check every line (the header is line 1); raises RosterRejected listing each bad one."""
    reader = csv.DictReader(io.StringIO(_decode(data)))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    if "email" not in header and "certificate_number" not in header:
        raise RosterRejected([(1, f"the header must name the columns {', '.join(COLUMNS)}.")])
    reader.fieldnames = header
    lines, problems, seen = [], [], set()
    for number, row in enumerate(reader, start=2):
        matched, problem = _match(row, number, membership.agency_id)
        if matched is not None and matched.person.pk in seen:
            matched, problem = None, "this person is already on an earlier line."
        if matched is None:
            problems.append((number, problem))
            continue
        seen.add(matched.person.pk)
        lines.append(matched)
    if problems:
        raise RosterRejected(problems)
    if not lines:
        raise RosterRejected([(2, "the file has no employees in it.")])
    return lines


def roster_upload(*, membership: AgencyMembership, actor: User, data: bytes) -> dict[str, int]:
    """Apply a roster CSV in one transaction: all of it or, on any bad line, none of it.
    Returns the counts added, updated and removed. Raises RosterRejected."""
    lines = roster_parse(membership=membership, data=data)
    counts = {"added": 0, "updated": 0, "removed": 0}
    with transaction.atomic():
        for line in lines:
            if line.action == "remove":
                RosterEntry.objects.filter(
                    agency_id=membership.agency_id, person=line.person
                ).delete()
                counts["removed"] += 1
                continue
            _, created = RosterEntry.objects.update_or_create(
                agency_id=membership.agency_id,
                person=line.person,
                defaults={"staff_id": line.staff_id},
            )
            counts["added" if created else "updated"] += 1
        audit_record(
            actor=actor,
            verb="agency.roster_uploaded",
            obj=membership.agency,
            reason=", ".join(f"{n} {k}" for k, n in counts.items()),
        )
    return counts
