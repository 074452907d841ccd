"""The holder's certificate PDF from /certificate/pdf/, read back like a person or scanner
would (the document tests' tools): its text holds the number and the verification URL, its QR
decodes to that URL, and the embedded credential equals /verify/<number>/credential.json."""

import subprocess
from datetime import date

import pytest

from certification.documents import credential_attachment_name
from certification.services.certificates import certification_issue
from lms import clock
from tests.factories.certification import ready_application
from tests.readers import pdf_text, qr_codes, tool

pytestmark = pytest.mark.django_db

BASE = "https://bhcm.example.org"


@pytest.fixture
def downloaded(client, cert_staff, settings, tmp_path):
    settings.WAGTAILADMIN_BASE_URL = BASE
    with clock.frozen_at(date(2026, 3, 10)):
        certification = certification_issue(application=ready_application(), actor=cert_staff)
    client.force_login(certification.holder)
    response = client.get("/certificate/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f'filename="{certification.number}.pdf"' in response["Content-Disposition"]
    path = tmp_path / "certificate.pdf"
    path.write_bytes(response.content)
    return certification, path


def test_pdf_text_qr_and_embedded_credential(client, downloaded, tmp_path):
    certification, pdf = downloaded
    verify_url = f"{BASE}/verify/{certification.number}/"
    text = pdf_text(pdf)
    assert certification.number in text and verify_url in text
    assert "Dana Whitehorse" in text and "June 30, 2027" in text

    assert qr_codes(pdf, tmp_path) == [verify_url]

    listing = subprocess.run(
        [tool("pdfdetach"), "-list", str(pdf)], capture_output=True, text=True, check=True
    )
    assert credential_attachment_name(certification.number) in listing.stdout
    target = tmp_path / "embedded.json"
    subprocess.run([tool("pdfdetach"), "-save", "1", "-o", str(target), str(pdf)], check=True)
    published = client.get(f"/verify/{certification.number}/credential.json").content
    assert target.read_bytes() == published
