"""Reading what the platform hands people: the text of a PDF (poppler's pdftotext), the QR codes
on its page (pdftoppm + zbarimg), the rows of an XLSX (openpyxl) and of a CSV. Tests assert on
the content a person would read, never on magic bytes."""

import csv
import io
import shutil
import subprocess
import tempfile
from pathlib import Path

from openpyxl import load_workbook


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
