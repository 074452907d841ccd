"""Multibase and Multikey encodings used by Data Integrity proofs and did:web documents.

- base58-btc (multibase prefix ``z``): proof values and Multikey public keys.
- base64url without padding (multibase prefix ``u``): Bitstring Status List ``encodedList``.
- Multikey: an Ed25519 public key is ``0xed 0x01`` followed by its 32 bytes; an Ed25519
  secret seed is ``0x80 0x26`` followed by its 32 bytes (multicodec ``ed25519-pub`` / ``-priv``).

Every decoder raises ``ValueError`` with a readable message on malformed input.
"""

import base64

_B58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX = {char: index for index, char in enumerate(_B58_ALPHABET)}

ED25519_PUB_PREFIX = b"\xed\x01"
ED25519_PRIV_PREFIX = b"\x80\x26"


def b58encode(data: bytes) -> str:
    """Bitcoin base58 of `data`; each leading zero byte becomes a leading ``1``."""
    number = int.from_bytes(data, "big")
    digits = []
    while number:
        number, remainder = divmod(number, 58)
        digits.append(_B58_ALPHABET[remainder])
    zeros = len(data) - len(data.lstrip(b"\0"))
    return "1" * zeros + "".join(reversed(digits))


def b58decode(text: str) -> bytes:
    """Inverse of `b58encode`. Raises ValueError on a character outside the alphabet."""
    number = 0
    for char in text:
        if char not in _B58_INDEX:
            raise ValueError(f"{char!r} is not a base58-btc character.")
        number = number * 58 + _B58_INDEX[char]
    zeros = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * zeros + body


def multibase_b58(data: bytes) -> str:
    """`data` as multibase base58-btc (``z…``)."""
    return "z" + b58encode(data)


def from_multibase_b58(text: str) -> bytes:
    """Bytes of a ``z…`` multibase string. Raises ValueError for another base."""
    if not text.startswith("z"):
        raise ValueError("Expected a base58-btc multibase value (starting with 'z').")
    return b58decode(text[1:])


def multibase_b64url(data: bytes) -> str:
    """`data` as multibase base64url without padding (``u…``)."""
    return "u" + base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def from_multibase_b64url(text: str) -> bytes:
    """Bytes of a ``u…`` multibase string. Raises ValueError for another base or bad data."""
    if not text.startswith("u"):
        raise ValueError("Expected a base64url multibase value (starting with 'u').")
    body = text[1:]
    if "=" in body:
        raise ValueError("Multibase base64url carries no padding.")
    try:
        return base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (ValueError, TypeError) as error:
        raise ValueError("The base64url value is not valid.") from error


def ed25519_public_multikey(public_key: bytes) -> str:
    """The Multikey ``publicKeyMultibase`` for a raw 32-byte Ed25519 public key."""
    if len(public_key) != 32:
        raise ValueError("An Ed25519 public key has 32 bytes.")
    return multibase_b58(ED25519_PUB_PREFIX + public_key)


def ed25519_public_from_multikey(value: str) -> bytes:
    """The raw 32-byte Ed25519 public key in a ``z6Mk…`` Multikey value."""
    data = from_multibase_b58(value)
    if not data.startswith(ED25519_PUB_PREFIX) or len(data) != 34:
        raise ValueError("Not an Ed25519 Multikey public key (0xed01 prefix, 32 bytes).")
    return data[2:]


def ed25519_seed_from_multikey(value: str) -> bytes:
    """The 32-byte Ed25519 seed in a ``z3u2…`` Multikey secret key value."""
    data = from_multibase_b58(value)
    if not data.startswith(ED25519_PRIV_PREFIX) or len(data) != 34:
        raise ValueError("Not an Ed25519 Multikey secret key (0x8026 prefix, 32 bytes).")
    return data[2:]
