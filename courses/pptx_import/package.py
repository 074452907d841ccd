"""The checks on an uploaded deck's file before python-pptx parses anything: its size, what
kind of file it is (an old .ppt, an encrypted deck, a Word or Excel file, not a zip at all), and
the zip limits of `courses.pptx_limits`. Also whether a deck is big enough for a Celery task."""

import io
import zipfile
from typing import IO

from django.core.exceptions import ValidationError

from courses.pptx_limits import (
    DeckLimits,
    deck_limits,
    package_check,
    package_open,
    package_stream_check,
)

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OTHER_OFFICE_FILES = {
    "word/document.xml": "a Word document",
    "xl/workbook.xml": "an Excel workbook",
}

NOT_A_DECK_MESSAGE = (
    "This file is not a PowerPoint presentation (.pptx). Open it in PowerPoint and save it as "
    "“PowerPoint Presentation (.pptx)”, then upload it again."
)
OLD_OR_ENCRYPTED_MESSAGE = (
    "This file is either an old PowerPoint 97–2003 (.ppt) file or a password-protected deck, "
    "and neither can be read. Open it in PowerPoint, remove the password (File › Info › "
    "Protect Presentation) and save it as “PowerPoint Presentation (.pptx)”, then upload it "
    "again."
)


def check_deck_package(file: IO[bytes], limits: DeckLimits | None = None) -> None:
    """The checks `deck_read` makes before parsing (size, zip directory, bounded streaming),
    alone: fast, and nothing is parsed. Raises `ValidationError` as `deck_read` does."""
    package_check_file(file, limits or deck_limits())
    file.seek(0)


def deck_needs_task(file: IO[bytes], limits: DeckLimits | None = None) -> bool:
    """Whether the deck is big enough to be imported by a Celery task rather than in the
    request: its directory claims more than `limits.async_bytes` (nothing is inflated)."""
    limits = limits or deck_limits()
    try:
        with package_open(file) as package:
            return sum(info.file_size for info in package.infolist()) > limits.async_bytes
    except (zipfile.BadZipFile, OSError, ValueError):
        return False  # not a zip: the import refuses it at once, in the request
    finally:
        file.seek(0)


def _file_size(file: IO[bytes]) -> int:
    size = getattr(file, "size", None)
    if size is not None:
        return size
    file.seek(0, io.SEEK_END)
    return file.tell()


def package_check_file(file: IO[bytes], limits: DeckLimits) -> None:
    """Refuse the file, with a message that says why, unless it is a .pptx package within
    `limits`. Raises `ValidationError`."""
    size = _file_size(file)
    if size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            "This file is %(size)s MB; decks of up to %(limit)s MB can be imported. Compress its "
            "pictures in PowerPoint (File › Compress Pictures) and try again.",
            code="too_large",
            params={"size": round(size / 1024 / 1024, 1), "limit": MAX_UPLOAD_BYTES // 1024**2},
        )
    file.seek(0)
    head = file.read(8)
    file.seek(0)
    if head.startswith(_OLE_MAGIC):
        raise ValidationError(OLD_OR_ENCRYPTED_MESSAGE, code="invalid")
    try:
        with package_open(file) as package:
            package_check(package, limits)
            package_stream_check(file, package)
            names = set(package.namelist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ValidationError(NOT_A_DECK_MESSAGE, code="invalid") from exc
    for member, what in _OTHER_OFFICE_FILES.items():
        if member in names:
            raise ValidationError(
                "This is %(what)s, not a PowerPoint presentation. Upload a .pptx deck.",
                code="invalid",
                params={"what": what},
            )
    if not any(n.startswith("ppt/") and n.endswith(".xml") for n in names):
        raise ValidationError(
            "This zip file holds no PowerPoint presentation (it has no ppt/ part).",
            code="invalid",
        )
