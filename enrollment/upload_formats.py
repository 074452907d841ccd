"""Where the real content of a PDF, PNG or JPEG ends, and whether web code hides around it.

A polyglot is a file that is a valid PDF or image *and* something a browser would run: HTML or
script in front of the content (in a comment, a metadata segment or the PDF header) or after it
(past a PDF's final `%%EOF`, a PNG's `IEND` chunk or a JPEG's end-of-image marker). These
functions are pure: bytes in, a reason out (`None` when the file is clean). They never decode
image data or inflate anything.
"""

from __future__ import annotations

import re

# What makes a browser treat bytes as a page or run them as script.
ACTIVE_CONTENT = re.compile(
    rb"<\s*(?:!doctype|html|head|body|script|svg|iframe|frame|object|embed|img|style|meta|link"
    rb"|form)|javascript:|vbscript:",
    re.IGNORECASE,
)
_SNIFF_WINDOW = 1024  # browsers decide "is this HTML?" from about the first 512 bytes
_PDF_STREAM = re.compile(rb">>\s*stream\r?\n.*?\bendstream\b", re.DOTALL)
_PADDING = b" \t\r\n\x00\x0c"

EXTRA_AFTER = "extra data after its end"
ACTIVE = "web page code (HTML or script) inside it"
DAMAGED = "damaged"


def has_active_content(data: bytes) -> bool:
    return ACTIVE_CONTENT.search(data) is not None


def pdf_problem(data: bytes) -> str | None:
    """Why `data` (which starts with `%PDF-`) is not a clean PDF, or None.

    Checked: nothing but whitespace after the final `%%EOF`; no web code in the first KB (what a
    browser sniffs) nor anywhere outside the PDF's stream bodies (whose compressed bytes are
    not text). Whether it parses is for a PDF parser to say."""
    end = data.rfind(b"%%EOF")
    if end < 0:
        return DAMAGED
    if data[end + 5 :].strip(_PADDING):
        return EXTRA_AFTER
    if has_active_content(data[:_SNIFF_WINDOW]) or has_active_content(_PDF_STREAM.sub(b"", data)):
        return ACTIVE
    return None


def png_problem(data: bytes) -> str | None:
    """Why `data` (which starts with the PNG signature) is not a clean PNG, or None.

    Walks the chunks to `IEND`: anything after it is refused, and so is web code in any
    chunk other than the compressed image data."""
    pos, size = 8, len(data)
    while pos + 12 <= size:
        length = int.from_bytes(data[pos : pos + 4], "big")
        kind = data[pos + 4 : pos + 8]
        body_end = pos + 8 + length
        if body_end + 4 > size:
            return DAMAGED
        if kind not in (b"IDAT", b"fdAT") and has_active_content(data[pos + 8 : body_end]):
            return ACTIVE
        pos = body_end + 4
        if kind == b"IEND":
            return EXTRA_AFTER if data[pos:].strip(b"\x00") else None
    return DAMAGED


def jpeg_problem(data: bytes) -> str | None:
    """Why `data` (which starts with the JPEG SOI marker) is not a clean JPEG, or None.

    Walks the marker segments to the end-of-image marker (skipping entropy-coded data after
    each start-of-scan): anything after EOI is refused, and so is web code in a comment or an
    application (metadata) segment."""
    pos, size = 2, len(data)
    while pos < size:
        if data[pos] != 0xFF:
            return DAMAGED
        while pos < size and data[pos] == 0xFF:  # fill bytes
            pos += 1
        if pos >= size:
            return DAMAGED
        marker = data[pos]
        pos += 1
        if marker == 0xD9:  # EOI
            return EXTRA_AFTER if data[pos:].strip(b"\x00") else None
        if marker == 0x01 or 0xD0 <= marker <= 0xD7:  # no length, no payload
            continue
        length = int.from_bytes(data[pos : pos + 2], "big")
        if length < 2 or pos + length > size:
            return DAMAGED
        if (0xE0 <= marker <= 0xEF or marker == 0xFE) and has_active_content(
            data[pos + 2 : pos + length]
        ):
            return ACTIVE
        pos += length
        if marker == 0xDA:  # start of scan: entropy-coded data runs to the next real marker
            pos = _scan_end(data, pos)
            if pos < 0:
                return DAMAGED
    return DAMAGED


def _scan_end(data: bytes, pos: int) -> int:
    """The offset of the first marker after entropy-coded data starting at `pos`, or -1."""
    while True:
        pos = data.find(b"\xff", pos)
        if pos < 0 or pos + 1 >= len(data):
            return -1
        following = data[pos + 1]
        if following == 0x00 or 0xD0 <= following <= 0xD7:  # stuffed byte, restart marker
            pos += 2
            continue
        return pos
