"""Signing at the moment of change, never per request: a certificate's Open Badges credential
is signed when it is issued, endorsed or renewed and stored on its row; the two Bitstring
Status Lists are re-signed whenever a bit changes (`status_lists_publish`)."""

from datetime import date
from typing import NamedTuple

from certification.credentials.issuer import Issuer, issuer_for
from certification.credentials.openbadge import (
    credential_to_json,
    issue_openbadge_credential,
    xml_datetime,
)
from certification.credentials.status_list import status_list_credential, status_list_entry
from certification.models import Certification, PublishedStatusList, StatusListPurpose
from certification.selectors.certificates import (
    REVOKED,
    SUPERSEDED,
    certification_status_on,
    endorsement_names,
    site_url,
)
from lms import clock

# Bitstring Status List `ttl` (ms): verifiers may cache a list for a day.
STATUS_LIST_TTL_MS = 24 * 60 * 60 * 1000


def status_list_url(purpose: str) -> str:
    return f"{site_url()}/credentials/status/{purpose}"


def current_issuer() -> Issuer:
    return issuer_for(site_url())


def credential_sign(*, certification: Certification) -> Certification:
    """Build and sign the certificate's credential from its row and store the bytes served at
    ``/verify/<number>/credential.json``. Call inside the transaction that changed the row."""
    issuer = current_issuer()
    credential = issue_openbadge_credential(
        private_key=issuer.private_key,
        verification_method=issuer.verification_method,
        created=clock.now(),
        number=certification.number,
        holder_name=certification.holder_name,
        level=certification.level,
        issued_on=certification.issued_on,
        valid_through=certification.valid_through,
        endorsements=endorsement_names(certification),
        issuer_did=issuer.did,
        base_url=issuer.base_url,
        status_entries=[
            status_list_entry(
                list_url=status_list_url(purpose),
                index=certification.status_index,
                purpose=purpose,
            )
            for purpose in StatusListPurpose.values
        ],
    )
    certification.credential_json = credential_to_json(credential)
    certification.credential_signed_at = clock.now()
    certification.save(update_fields=["credential_json", "credential_signed_at"])
    return certification


class _Dates(NamedTuple):
    """What `certification_status_on` reads of a certification, without building the model."""

    status_index: int
    issued_on: date
    valid_through: date
    revoked_on: date | None
    superseded_on: date | None


def _indexes(today: date) -> dict[str, list[int]]:
    """The set bits of each list, from one pass over narrow rows. Suspension: suspended today.
    Revocation (not reversible): revoked or superseded."""
    wanted = {
        StatusListPurpose.SUSPENSION: {"suspended"},
        StatusListPurpose.REVOCATION: {REVOKED, SUPERSEDED},
    }
    indexes: dict[str, list[int]] = {purpose: [] for purpose in StatusListPurpose.values}
    rows = Certification.objects.order_by("status_index").values_list(*_Dates._fields)
    for row in rows.iterator(chunk_size=5000):
        dates = _Dates(*row)
        status = certification_status_on(dates, today)  # type: ignore[arg-type]
        for purpose, statuses in wanted.items():
            if status in statuses:
                indexes[purpose].append(dates.status_index)
    return indexes


def status_lists_publish(*, today: date | None = None) -> list[str]:
    """Re-sign each status list whose set bits differ from the published one (or that was
    never published). Safe to run twice; returns the purposes re-signed. Run on every status
    change and daily (a certificate becomes suspended on Jul 1 by the calendar alone)."""
    today = today or clock.today()
    issuer = current_issuer()
    changed = []
    for purpose, indexes in _indexes(today).items():
        row = PublishedStatusList.objects.select_for_update().filter(purpose=purpose).first()
        if row is not None and row.set_indexes == indexes:
            continue
        signed_at = clock.now()
        credential = status_list_credential(
            list_url=status_list_url(purpose),
            issuer=issuer.did,
            purpose=purpose,
            set_indexes=indexes,
            valid_from=xml_datetime(signed_at),
            private_key=issuer.private_key,
            verification_method=issuer.verification_method,
            ttl_ms=STATUS_LIST_TTL_MS,
        )
        PublishedStatusList.objects.update_or_create(
            purpose=purpose,
            defaults={
                "set_indexes": indexes,
                "credential_json": credential_to_json(credential),
                "signed_at": signed_at,
            },
        )
        changed.append(purpose)
    return changed
