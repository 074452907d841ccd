"""Reading what the platform hands people: the text of a PDF (poppler's pdftotext), the QR codes
on its page (pdftoppm + zbarimg), the rows of an XLSX (openpyxl) and of a CSV. Tests assert on
the content a person would read, never on magic bytes."""

import csv
import hashlib
import io
import shutil
import subprocess
import tempfile
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from openpyxl import load_workbook
from pyld import jsonld
from pyld.documentloader.frozen import FrozenDocumentLoader


def tool(name: str) -> str:
    path = shutil.which(name)
    assert path, f"{name} is missing: install poppler-utils and zbar-tools (make sysdeps)"
    return path


def pdf_text(pdf: bytes | Path) -> str:
    """The PDF's text in reading layout, as pdftotext prints it."""
    if isinstance(pdf, bytes):
        assert pdf.startswith(b"%PDF"), pdf[:40]
        with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
            file.write(pdf)
            file.flush()
            return pdf_text(Path(file.name))
    result = subprocess.run(
        [tool("pdftotext"), "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    )
    return result.stdout


def qr_codes(pdf: Path, folder: Path) -> list[str]:
    """What a scanner reads from the PDF's page: every QR code's text."""
    subprocess.run(
        [tool("pdftoppm"), "-r", "150", "-png", "-singlefile", str(pdf), str(folder / "p")],
        check=True,
    )
    scanned = subprocess.run(
        [tool("zbarimg"), "--quiet", "--raw", str(folder / "p.png")],
        capture_output=True,
        text=True,
        check=True,
    )
    return scanned.stdout.strip().splitlines()


def xlsx_rows(data: bytes, sheet: str | None = None) -> list[list]:
    """Every row of the workbook's first (or named) sheet, as values."""
    book = load_workbook(io.BytesIO(data), read_only=True)
    rows = book[sheet] if sheet else book.worksheets[0]
    return [list(row) for row in rows.iter_rows(values_only=True)]


def csv_rows(data: bytes | str) -> list[list[str]]:
    text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
    return list(csv.reader(io.StringIO(text)))


def body(response) -> bytes:
    """A response's bytes, streaming or not."""
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


# --- Credentials, checked independently of the platform's own verifier ---------------------


def b58decode(text: str) -> bytes:
    alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
    number = 0
    for char in text:
        number = number * 58 + alphabet.index(char)
    body = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return b"\0" * (len(text) - len(text.lstrip("1"))) + body


def independent_loader() -> FrozenDocumentLoader:
    folder = Path(__file__).resolve().parents[1] / "certification" / "credentials" / "contexts"
    return FrozenDocumentLoader(
        documents={
            "https://www.w3.org/ns/credentials/v2": folder / "credentials-v2.jsonld",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": folder
            / "ob-context-3.0.3.json",
        }
    )


def urdna2015(doc: dict) -> bytes:
    options = {
        "algorithm": "URDNA2015",
        "format": "application/n-quads",
        "documentLoader": independent_loader(),
    }
    return jsonld.normalize(doc, options).encode()


def independently_verified(credential: dict, did_json: dict) -> bool:
    """vc-di-eddsa §3.2 by hand, trusting only the key the DID document lists for assertions."""
    proof = dict(credential["proof"])
    if proof["verificationMethod"] not in did_json["assertionMethod"]:
        return False
    method = next(
        m for m in did_json["verificationMethod"] if m["id"] == proof["verificationMethod"]
    )
    multikey = b58decode(method["publicKeyMultibase"][1:])
    assert multikey[:2] == b"\xed\x01"
    key = Ed25519PublicKey.from_public_bytes(multikey[2:])
    document = {k: v for k, v in credential.items() if k != "proof"}
    signature = b58decode(proof.pop("proofValue")[1:])
    proof["@context"] = document["@context"]
    data = hashlib.sha256(urdna2015(proof)).digest() + hashlib.sha256(urdna2015(document)).digest()
    try:
        key.verify(signature, data)
    except InvalidSignature:
        return False
    return True
