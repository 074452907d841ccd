"""Bitstring Status List v1.0: suspension and revocation lists published as signed credentials.

`encodedList` is the multibase base64url (no padding) of the GZIP of a bitstring of at least
131,072 bits; index 0 is the left-most (most significant) bit of the first byte. A set bit
means the status applies: suspended for a ``suspension`` list, revoked for ``revocation``.

Reading a list fails closed: `credential_status_set` raises StatusListError (with the spec's
error code) on a bad proof, a wrong purpose, a short list or an index out of range, and never
answers "not revoked" for a list it could not trust.
"""

import gzip
import secrets
import zlib
from collections.abc import Collection, Iterable, Mapping
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from .canonical import VC_V2
from .multibase import from_multibase_b64url, multibase_b64url
from .proof import ProofError, proof_sign, proof_verify

MIN_ENTRIES = 131_072
PURPOSES = ("revocation", "suspension")
_MAX_LIST_BYTES = 16 * 1024 * 1024


class StatusListError(ValueError):
    """A status list cannot be used; `code` is the Bitstring Status List error name."""

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        super().__init__(message)


def _check_purpose(purpose: str) -> None:
    if purpose not in PURPOSES:
        raise ValueError(f"Unknown status purpose {purpose!r}; use one of {', '.join(PURPOSES)}.")


def encode_status_list(set_indexes: Iterable[int], *, size: int = MIN_ENTRIES) -> str:
    """The ``encodedList`` of a list of `size` entries with the bits at `set_indexes` set.

    Raises ValueError for a size below 131,072 or not a multiple of 8, or an index outside it.
    """
    if size < MIN_ENTRIES or size % 8:
        raise ValueError("A status list has at least 131,072 entries, a multiple of 8.")
    bits = bytearray(size // 8)
    for index in set_indexes:
        if not 0 <= index < size:
            raise ValueError(f"Status index {index} is outside the list (0..{size - 1}).")
        bits[index // 8] |= 0x80 >> (index % 8)
    return multibase_b64url(gzip.compress(bytes(bits), mtime=0))


def decode_status_list(encoded: str) -> bytes:
    """The raw bitstring of an ``encodedList``. Raises StatusListError on bad or short data.

    Decompression stops at 16 MiB, so a hostile list cannot exhaust memory.
    """
    try:
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)  # GZIP framing
        bits = inflater.decompress(from_multibase_b64url(encoded), _MAX_LIST_BYTES + 1)
        if len(bits) > _MAX_LIST_BYTES or not inflater.eof:
            raise ValueError("too large or truncated")
    except (ValueError, zlib.error) as error:
        raise StatusListError(
            "STATUS_VERIFICATION_ERROR", "The status list is unreadable."
        ) from error
    if len(bits) * 8 < MIN_ENTRIES:
        raise StatusListError("STATUS_LIST_LENGTH_ERROR", "The status list is too short.")
    return bits


def status_bit(bits: bytes, index: int) -> bool:
    """Whether entry `index` of a decoded list is set. Raises StatusListError out of range."""
    if not 0 <= index < len(bits) * 8:
        raise StatusListError("RANGE_ERROR", f"Status index {index} is outside the list.")
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def indexes_set(encoded: str) -> list[int]:
    """Every set index of an ``encodedList``, in order (for displays and tests)."""
    bits = decode_status_list(encoded)
    found = []
    for byte_index, byte in enumerate(bits):
        if byte:
            found += [byte_index * 8 + b for b in range(8) if byte & (0x80 >> b)]
    return found


def random_status_index(taken: Collection[int], *, size: int = MIN_ENTRIES) -> int:
    """A uniformly random index in ``[0, size)`` not in `taken` (the spec asks for random).

    Raises ValueError when the list is full.
    """
    if len(taken) >= size:
        raise ValueError("The status list is full; start a new list.")
    while True:
        index = secrets.randbelow(size)
        if index not in taken:
            return index


def status_list_entry(*, list_url: str, index: int, purpose: str) -> dict[str, str]:
    """The ``credentialStatus`` entry pointing at entry `index` of the list at `list_url`."""
    _check_purpose(purpose)
    return {
        "id": f"{list_url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose,
        "statusListIndex": str(index),
        "statusListCredential": list_url,
    }


def status_list_credential(
    *,
    list_url: str,
    issuer: str,
    purpose: str,
    set_indexes: Iterable[int],
    valid_from: str,
    private_key: Ed25519PrivateKey,
    verification_method: str,
    ttl_ms: int | None = None,
    size: int = MIN_ENTRIES,
) -> dict[str, Any]:
    """A signed ``BitstringStatusListCredential`` for `purpose` with `set_indexes` set.

    `valid_from` (XML dateTime, UTC) is also the proof's ``created``. Raises ValueError for an
    unknown purpose or a bad index.
    """
    _check_purpose(purpose)
    subject: dict[str, Any] = {
        "id": f"{list_url}#list",
        "type": "BitstringStatusList",
        "statusPurpose": purpose,
        "encodedList": encode_status_list(set_indexes, size=size),
    }
    if ttl_ms is not None:
        subject["ttl"] = ttl_ms
    credential = {
        "@context": [VC_V2],
        "id": list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "validFrom": valid_from,
        "credentialSubject": subject,
    }
    return proof_sign(
        credential,
        private_key=private_key,
        verification_method=verification_method,
        created=valid_from,
    )


def credential_status_set(
    entry: Mapping[str, Any],
    list_credential: Mapping[str, Any],
    *,
    public_key: Ed25519PublicKey,
    issuer: str,
) -> bool:
    """Whether the status `entry` names is set in `list_credential` (already fetched).

    Verifies the list's proof with `public_key`, its issuer, id and purpose first; raises
    StatusListError on any failure, so a caller that cannot check never reads "not set".
    """
    try:
        verified = proof_verify(list_credential, public_key=public_key)
    except ProofError:
        verified = False
    subject = list_credential.get("credentialSubject") or {}
    if not verified or list_credential.get("issuer") != issuer:
        raise StatusListError("STATUS_VERIFICATION_ERROR", "The status list is not the issuer's.")
    if list_credential.get("id") != entry.get("statusListCredential"):
        raise StatusListError("STATUS_VERIFICATION_ERROR", "The entry names another list.")
    if subject.get("statusPurpose") != entry.get("statusPurpose"):
        raise StatusListError("STATUS_VERIFICATION_ERROR", "The list has another purpose.")
    try:
        index = int(str(entry.get("statusListIndex")))
    except ValueError:
        raise StatusListError("RANGE_ERROR", "The status index is not a number.") from None
    return status_bit(decode_status_list(str(subject.get("encodedList", ""))), index)
