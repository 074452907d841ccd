"""Upload checks: content decides the type, size is capped, files land in private storage."""

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile

from enrollment.uploads import (
    MAX_UPLOAD_BYTES,
    UploadKind,
    save_upload,
    sniff,
    stored_name,
    validate_upload,
)
from tests.samples import image_bytes, pdf_bytes

PDF = pdf_bytes()
PNG = image_bytes("PNG")
JPEG = image_bytes("JPEG")


def _upload(name: str, content: bytes, content_type: str = "application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def _refusal(name: str, content: bytes) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        validate_upload(_upload(name, content))
    return info.value


def _padded_pdf(total: int) -> bytes:
    return pdf_bytes(total)


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("transcript.pdf", PDF, UploadKind.PDF),
        ("transcript.png", PNG, UploadKind.PNG),
        ("transcript.jpg", JPEG, UploadKind.JPEG),
        ("scan.pdf", PNG, UploadKind.PNG),  # the content decides, not the name
        ("no-extension", JPEG, UploadKind.JPEG),
    ],
)
def test_valid_files_are_accepted_by_content(name, content, kind):
    assert validate_upload(_upload(name, content)) is kind


def test_kind_mimetype_and_extension():
    assert [(k.mimetype, k.extension) for k in UploadKind] == [
        ("application/pdf", ".pdf"),
        ("image/png", ".png"),
        ("image/jpeg", ".jpg"),
    ]


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (PDF, UploadKind.PDF),
        (PNG[:8], UploadKind.PNG),
        (JPEG[:3], UploadKind.JPEG),
        (b"junk" + PDF, None),  # a PDF header further in does not count (polyglots)
        (b" %PDF-1.4", None),
        (b"\x89PNG", None),
        (b"", None),
    ],
)
def test_sniff_uses_magic_bytes_at_offset_zero(head, kind):
    assert sniff(head) is kind


@pytest.mark.parametrize(
    ("name", "content", "named"),
    [
        ("transcript.pdf", b"<!DOCTYPE html><script>alert(1)</script>", "HTML"),
        ("transcript.pdf", b"\xef\xbb\xbf\n  <html><body>hi</body></html>", "HTML"),
        ("transcript.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 64, "executable"),
        ("transcript.pdf", b"\x7fELF\x02\x01\x01" + b"\x00" * 64, "executable"),
        ("scan.png", b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>', "SVG"),
        ("scan.png", b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>', "SVG"),
        ("scan.jpg", b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + b"\x00" * 40, "ZIP"),
        ("scan.jpg", b"GIF89a\x04\x00\x04\x00", "GIF"),
        ("transcript.pdf", b"Grades: A, B, C\nThank you.\n", "plain text"),
        ("transcript.pdf", b"junk\n%PDF-1.4\n%%EOF\n", "extra data"),
        ("transcript.pdf", b"\x00\x01\x02\x03\xfe\xfd", "an unknown format"),
    ],
)
def test_impostors_are_refused_and_named(name, content, named):
    error = _refusal(name, content)
    assert error.code == "type"
    assert error.message.startswith("This file is not a PDF, PNG or JPEG (it looks like ")
    assert named in error.message


def test_content_type_header_is_not_trusted():
    file = _upload("transcript.pdf", b"<!doctype html><p>x</p>", content_type="application/pdf")
    with pytest.raises(ValidationError) as info:
        validate_upload(file)
    assert info.value.code == "type"


def test_empty_file_is_refused():
    error = _refusal("transcript.pdf", b"")
    assert (error.code, error.message) == ("empty", "The file is empty.")


def test_one_byte_over_the_limit_is_refused_with_its_size():
    error = _refusal("transcript.pdf", _padded_pdf(MAX_UPLOAD_BYTES + 1))
    assert error.code == "too_large"
    assert error.message == "The file is 10.1 MB; the limit is 10 MB."


def test_larger_file_reports_its_size():
    error = _refusal("transcript.pdf", _padded_pdf(int(12.3 * 1024 * 1024)))
    assert error.message == "The file is 12.3 MB; the limit is 10 MB."


def test_exactly_the_limit_is_accepted():
    assert validate_upload(_upload("big.pdf", _padded_pdf(MAX_UPLOAD_BYTES))) is UploadKind.PDF


def test_truncated_pdf_is_refused():
    error = _refusal("transcript.pdf", PDF[: PDF.index(b"%%EOF")])
    assert error.code == "corrupt"
    assert "PDF" in error.message


def test_pdf_padded_with_whitespace_or_nul_after_its_end_is_accepted():
    assert (
        validate_upload(_upload("transcript.pdf", PDF + b"\r\n" + b"\x00" * 4096)) is UploadKind.PDF
    )


def test_something_that_only_looks_like_a_pdf_is_refused():
    error = _refusal("transcript.pdf", b"%PDF-1.4\nnot really a PDF at all\n%%EOF\n")
    assert error.code == "corrupt"
    assert "PDF" in error.message


def test_a_pdf_without_pages_is_refused():
    error = _refusal("transcript.pdf", pdf_bytes(pages=0))
    assert (error.code, error.message) == ("corrupt", "This PDF has no pages.")


@pytest.mark.parametrize(
    "content",
    [
        PNG[:8] + b"garbage that is not a PNG chunk stream" * 4,
        PNG[:40],  # cut off mid-file
        JPEG[:3] + b"\x00garbage" * 16,
    ],
)
def test_damaged_images_are_refused(content):
    error = _refusal("scan.png", content)
    assert error.code == "corrupt"
    assert "damaged" in error.message


@pytest.mark.parametrize("content", [PDF, PNG, JPEG, b"<html>", b"", PDF[:20]])
def test_file_is_rewound_after_validation(content):
    file = _upload("transcript.pdf", content)
    file.read(3)
    try:
        validate_upload(file)
    except ValidationError:
        pass
    assert file.tell() == 0


def test_stored_name_is_random_and_uses_the_kind_extension():
    first, second = stored_name(UploadKind.JPEG), stored_name(UploadKind.JPEG)
    assert first != second
    prefix, shard, filename = first.split("/")
    assert prefix == "uploads"
    assert filename.startswith(shard) and len(shard) == 2
    assert filename.endswith(".jpg") and len(filename) == 32 + 4


def test_save_upload_writes_to_private_storage_under_a_random_name(tmp_path: Path):
    # tests/conftest.py points the "private" storage at tmp_path / "private".
    name, kind, size = save_upload(_upload("Jane Doe transcript.pdf", PNG))

    assert (kind, size) == (UploadKind.PNG, len(PNG))
    assert name.startswith("uploads/") and name.endswith(".png")
    assert "jane" not in name.lower() and "transcript" not in name
    assert (tmp_path / "private" / name).read_bytes() == PNG
    with storages["private"].open(name) as stored:
        assert stored.read() == PNG


def test_save_upload_writes_nothing_when_refused(tmp_path: Path):
    with pytest.raises(ValidationError):
        save_upload(_upload("transcript.pdf", b"<!DOCTYPE html><script></script>"))
    private = tmp_path / "private"
    assert not private.exists() or not any(private.rglob("*.*"))
