"""Applicant uploads (transcripts, later certificates): check, name and store them privately.

Only PDF, PNG and JPEG are accepted, decided by the file's *content*: the client's file name
and `content_type` are never trusted. Files go to the "private" storage (outside the public
media path) under a random name; the original name is never part of the path. Nothing here
logs file names, which can contain personal data.
"""

from __future__ import annotations

import codecs
import math
import uuid
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import storages
from django.http import FileResponse, Http404
from PIL import Image

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
_MB = 1024 * 1024
_HEAD_BYTES = 2048  # enough to sniff the type and to name common impostors
_TAIL_BYTES = 2048  # a complete PDF has `%%EOF` this close to its end


class UploadKind(StrEnum):
    PDF = "pdf"
    PNG = "png"
    JPEG = "jpeg"

    @property
    def mimetype(self) -> str:
        return f"application/{self.value}" if self is UploadKind.PDF else f"image/{self.value}"

    @property
    def extension(self) -> str:
        return ".jpg" if self is UploadKind.JPEG else f".{self.value}"


_MAGIC = (
    (b"%PDF-", UploadKind.PDF),
    (b"\x89PNG\r\n\x1a\n", UploadKind.PNG),
    (b"\xff\xd8\xff", UploadKind.JPEG),
)
_IMPOSTORS = (
    (b"MZ", "a Windows executable program"),
    (b"\x7fELF", "a Linux executable program"),
    (b"PK\x03\x04", "a ZIP archive or an Office document"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old-style Office document"),
    (b"{\\rtf", "an RTF document"),
    (b"GIF8", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
)
_HEIC_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}


def sniff(head: bytes) -> UploadKind | None:
    """The accepted kind that `head` (the file's first bytes) starts with, else None.

    Signatures must sit at offset 0: a PDF header further in (a polyglot) does not count.
    """
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    return None


def _describe(head: bytes) -> str:
    """A short, readable guess at what a refused file is, from its first bytes."""
    for magic, what in _IMPOSTORS:
        if head.startswith(magic):
            return what
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "a WebP image"
    if head[4:8] == b"ftyp" and head[8:12] in _HEIC_BRANDS:
        return "an HEIC photo"
    try:  # incremental: a character cut off at the end of `head` is not an error
        text = codecs.getincrementaldecoder("utf-8")().decode(head.removeprefix(codecs.BOM_UTF8))
    except UnicodeDecodeError:
        text = None
    if text is not None:
        lowered = text.lstrip().lower()
        if lowered.startswith("<"):
            if "<svg" in lowered:
                return "an SVG image"
            if "<!doctype html" in lowered or "<html" in lowered or "<script" in lowered:
                return "HTML"
            return "XML" if lowered.startswith("<?xml") else "HTML or XML"
    if b"%PDF-" in head[:1024]:
        return "a PDF with extra data in front of it"
    if text is not None and all(c.isprintable() or c in "\t\n\r\f" for c in text):
        return "plain text"
    return "an unknown format"


def _format_mb(size: int) -> str:
    """Megabytes to one decimal, rounded *up* so a file just over the limit reads as over."""
    return f"{math.ceil(size * 10 / _MB) / 10:.1f} MB"


def _check(file: File) -> tuple[UploadKind, int]:
    size = file.size
    if size is None:  # a File without a known size: measure it
        file.seek(0, 2)
        size = file.tell()
    if not size:
        raise ValidationError("The file is empty.", code="empty")
    if size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            f"The file is {_format_mb(size)}; the limit is {MAX_UPLOAD_BYTES // _MB} MB.",
            code="too_large",
        )
    file.seek(0)
    head = file.read(_HEAD_BYTES)
    kind = sniff(head)
    if kind is None:
        raise ValidationError(
            f"This file is not a PDF, PNG or JPEG (it looks like {_describe(head)}).", code="type"
        )
    if kind is UploadKind.PDF:
        file.seek(max(0, size - _TAIL_BYTES))
        if b"%%EOF" not in file.read(_TAIL_BYTES):
            raise ValidationError(
                "This PDF is damaged or incomplete (its end is missing). "
                "Please save or export it again and upload the new file.",
                code="corrupt",
            )
    else:
        file.seek(0)
        try:
            with Image.open(file, formats=[kind.name]) as image:
                image.verify()
        except Exception as exc:  # Pillow raises many types for damaged data
            raise ValidationError(
                "This image is damaged or incomplete and cannot be opened. "
                "Please save or export it again and upload the new file.",
                code="corrupt",
            ) from exc
    return kind, size


def validate_upload(file: File) -> UploadKind:
    """Check an uploaded file and return its kind, or raise `ValidationError`.

    The error's message is a sentence for the applicant; its `code` is one of "empty",
    "too_large", "type" or "corrupt". The file is always rewound to position 0.
    """
    try:
        return _check(file)[0]
    finally:
        file.seek(0)


def stored_name(kind: UploadKind) -> str:
    """A fresh, unguessable storage name such as `uploads/3f/3f9c…e1.pdf`."""
    token = uuid.uuid4().hex
    return f"uploads/{token[:2]}/{token}{kind.extension}"


def save_upload(file: File) -> tuple[str, UploadKind, int]:
    """Validate `file` and save it to the private storage.

    Returns (storage name, kind, size in bytes); raises `ValidationError` as
    `validate_upload` does, in which case nothing is written.
    """
    try:
        kind, size = _check(file)
    finally:
        file.seek(0)
    name = storages["private"].save(stored_name(kind), file)
    file.seek(0)
    return name, kind, size


def private_file_response(storage_name: str, *, filename: str, kind: str) -> FileResponse:
    """Stream a stored upload as an attachment, never rendered by the browser (nosniff) and never
    cached by a shared cache. The caller has already checked who may see it. Raises Http404
    when the file is gone."""
    try:
        handle = storages["private"].open(storage_name, "rb")
    except FileNotFoundError:
        raise Http404("The file is missing.") from None
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type=UploadKind(kind).mimetype
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
