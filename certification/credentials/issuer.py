"""The issuer as one value: its did:web, signing key and verification method for a site root.

Views and services get it with `issuer_for(base_url)` (key from `keys.signing_key()`), sign
with `.private_key` and `.verification_method`, and publish `.did_document()` at
``/.well-known/did.json``.
"""

from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from .did import did_document, did_web, verification_method_id
from .keys import public_key_bytes, signing_key


@dataclass(frozen=True)
class Issuer:
    """Who signs: `did` (did:web), the key id inside its document, and the private key."""

    base_url: str
    did: str
    verification_method: str
    private_key: Ed25519PrivateKey = field(repr=False)

    def public_key(self) -> Ed25519PublicKey:
        """The key verifiers use (the one `did_document` lists for assertions)."""
        return self.private_key.public_key()

    def did_document(self) -> dict[str, Any]:
        """The DID document to serve at ``/.well-known/did.json``."""
        return did_document(did=self.did, public_key=public_key_bytes(self.private_key))


def issuer_for(base_url: str, *, private_key: Ed25519PrivateKey | None = None) -> Issuer:
    """The issuer for the site at `base_url` (its root, e.g. ``https://bhcm.example.org``).

    Raises ValueError for a base URL with a path, ImproperlyConfigured without a signing key.
    """
    did = did_web(base_url)
    return Issuer(
        base_url=base_url.rstrip("/"),
        did=did,
        verification_method=verification_method_id(did),
        private_key=private_key or signing_key(),
    )
