"""The certificate PDF, read back the way a person or a scanner would: its text (pdftotext), its
QR code (pdftoppm + zbarimg) and its embedded credential (pdfdetach), all from Debian's
poppler-utils and zbar-tools (`make sysdeps`). No database is needed."""

import json
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from certification.credentials.did import did_web, verification_method_id
from certification.credentials.openbadge import (
    credential_to_json,
    issue_openbadge_credential,
    verify_page_url,
)
from certification.credentials.proof import proof_verify
from certification.credentials.status_list import status_list_entry
from certification.documents import certificate_pdf, credential_attachment_name
from tests.readers import pdf_text, qr_codes, tool

BASE = "https://bhcm.example.org"
NUMBER = "BHCM-2026-000123"
VERIFY_URL = verify_page_url(BASE, NUMBER)


@pytest.fixture(scope="module")
def issuer_key():
    return Ed25519PrivateKey.generate()


@pytest.fixture(scope="module")
def credential_text(issuer_key):
    did = did_web(BASE)
    credential = issue_openbadge_credential(
        private_key=issuer_key,
        verification_method=verification_method_id(did),
        created=datetime(2026, 2, 1, 15, 30, tzinfo=UTC),
        number=NUMBER,
        holder_name="Dana Whitehorse",
        level="CM II",
        issued_on=date(2026, 2, 1),
        valid_through=date(2027, 6, 30),
        endorsements=["Intensive Case Manager", "Wraparound Facilitator"],
        issuer_did=did,
        base_url=BASE,
        status_entries=[
            status_list_entry(list_url=f"{BASE}/credentials/status/{p}", index=77, purpose=p)
            for p in ("suspension", "revocation")
        ],
    )
    return credential_to_json(credential)


def _pdf(credential_text: str, **overrides) -> bytes:
    data = {
        "name": "Dana Whitehorse",
        "number": NUMBER,
        "level": "CM II",
        "issued_on": date(2026, 2, 1),
        "valid_through": date(2027, 6, 30),
        "endorsements": ["Intensive Case Manager", "Wraparound Facilitator"],
        "verify_url": VERIFY_URL,
        "credential_json": credential_text,
    }
    return certificate_pdf(**{**data, **overrides})


@pytest.fixture(scope="module")
def pdf_file(credential_text, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("certificate") / "certificate.pdf"
    path.write_bytes(_pdf(credential_text))
    return path


def test_pdf_text_shows_the_certificate(pdf_file):
    text = pdf_text(pdf_file)
    for expected in [
        "Dana Whitehorse",
        NUMBER,
        "Behavioral Health Case Manager II (CM II)",
        "February 1, 2026",
        "June 30, 2027",
        "Intensive Case Manager",
        "Wraparound Facilitator",
        VERIFY_URL,
    ]:
        assert expected in text, expected
    info = subprocess.run([tool("pdfinfo"), str(pdf_file)], capture_output=True, text=True)
    assert "Pages:           1" in info.stdout


def test_qr_code_decodes_to_the_printed_verification_url(pdf_file, tmp_path):
    assert qr_codes(pdf_file, tmp_path) == [VERIFY_URL]


def test_embedded_attachment_is_the_signed_credential(
    pdf_file, credential_text, issuer_key, tmp_path
):
    listing = subprocess.run(
        [tool("pdfdetach"), "-list", str(pdf_file)], capture_output=True, text=True, check=True
    )
    assert f"1: {credential_attachment_name(NUMBER)}" in listing.stdout
    assert "1 embedded files" in listing.stdout
    target = tmp_path / "extracted.json"
    subprocess.run([tool("pdfdetach"), "-save", "1", "-o", str(target), str(pdf_file)], check=True)
    assert target.read_bytes() == credential_text.encode("utf-8")
    extracted = json.loads(target.read_text())
    assert extracted["credentialSubject"]["licenseNumber"] == NUMBER
    assert proof_verify(extracted, public_key=issuer_key.public_key())


def test_without_endorsements_the_page_says_none(credential_text, tmp_path):
    path = tmp_path / "plain.pdf"
    path.write_bytes(_pdf(credential_text, endorsements=[], level="CM I"))
    text = pdf_text(path)
    assert "Endorsements" in text and "None" in text
    assert "Behavioral Health Case Manager I (CM I)" in text


def test_the_pdf_is_reproducible(credential_text):
    assert _pdf(credential_text) == _pdf(credential_text)


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"level": "CM III"}, "Unknown level"),
        ({"valid_through": date(2025, 6, 30)}, "end before"),
        ({"verify_url": "javascript:alert(1)"}, "http"),
    ],
)
def test_bad_input_is_refused(credential_text, overrides, message):
    with pytest.raises(ValueError, match=message):
        _pdf(credential_text, **overrides)
