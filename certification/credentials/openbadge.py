"""The certification as an Open Badges 3.0 ``OpenBadgeCredential`` (W3C VC 2.0).

Built from plain data (no models): the achievement is a ``Certification`` for the level, the
certificate number is the subject's ``licenseNumber``, the holder's name as certified is an
unhashed ``IdentityObject`` of type ``name``, each endorsement is a ``Result`` against the
achievement's "Endorsements" result description, and ``credentialStatus`` carries the
Bitstring Status List entries (suspension, revocation).

Dates are America/Chicago: valid from the first moment of `issued_on`, until the last second
of `valid_through`, written in UTC. Every term is defined by the vendored VC 2.0 and OB 3.0.3
contexts, so `issue_openbadge_credential` signs it or raises UndefinedTermError.
"""

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from .canonical import OB_V3, VC_V2
from .proof import proof_sign

LOCAL_TZ = ZoneInfo("America/Chicago")
ISSUER_NAME = "Oklahoma Department of Mental Health and Substance Abuse Services"
LEVELS = {
    "CM I": ("cm-i", "Behavioral Health Case Manager I"),
    "CM II": ("cm-ii", "Behavioral Health Case Manager II"),
}


def xml_datetime(moment: datetime) -> str:
    """An aware datetime as XML Schema dateTime in UTC, to the second (``…Z``)."""
    if moment.tzinfo is None:
        raise ValueError("A credential date must be timezone-aware.")
    return moment.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def verify_page_url(base_url: str, number: str) -> str:
    """The public verification page of certificate `number` (spec section 7)."""
    return f"{base_url.rstrip('/')}/verify/{number}/"


def credential_url(base_url: str, number: str) -> str:
    """Where the signed credential of certificate `number` is published (spec section 7)."""
    return f"{verify_page_url(base_url, number)}credential.json"


def _achievement(base: str, level: str, endorsements: Sequence[str]) -> dict[str, Any]:
    slug, title = LEVELS[level]
    achievement_id = f"{base}/achievements/{slug}"
    achievement: dict[str, Any] = {
        "id": achievement_id,
        "type": ["Achievement"],
        "achievementType": "Certification",
        "name": title,
        "description": (
            f"Oklahoma certification as a {title} ({level}): a time-limited, revocable, "
            "renewable credential awarded by ODMHSAS."
        ),
        "criteria": {
            "narrative": (
                "Completed the required training, passed the competency exam and had "
                "employment with a qualifying agency confirmed."
            )
        },
        "humanCode": level,
    }
    if endorsements:
        achievement["resultDescription"] = [
            {
                "id": f"{achievement_id}#endorsements",
                "type": ["ResultDescription"],
                "name": "Endorsements",
                "resultType": "Status",
            }
        ]
    return achievement


def openbadge_credential(
    *,
    number: str,
    holder_name: str,
    level: str,
    issued_on: date,
    valid_through: date,
    endorsements: Sequence[str],
    issuer_did: str,
    base_url: str,
    status_entries: Sequence[Mapping[str, Any]],
    issuer_name: str = ISSUER_NAME,
) -> dict[str, Any]:
    """The unsigned credential. Raises ValueError for an unknown level or reversed dates."""
    if level not in LEVELS:
        raise ValueError(f"Unknown level {level!r}; use one of {', '.join(LEVELS)}.")
    if valid_through < issued_on:
        raise ValueError("A certification cannot end before it is issued.")
    base = base_url.rstrip("/")
    achievement = _achievement(base, level, endorsements)
    subject: dict[str, Any] = {
        "type": ["AchievementSubject"],
        "identifier": [
            {
                "type": "IdentityObject",
                "identityType": "name",
                "hashed": False,
                "identityHash": holder_name,
            }
        ],
        "licenseNumber": number,
        "achievement": achievement,
    }
    if endorsements:
        subject["result"] = [
            {
                "type": ["Result"],
                "resultDescription": f"{achievement['id']}#endorsements",
                "value": name,
                "status": "Completed",
            }
            for name in endorsements
        ]
    valid_from = datetime.combine(issued_on, time.min, tzinfo=LOCAL_TZ)
    valid_until = datetime.combine(valid_through, time(23, 59, 59), tzinfo=LOCAL_TZ)
    return {
        "@context": [VC_V2, OB_V3],
        "id": credential_url(base, number),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer_did, "type": ["Profile"], "name": issuer_name, "url": base},
        "validFrom": xml_datetime(valid_from),
        "validUntil": xml_datetime(valid_until),
        "name": f"Certified {achievement['name']}",
        "credentialSubject": subject,
        "credentialStatus": [dict(entry) for entry in status_entries],
    }


def issue_openbadge_credential(
    *,
    private_key: Ed25519PrivateKey,
    verification_method: str,
    created: datetime,
    **data: Any,
) -> dict[str, Any]:
    """`openbadge_credential(**data)` signed with eddsa-rdfc-2022 at `created`.

    Raises ValueError (bad data) or UndefinedTermError (a term the contexts do not define).
    """
    return proof_sign(
        openbadge_credential(**data),
        private_key=private_key,
        verification_method=verification_method,
        created=xml_datetime(created),
    )


def credential_to_json(credential: Mapping[str, Any]) -> str:
    """The one serialization of a signed credential: served as ``credential.json`` and embedded
    in the PDF, so both are byte-identical. Whitespace does not affect the proof."""
    return json.dumps(credential, indent=2, ensure_ascii=False) + "\n"
