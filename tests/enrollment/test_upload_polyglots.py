"""Polyglots and renamed files: a PDF, PNG or JPEG with web code around its real content, or
bytes after its end, is refused at the field and nothing is written; a real file under a
misleading name is stored, and offered for download, under the extension of what it is."""

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from enrollment.uploads import (
    UploadKind,
    download_name,
    private_file_response,
    save_upload,
    validate_upload,
)
from tests.samples import image_bytes, pdf_bytes, with_jpeg_comment, with_png_text

PDF, PNG, JPEG = pdf_bytes(), image_bytes("PNG"), image_bytes("JPEG")
HTML = b"<html><body><script>fetch('/admin/')</script></body></html>"


def _pdf_with_header_comment(comment: bytes) -> bytes:
    first_line = PDF.index(b"\n") + 1
    return PDF[:first_line] + b"%" + comment + b"\n" + PDF[first_line:]


POLYGLOTS = {
    "pdf+html-after-eof": (PDF + HTML, "This PDF has extra data after its end"),
    "pdf+doctype-after-eof": (PDF + b"\n<!DOCTYPE html><p>", "extra data after its end"),
    "pdf+zip-after-eof": (PDF + b"PK\x03\x04" + b"\x00" * 30, "extra data after its end"),
    "pdf+html-in-header": (_pdf_with_header_comment(HTML), "PDF has web page code"),
    "pdf+iframe-in-header": (_pdf_with_header_comment(b"<iframe src=x>"), "web page code"),
    "pdf+javascript-uri": (
        PDF.replace(b"/Type /Catalog", b"/Type /Catalog /URI (javascript:alert(1))"),
        "web page code",
    ),
    "jpeg+html-after-eoi": (JPEG + HTML, "This JPEG image has extra data after its end"),
    "jpeg+svg-after-eoi": (JPEG + b"<svg onload=alert(1)>", "extra data after its end"),
    "jpeg+html-in-comment": (with_jpeg_comment(JPEG, HTML), "JPEG image has web page code"),
    "png+html-after-iend": (PNG + HTML, "This PNG image has extra data after its end"),
    "png+script-in-text": (
        with_png_text(PNG, b"Comment", b"<script>alert(1)</script>"),
        "PNG image has web page code",
    ),
}


def _upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.mark.parametrize(("content", "message"), POLYGLOTS.values(), ids=POLYGLOTS.keys())
def test_polyglots_are_refused_with_a_clear_message(content, message):
    with pytest.raises(ValidationError) as info:
        validate_upload(_upload("transcript.pdf", content))

    assert info.value.code == "polyglot"
    assert message in info.value.message
    assert "save or export it again" in info.value.message


@pytest.mark.parametrize(("content", "message"), POLYGLOTS.values(), ids=POLYGLOTS.keys())
def test_nothing_is_written_for_a_polyglot(tmp_path: Path, content, message):
    with pytest.raises(ValidationError):
        save_upload(_upload("transcript.pdf", content))

    private = tmp_path / "private"
    assert not private.exists() or not any(p.is_file() for p in private.rglob("*"))


@pytest.mark.parametrize(
    "content",
    [
        PDF,
        pdf_bytes(pages=3),
        with_jpeg_comment(JPEG, b"Scanned at the registrar's office, 2026-11-02"),
        with_png_text(PNG, b"Software", b"Registrar scanner 4.2 <3"),
        JPEG + b"\x00" * 16,  # NUL padding some scanners leave is no content
    ],
)
def test_clean_files_with_ordinary_metadata_are_accepted(content):
    assert validate_upload(_upload("scan", content)) in set(UploadKind)


def test_a_real_pdf_named_html_is_stored_and_offered_as_pdf(tmp_path: Path):
    name, kind, _ = save_upload(_upload("transcript.html", PDF))

    assert kind is UploadKind.PDF
    assert name.endswith(".pdf") and "html" not in name and "transcript" not in name
    assert (tmp_path / "private" / name).read_bytes() == PDF

    response = private_file_response(name, filename="transcript.html", kind=kind.value)
    assert response["Content-Disposition"] == 'attachment; filename="transcript.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert b"".join(response.streaming_content) == PDF


@pytest.mark.parametrize(
    ("original", "kind", "offered"),
    [
        ("transcript.html", "pdf", "transcript.pdf"),
        ("scan.svg", "png", "scan.png"),
        ("photo.jpeg", "jpeg", "photo.jpg"),
        ("C:\\Users\\ada\\grades.htm", "pdf", "grades.pdf"),
        ("../../etc/passwd", "pdf", "passwd.pdf"),
        ("", "pdf", "document.pdf"),
        (".html", "png", "document.png"),
    ],
)
def test_download_names_take_the_extension_of_the_stored_type(original, kind, offered):
    assert download_name(original, kind) == offered
