"""Checking a credential the way an agency's verifier does, failing closed at every step.

1. The proof's key must be one the issuer's DID document lists under ``assertionMethod``, and
   the credential's issuer must be that DID.
2. The eddsa-rdfc-2022 proof must verify (which also refuses undefined terms and contexts
   that are not vendored, so every field read below is covered by the signature).
3. ``validFrom`` ≤ `at` ≤ ``validUntil``.
4. Every ``credentialStatus`` entry is read from its (already fetched) list credential, whose
   own proof, issuer and purpose are checked; a list that is missing or not trustworthy is a
   problem, never "not revoked".

Pure: the caller fetches the DID document and the status lists, and passes the moment.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .did import assertion_public_key
from .proof import ProofError, proof_verify
from .status_list import StatusListError, credential_status_set


@dataclass(frozen=True)
class CredentialCheck:
    """The outcome. `accepted` only when signed, in its validity window and no status is set."""

    signed: bool
    problems: tuple[str, ...] = ()
    not_yet_valid: bool = False
    expired: bool = False
    suspended: bool | None = None
    revoked: bool | None = None

    @property
    def accepted(self) -> bool:
        return (
            self.signed
            and not self.problems
            and not self.not_yet_valid
            and not self.expired
            and self.suspended is False
            and self.revoked is False
        )


def _issuer_id(credential: Mapping[str, Any]) -> str | None:
    issuer = credential.get("issuer")
    return issuer.get("id") if isinstance(issuer, Mapping) else issuer


def _moment(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None


def _signed(credential: Mapping[str, Any], did_document: Mapping[str, Any]) -> str | None:
    """None when the proof verifies with the issuer's assertion key, else the reason."""
    proof = credential.get("proof")
    if not isinstance(proof, Mapping):
        return "The credential carries no proof."
    if _issuer_id(credential) != did_document.get("id"):
        return "The credential names another issuer than this DID document."
    try:
        key = assertion_public_key(did_document, str(proof.get("verificationMethod")))
        if proof_verify(credential, public_key=key):
            return None
    except (ProofError, ValueError) as error:
        return str(error)
    return "The signature does not match the credential."


def credential_check(
    credential: Mapping[str, Any],
    *,
    did_document: Mapping[str, Any],
    status_lists: Mapping[str, Mapping[str, Any]],
    at: datetime,
) -> CredentialCheck:
    """Check `credential` at the aware moment `at`. Never raises for a bad credential."""
    reason = _signed(credential, did_document)
    if reason:
        return CredentialCheck(signed=False, problems=(reason,))
    problems: list[str] = []
    valid_from, valid_until = (
        _moment(credential.get("validFrom")),
        _moment(credential.get("validUntil")),
    )
    if valid_from is None:
        problems.append("The credential has no readable validFrom.")
    statuses: dict[str, bool | None] = {"suspension": None, "revocation": None}
    key = assertion_public_key(did_document, str(credential["proof"]["verificationMethod"]))
    for entry in credential.get("credentialStatus") or []:
        purpose = entry.get("statusPurpose")
        listed = status_lists.get(str(entry.get("statusListCredential")))
        if listed is None:
            problems.append(f"STATUS_RETRIEVAL_ERROR: no {purpose} list to check.")
            continue
        try:
            is_set = credential_status_set(
                entry, listed, public_key=key, issuer=str(did_document.get("id"))
            )
        except StatusListError as error:
            problems.append(f"{error.code}: {error}")
            continue
        if purpose in statuses:
            statuses[purpose] = bool(statuses[purpose]) or is_set
    return CredentialCheck(
        signed=True,
        problems=tuple(problems),
        not_yet_valid=valid_from is not None and at < valid_from,
        expired=valid_until is not None and at > valid_until,
        suspended=statuses["suspension"],
        revoked=statuses["revocation"],
    )
