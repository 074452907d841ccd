"""`DataIntegrityProof` with the ``eddsa-rdfc-2022`` cryptosuite (W3C vc-di-eddsa §3.2).

hashData = SHA-256(canonical proof configuration) ‖ SHA-256(canonical document); the
signature is pure Ed25519 over hashData, published as base58-btc multibase ``proofValue``.
The proof configuration is canonicalized with the document's ``@context``.

Invariants: a document is signed only if every term is defined by the vendored contexts
(`canonical.UndefinedTermError` otherwise); `proof_verify` returns True only when the
proof's type, cryptosuite, purpose and signature all check out against the given key.
"""

import copy
import hashlib
from collections.abc import Mapping
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from .canonical import CanonicalizationError, canonicalize
from .multibase import from_multibase_b58, multibase_b58

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-rdfc-2022"
PROOF_PURPOSE = "assertionMethod"


class ProofError(ValueError):
    """The document's proof is missing, malformed or not of this cryptosuite."""


def proof_configuration(*, verification_method: str, created: str) -> dict[str, str]:
    """The proof options for an assertion proof made at `created` (XML dateTime, UTC)."""
    return {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": created,
        "verificationMethod": verification_method,
        "proofPurpose": PROOF_PURPOSE,
    }


def hash_data(
    document: Mapping[str, Any],
    proof_config: Mapping[str, Any],
    *,
    extra_contexts: Mapping[str, dict[str, Any]] | None = None,
) -> bytes:
    """The 64 bytes that are signed: hash of the canonical proof config, then of the document.

    Raises `canonical.UndefinedTermError` / `CanonicalizationError` from canonicalization.
    """
    config = {**proof_config, "@context": document["@context"]}
    config.pop("proofValue", None)
    # The document first, so that its undefined terms are the ones reported.
    doc_hash = hashlib.sha256(canonicalize(document, extra_contexts=extra_contexts).encode())
    config_hash = hashlib.sha256(canonicalize(config, extra_contexts=extra_contexts).encode())
    return config_hash.digest() + doc_hash.digest()


def proof_sign(
    document: Mapping[str, Any],
    *,
    private_key: Ed25519PrivateKey,
    verification_method: str,
    created: str,
    extra_contexts: Mapping[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A copy of `document` (which must have no ``proof``) with an eddsa-rdfc-2022 proof added.

    Raises ProofError if the document already carries a proof, and
    `canonical.UndefinedTermError` if any of its terms is undefined.
    """
    if "proof" in document:
        raise ProofError("The document already has a proof; sign the unsecured document.")
    config = proof_configuration(verification_method=verification_method, created=created)
    signature = private_key.sign(hash_data(document, config, extra_contexts=extra_contexts))
    signed = copy.deepcopy(dict(document))
    signed["proof"] = {**config, "proofValue": multibase_b58(signature)}
    return signed


def proof_verify(
    document: Mapping[str, Any],
    *,
    public_key: Ed25519PublicKey,
    extra_contexts: Mapping[str, dict[str, Any]] | None = None,
) -> bool:
    """True when `document`'s single proof is a valid eddsa-rdfc-2022 assertion by `public_key`.

    A tampered, re-typed or undefined-term document is False, never an exception; a missing or
    malformed proof raises ProofError so callers can tell "no proof" from "forged".
    """
    proof = document.get("proof")
    if not isinstance(proof, Mapping) or "proofValue" not in proof:
        raise ProofError("The document has no single Data Integrity proof.")
    if (
        proof.get("type") != PROOF_TYPE
        or proof.get("cryptosuite") != CRYPTOSUITE
        or proof.get("proofPurpose") != PROOF_PURPOSE
    ):
        return False
    unsecured = {key: value for key, value in document.items() if key != "proof"}
    try:
        signature = from_multibase_b58(str(proof["proofValue"]))
        public_key.verify(signature, hash_data(unsecured, proof, extra_contexts=extra_contexts))
    except (InvalidSignature, CanonicalizationError, ValueError):
        return False
    return True
