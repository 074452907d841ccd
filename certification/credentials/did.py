"""The issuer's ``did:web`` identifier and its DID document (served at ``/.well-known/did.json``).

The document has one ``Multikey`` verification method whose ``publicKeyMultibase`` carries
the 0xed01 Ed25519 prefix, listed under ``assertionMethod`` (the purpose credential proofs
use). `assertion_public_key` is the verifier's side: it only trusts a key that the document
lists for assertions.
"""

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, urlsplit

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from .multibase import ed25519_public_from_multikey, ed25519_public_multikey

DID_CONTEXTS = ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"]
KEY_FRAGMENT = "key-1"


def did_web(base_url: str) -> str:
    """The did:web for a site root: ``https://bhcm.example.org`` → ``did:web:bhcm.example.org``.

    A port is percent-encoded (``did:web:127.0.0.1%3A8000``). Raises ValueError for a URL with
    a path, since the document must live at ``/.well-known/did.json``.
    """
    parts = urlsplit(base_url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ValueError("The base URL must be an http(s) URL with a host name.")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ValueError("The base URL must be the site root (no path, query or fragment).")
    host = parts.hostname + (f":{parts.port}" if parts.port else "")
    return "did:web:" + quote(host, safe="")


def verification_method_id(did: str) -> str:
    """The id of the issuer's signing key inside its DID document."""
    return f"{did}#{KEY_FRAGMENT}"


def did_document(*, did: str, public_key: bytes) -> dict[str, Any]:
    """The DID document for `did` with the raw 32-byte Ed25519 `public_key` as assertion key."""
    method_id = verification_method_id(did)
    return {
        "@context": list(DID_CONTEXTS),
        "id": did,
        "verificationMethod": [
            {
                "id": method_id,
                "type": "Multikey",
                "controller": did,
                "publicKeyMultibase": ed25519_public_multikey(public_key),
            }
        ],
        "assertionMethod": [method_id],
    }


def assertion_public_key(document: Mapping[str, Any], method_id: str) -> Ed25519PublicKey:
    """The Ed25519 key `method_id` names, if `document` lists it under ``assertionMethod``.

    Raises ValueError when the method is unknown, not an assertion key, not controlled by the
    document's DID, or not an Ed25519 Multikey.
    """
    if method_id not in document.get("assertionMethod", []):
        raise ValueError("That key is not listed for assertions in the issuer's DID document.")
    for method in document.get("verificationMethod", []):
        if method.get("id") == method_id:
            if method.get("controller") != document.get("id") or method.get("type") != "Multikey":
                raise ValueError("That key is not a Multikey controlled by the issuer.")
            raw = ed25519_public_from_multikey(method.get("publicKeyMultibase", ""))
            return Ed25519PublicKey.from_public_bytes(raw)
    raise ValueError("The issuer's DID document does not describe that key.")
