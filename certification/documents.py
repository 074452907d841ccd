"""The printable certificate: a one-page PDF (WeasyPrint) with a QR code to the public page and
the signed credential embedded as a file attachment.

Invariants: the page shows the name as certified, the certificate number, level, issue date,
valid-through date and endorsements; the QR code encodes exactly `verify_url`, which is also
printed beneath it; the attachment's bytes are exactly `credential_json`, so a holder can hand
the PDF to anyone who checks the credential offline. The PDF is reproducible: its dates are the
issue date, not the moment it was rendered.
"""

from collections.abc import Sequence
from datetime import date, datetime, time
from io import BytesIO

import segno
from django.template.loader import render_to_string

from certification.credentials.openbadge import LEVELS, LOCAL_TZ

TEMPLATE = "certification/certificate_pdf.html"


def credential_attachment_name(number: str) -> str:
    """The file name the signed credential carries inside the PDF."""
    return f"{number}-credential.json"


def verify_qr_data_uri(verify_url: str) -> str:
    """An SVG QR code (error correction M, 4-module quiet zone) for `verify_url`, as a data URI."""
    return segno.make(verify_url, error="m", micro=False).svg_data_uri(scale=4, border=4)


def certificate_pdf(
    *,
    name: str,
    number: str,
    level: str,
    issued_on: date,
    valid_through: date,
    endorsements: Sequence[str],
    verify_url: str,
    credential_json: str | bytes,
) -> bytes:
    """The certificate as PDF bytes.

    `credential_json` is the signed credential exactly as it is published (text or UTF-8 bytes).
    Raises ValueError for an unknown level, reversed dates or a verify URL that is not http(s).
    """
    if level not in LEVELS:
        raise ValueError(f"Unknown level {level!r}; use one of {', '.join(LEVELS)}.")
    if valid_through < issued_on:
        raise ValueError("A certification cannot end before it is issued.")
    if not verify_url.startswith(("https://", "http://")):
        raise ValueError("The verification URL must be an http(s) address.")
    from weasyprint import HTML, Attachment  # heavy; only PDF rendering needs it

    payload = (
        credential_json.encode("utf-8") if isinstance(credential_json, str) else credential_json
    )
    issued_at = datetime.combine(issued_on, time.min, tzinfo=LOCAL_TZ)
    html = render_to_string(
        TEMPLATE,
        {
            "name": name,
            "number": number,
            "level": level,
            "title": LEVELS[level][1],
            "issued_on": issued_on,
            "valid_through": valid_through,
            "endorsements": list(endorsements),
            "verify_url": verify_url,
            "qr_src": verify_qr_data_uri(verify_url),
            "attachment_name": credential_attachment_name(number),
            "created": issued_at.isoformat(),
        },
    )
    attachment = Attachment(
        file_obj=BytesIO(payload),
        name=credential_attachment_name(number),
        description="Signed Open Badges 3.0 credential (W3C VC 2.0, eddsa-rdfc-2022)",
        created=issued_at,
        modified=issued_at,
        relationship="Data",
    )
    return HTML(string=html).write_pdf(attachments=[attachment])


SUMMARY_TEMPLATE = "certification/renewal/summary_pdf.html"
AUDIT_NOTICE = (
    "You have been randomly selected to send in the documentation of all listed CEUs: you "
    "must send copies of each CEU training listed with this renewal (upload a certificate or "
    "an official transcript for each on your renewal page)."
)


def renewal_summary_pdf(*, renewal, sections, ceus, fee) -> bytes:
    """The Renewal Summary Form as PDF bytes: the profile sections as submitted, the CEUs, the
    fee, the audit notice when the renewal was drawn (with the draw's hash), and the electronic
    signature (typed name, attestation, time). Reproducible: it shows stored values only."""
    from weasyprint import HTML  # heavy; only PDF rendering needs it

    html = render_to_string(
        SUMMARY_TEMPLATE,
        {
            "renewal": renewal,
            "certification": renewal.certification,
            "sections": sections,
            "ceus": ceus,
            "fee": fee,
            "audit_notice": AUDIT_NOTICE if renewal.audit_selected else "",
            "signed_at": renewal.signed_at.astimezone(LOCAL_TZ) if renewal.signed_at else None,
        },
    )
    return HTML(string=html).write_pdf()
