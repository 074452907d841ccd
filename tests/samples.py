"""Real sample files for upload tests, made by other tools (pypdf, Pillow), not by hand."""

import io
import zlib

from PIL import Image
from pypdf import PdfWriter


def pdf_bytes(size: int | None = None, *, pages: int = 1) -> bytes:
    """A real PDF written by pypdf with `pages` blank pages, padded (in its metadata) to exactly
    `size` bytes when given."""

    def build(padding: int) -> bytes:
        writer = PdfWriter()
        for _ in range(pages):
            writer.add_blank_page(width=612, height=792)
        if padding:
            writer.add_metadata({"/Padding": "x" * padding})
        buf = io.BytesIO()
        writer.write(buf)
        return buf.getvalue()

    data = build(0)
    if size is None:
        return data
    padding = size - len(data)
    for _ in range(5):  # offsets in the xref table grow by a digit now and then: converge
        data = build(padding)
        if len(data) == size:
            return data
        padding += size - len(data)
    raise ValueError(f"cannot pad a PDF to exactly {size} bytes")


def image_bytes(fmt: str) -> bytes:
    """A 4×4 image in `fmt` ("PNG" or "JPEG"), written by Pillow."""
    buf = io.BytesIO()
    Image.new("RGB", (4, 4), "teal").save(buf, fmt)
    return buf.getvalue()


def with_jpeg_comment(jpeg: bytes, comment: bytes) -> bytes:
    """`jpeg` with a comment (COM) segment holding `comment` right after its start marker."""
    segment = b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment
    return jpeg[:2] + segment + jpeg[2:]


def with_png_text(png: bytes, keyword: bytes, text: bytes) -> bytes:
    """`png` with a tEXt chunk (`keyword`, `text`) right after its IHDR chunk."""
    body = b"tEXt" + keyword + b"\x00" + text
    chunk = len(body[4:]).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")
    ihdr_end = 8 + 8 + 13 + 4
    return png[:ihdr_end] + chunk + png[ihdr_end:]
