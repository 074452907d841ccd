"""Hard limits on a PowerPoint deck, checked before python-pptx parses anything.

A .pptx is a zip. First its central directory (which zipfile reads without inflating a byte) is
checked: how many members, how much they claim to unpack to, and how much smaller than that
they are packed (a zip bomb packs a thousand to one). Then, because a directory can lie, every
member is streamed through a bounded reader that inflates at most a chunk at a time and stops
as soon as a member yields more than it declared. Only a deck that passes both is handed to
python-pptx, which then reads members whose sizes are known to be true.

The limits are settings (`PPTX_IMPORT_*`) with the defaults below; `deck_limits()` reads them.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError

_MB = 1024 * 1024
_CHUNK = 64 * 1024
_RATIO_FLOOR = 256 * 1024  # members smaller than this may pack as tightly as they like
_COMPRESSIONS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}
# signature, versions, flags, method, time, date, crc, sizes, name and extra lengths
_LOCAL_HEADER = struct.Struct("<4sHHHHHIIIHH")


@dataclass(frozen=True)
class DeckLimits:
    max_members: int = 3000
    max_unpacked_bytes: int = 200 * _MB
    max_ratio: int = 100  # unpacked : packed, per member over _RATIO_FLOOR and for the deck
    max_slides: int = 300
    max_shapes: int = 10_000  # per deck, shapes inside groups included
    max_bullets: int = 5_000  # per deck
    max_text_chars: int = 500_000  # per deck: titles, bullets and notes
    async_bytes: int = 20 * _MB  # decks unpacking to more are imported by a Celery task
    time_limit_seconds: int = 300  # the task's soft time limit


_SETTING_NAMES = {
    "max_members": "PPTX_IMPORT_MAX_MEMBERS",
    "max_unpacked_bytes": "PPTX_IMPORT_MAX_UNPACKED_BYTES",
    "max_ratio": "PPTX_IMPORT_MAX_RATIO",
    "max_slides": "PPTX_IMPORT_MAX_SLIDES",
    "max_shapes": "PPTX_IMPORT_MAX_SHAPES",
    "max_bullets": "PPTX_IMPORT_MAX_BULLETS",
    "max_text_chars": "PPTX_IMPORT_MAX_TEXT_CHARS",
    "async_bytes": "PPTX_IMPORT_ASYNC_BYTES",
    "time_limit_seconds": "PPTX_IMPORT_TIME_LIMIT",
}


def deck_limits() -> DeckLimits:
    """The limits in force: each `PPTX_IMPORT_*` setting that is set, else the default."""
    defaults = DeckLimits()
    return DeckLimits(
        **{
            field: int(getattr(settings, name, getattr(defaults, field)))
            for field, name in _SETTING_NAMES.items()
        }
    )


def refuse(message: str, **params) -> ValidationError:
    return ValidationError(message, code="too_large", params=params or None)


BOMB_MESSAGE = (
    "This presentation unpacks to far more than its size suggests, so it cannot be imported "
    "safely. Open it in PowerPoint, save a copy and upload that copy."
)
DAMAGED_MESSAGE = (
    "This presentation is damaged: its contents do not match its table of contents. Open it in "
    "PowerPoint, save a copy and upload that copy."
)


class DeckBudget:
    """Counts what a deck holds while it is read; refuses it as soon as a limit is passed."""

    def __init__(self, limits: DeckLimits):
        self.limits = limits
        self.shapes = self.bullets = self.chars = 0

    def slides(self, count: int) -> int:
        if count > self.limits.max_slides:
            raise refuse(
                "This presentation has %(count)s slides; at most %(limit)s can be imported. "
                "Split it into several decks.",
                count=count,
                limit=self.limits.max_slides,
            )
        return count

    def shape(self) -> None:
        self.shapes += 1
        if self.shapes > self.limits.max_shapes:
            raise refuse(
                "This presentation has more than %(limit)s shapes and cannot be imported.",
                limit=self.limits.max_shapes,
            )

    def bullet(self) -> None:
        self.bullets += 1
        if self.bullets > self.limits.max_bullets:
            raise refuse(
                "This presentation has more than %(limit)s bullets and cannot be imported. "
                "Split it into several decks.",
                limit=self.limits.max_bullets,
            )

    def text(self, text: str) -> str:
        self.chars += len(text)
        if self.chars > self.limits.max_text_chars:
            raise refuse(
                "This presentation has more than %(limit)s characters of text and cannot be "
                "imported. Split it into several decks.",
                limit=self.limits.max_text_chars,
            )
        return text


def package_check(package: zipfile.ZipFile, limits: DeckLimits) -> None:
    """Refuse a deck from its central directory alone: nothing is inflated here.

    Raises `ValidationError` (code "too_large") for too many members, too much claimed content,
    or a packing ratio no real deck has."""
    members = package.infolist()
    if any(info.compress_type not in _COMPRESSIONS for info in members):
        # zipfile inflates bzip2 and LZMA members without any bound: real decks never use them
        raise ValidationError(BOMB_MESSAGE, code="too_large")
    if len(members) > limits.max_members:
        raise refuse(
            "This presentation has %(count)s parts; at most %(limit)s can be imported.",
            count=len(members),
            limit=limits.max_members,
        )
    unpacked = sum(info.file_size for info in members)
    if unpacked > limits.max_unpacked_bytes:
        raise refuse(
            "This presentation unpacks to %(size)s MB; at most %(limit)s MB can be imported.",
            size=round(unpacked / _MB, 1),
            limit=limits.max_unpacked_bytes // _MB,
        )
    packed = sum(info.compress_size for info in members)
    too_tight = [
        info
        for info in members
        if info.file_size > _RATIO_FLOOR and info.file_size > limits.max_ratio * info.compress_size
    ]
    if too_tight or (unpacked > _RATIO_FLOOR and unpacked > limits.max_ratio * max(packed, 1)):
        raise ValidationError(BOMB_MESSAGE, code="too_large")


def package_stream_check(file: IO[bytes], package: zipfile.ZipFile) -> None:
    """Inflate every member with a bounded reader and refuse one whose content does not match
    its directory entry: more bytes than declared (it stops one chunk past the declared size),
    fewer, a stream that does not end where it should, or a wrong checksum.

    zipfile's own reader would do: python-pptx reads a member in one call, for which zipfile
    inflates everything the compressed data holds (gigabytes, for a lying entry) before cutting
    it to the declared size. At most the declared sizes (bounded by `package_check`) plus a
    chunk are inflated here, and nothing is kept."""
    for info in package.infolist():
        if info.is_dir() or info.file_size == 0 == info.compress_size:
            continue
        if info.flag_bits & 0x1:  # encrypted
            raise ValidationError(DAMAGED_MESSAGE, code="invalid")
        produced, crc = _member_inflate(file, info)
        if produced != info.file_size or crc != info.CRC:
            raise ValidationError(DAMAGED_MESSAGE, code="invalid")


def _member_inflate(file: IO[bytes], info: zipfile.ZipInfo) -> tuple[int, int]:
    """(bytes produced, their CRC-32) for one member, refusing as soon as it passes its size."""
    file.seek(info.header_offset)
    header = file.read(_LOCAL_HEADER.size)
    if len(header) != _LOCAL_HEADER.size or header[:4] != b"PK\x03\x04":
        raise ValidationError(DAMAGED_MESSAGE, code="invalid")
    name_length, extra_length = _LOCAL_HEADER.unpack(header)[-2:]
    file.seek(info.header_offset + _LOCAL_HEADER.size + name_length + extra_length)
    inflater = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
    produced, crc, left = 0, 0, info.compress_size
    while left > 0 and not (inflater and inflater.eof):
        data = file.read(min(_CHUNK, left))
        if not data:
            raise ValidationError(DAMAGED_MESSAGE, code="invalid")
        left -= len(data)
        for out in _inflated_chunks(inflater, data) if inflater else [data]:
            produced += len(out)
            if produced > info.file_size:
                raise ValidationError(DAMAGED_MESSAGE, code="invalid")
            crc = zlib.crc32(out, crc)
    if inflater is not None and not inflater.eof:
        raise ValidationError(DAMAGED_MESSAGE, code="invalid")
    return produced, crc


def _inflated_chunks(inflater, data: bytes) -> Iterator[bytes]:
    """Inflate `data` at most one chunk of output at a time."""
    try:
        while True:
            out = inflater.decompress(data, _CHUNK)
            data = inflater.unconsumed_tail
            if out:
                yield out
            if inflater.eof or (not data and not out):
                return
    except zlib.error as exc:
        raise ValidationError(DAMAGED_MESSAGE, code="invalid") from exc


def package_open(file: IO[bytes]) -> zipfile.ZipFile:
    """The deck's zip directory (read, not inflated). Raises `zipfile.BadZipFile` and the like."""
    file.seek(0)
    return zipfile.ZipFile(file)
