"""Applicant uploads (transcripts, accommodation documents, any later upload): check, name and
store them privately, and serve them back safely.

Only PDF, PNG and JPEG are accepted, decided by the file's *content*: the client's file name
and `content_type` are never trusted. A PDF must parse as a PDF; a polyglot (web code in front
of or after the real content, or any bytes after its end) is refused (`upload_formats`). Files
go to the "private" storage (outside the public media path) under a random name whose extension
comes from the sniffed type; the original name is never part of the path. Downloads are
attachments that a browser neither sniffs nor runs. Nothing here logs file names, which can
contain personal data.

Any new upload field uses `validate_upload` in its form's `clean_<field>` and `save_upload` in
its service, and serves the file with `private_file_response`.
"""

from __future__ import annotations

import codecs
import io
import math
import uuid
from enum import StrEnum
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import storages
from django.http import FileResponse, Http404
from PIL import Image
from pypdf import PdfReader

from enrollment import upload_formats

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
_MB = 1024 * 1024
_HEAD_BYTES = 2048  # enough to sniff the type and to name common impostors


class UploadKind(StrEnum):
    PDF = "pdf"
    PNG = "png"
    JPEG = "jpeg"

    @property
    def mimetype(self) -> str:
        return f"application/{self.value}" if self is UploadKind.PDF else f"image/{self.value}"

    @property
    def label(self) -> str:
        return "PDF" if self is UploadKind.PDF else f"{self.name} image"

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
    data = file.read(MAX_UPLOAD_BYTES + 1)  # bounded: the size above may be the client's word
    if len(data) > MAX_UPLOAD_BYTES:
        limit = MAX_UPLOAD_BYTES // _MB
        raise ValidationError(f"The file is over the {limit} MB limit.", code="too_large")
    kind = sniff(data[:_HEAD_BYTES])
    if kind is None:
        raise ValidationError(
            f"This file is not a PDF, PNG or JPEG (it looks like {_describe(data[:_HEAD_BYTES])}).",
            code="type",
        )
    _check_structure(kind, data)
    if kind is UploadKind.PDF:
        _check_pdf_parses(data)
    else:
        _check_image_opens(kind, data)
    return kind, len(data)


def _check_structure(kind: UploadKind, data: bytes) -> None:
    """Refuse polyglots: web code around the real content, or bytes after its end."""
    problem = _STRUCTURE[kind](data)
    if problem is None:
        return
    if problem == upload_formats.DAMAGED:
        raise ValidationError(_DAMAGED[kind], code="corrupt")
    raise ValidationError(
        f"This {kind.label} has {problem}, which is not allowed: it can make the file "
        "dangerous to open. Open it, save or export it again as a PDF, PNG or JPEG, "
        "and upload the new file.",
        code="polyglot",
    )


def _check_pdf_parses(data: bytes) -> None:
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise ValidationError(
                "This PDF is password-protected, so staff could not open it. "
                "Save a copy without a password and upload that.",
                code="encrypted",
            )
        pages = len(reader.pages)
    except ValidationError:
        raise
    except Exception as exc:  # pypdf raises many types for damaged data
        raise ValidationError(_DAMAGED[UploadKind.PDF], code="corrupt") from exc
    if pages < 1:
        raise ValidationError("This PDF has no pages.", code="corrupt")


def _check_image_opens(kind: UploadKind, data: bytes) -> None:
    try:
        with Image.open(io.BytesIO(data), formats=[kind.name]) as image:
            image.verify()
    except Exception as exc:  # Pillow raises many types for damaged data
        raise ValidationError(_DAMAGED[kind], code="corrupt") from exc


_STRUCTURE = {
    UploadKind.PDF: upload_formats.pdf_problem,
    UploadKind.PNG: upload_formats.png_problem,
    UploadKind.JPEG: upload_formats.jpeg_problem,
}
_DAMAGED = {
    UploadKind.PDF: "This PDF is damaged or incomplete and cannot be opened. "
    "Please save or export it again and upload the new file.",
    UploadKind.PNG: "This image is damaged or incomplete and cannot be opened. "
    "Please save or export it again and upload the new file.",
}
_DAMAGED[UploadKind.JPEG] = _DAMAGED[UploadKind.PNG]


def validate_upload(file: File) -> UploadKind:
    """Check an uploaded file and return its kind, or raise `ValidationError`.

    The error's message is a sentence for the applicant; its `code` is one of "empty",
    "too_large", "type", "corrupt", "encrypted" or "polyglot". The file is always rewound to
    position 0.
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


def download_name(original: str, kind: str) -> str:
    """The name a download is offered under: the uploaded name (folders dropped) with the
    extension of the stored type, so `report.html` holding a PDF downloads as `report.pdf`."""
    stem = PurePosixPath((original or "").replace("\\", "/")).stem.strip()
    if not stem or stem.startswith("."):  # "" or a bare ".html"
        stem = "document"
    return f"{stem[:200]}{UploadKind(kind).extension}"


# A downloaded file opened in the browser (or a page that frames it) can run nothing.
DOWNLOAD_CSP = "sandbox; default-src 'none'"


def private_file_response(storage_name: str, *, filename: str, kind: str) -> FileResponse:
    """Stream a stored upload as an attachment, never rendered by the browser (nosniff, a
    sandboxing CSP) and never cached by a shared cache. The caller has already checked who may
    see it. Raises Http404 when the file is gone."""
    try:
        handle = storages["private"].open(storage_name, "rb")
    except FileNotFoundError:
        raise Http404("The file is missing.") from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=download_name(filename, kind),
        content_type=UploadKind(kind).mimetype,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = DOWNLOAD_CSP
    response["Cache-Control"] = "private, no-store"
    return response
