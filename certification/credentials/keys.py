"""Custody of the issuer's Ed25519 signing key.

Production: the key comes only from the ``CREDENTIAL_SIGNING_KEY`` environment variable
(setting of the same name): the 32-byte seed as Multikey (``z3u2…``, 0x8026 prefix) or as
base64 / base64url. There is no default; asking for the key without it raises
ImproperlyConfigured.

Development and tests: with the variable empty, ``CREDENTIAL_SIGNING_KEY_FILE`` names a file
(``var/credential-signing-key``) that is created on first use with mode 0600 and reused after.
The key is never logged.
"""

import base64
import binascii
import os
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .multibase import ED25519_PRIV_PREFIX, ed25519_seed_from_multikey, multibase_b58


def private_key_from_text(value: str) -> Ed25519PrivateKey:
    """Parse a 32-byte Ed25519 seed written as Multikey or base64. Raises ValueError."""
    value = value.strip()
    if value.startswith("z"):
        # One base64 seed in 64 starts with "z" too: when the value is not a Multikey, it may
        # still be a base64 seed, and the Multikey's reason is given only if it is not.
        try:
            return Ed25519PrivateKey.from_private_bytes(ed25519_seed_from_multikey(value))
        except ValueError as error:
            try:
                return _from_base64(value)
            except ValueError:
                raise error from None
    return _from_base64(value)


def _from_base64(value: str) -> Ed25519PrivateKey:
    try:
        seed = base64.b64decode(
            value.replace("-", "+").replace("_", "/") + "=" * (-len(value) % 4), validate=True
        )
    except (binascii.Error, ValueError) as error:
        raise ValueError("The signing key is neither Multikey nor base64.") from error
    if len(seed) != 32:
        raise ValueError("The signing key must be a 32-byte Ed25519 seed.")
    return Ed25519PrivateKey.from_private_bytes(seed)


def private_key_to_text(key: Ed25519PrivateKey) -> str:
    """The key's seed as Multikey (``z3u2…``), the form `private_key_from_text` reads."""
    seed = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    return multibase_b58(ED25519_PRIV_PREFIX + seed)


def public_key_bytes(key: Ed25519PrivateKey) -> bytes:
    """The raw 32-byte public key of `key`."""
    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def _key_from_file(path: Path) -> Ed25519PrivateKey:
    """Read the key at `path`, creating it (mode 0600, exclusively) when it does not exist."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return private_key_from_text(path.read_text("ascii"))
    key = Ed25519PrivateKey.generate()
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(private_key_to_text(key) + "\n")
    return key


def signing_key() -> Ed25519PrivateKey:
    """The issuer's signing key, from the environment or (dev/test only) the key file.

    Raises ImproperlyConfigured when neither is set, or the configured value is not a key.
    """
    value = getattr(settings, "CREDENTIAL_SIGNING_KEY", "") or ""
    if value:
        try:
            return private_key_from_text(value)
        except ValueError as error:
            raise ImproperlyConfigured(f"CREDENTIAL_SIGNING_KEY is not usable: {error}") from None
    key_file = getattr(settings, "CREDENTIAL_SIGNING_KEY_FILE", None)
    if key_file:
        return _key_from_file(Path(key_file))
    raise ImproperlyConfigured(
        "Set the CREDENTIAL_SIGNING_KEY environment variable (see README, Configuration)."
    )
