"""The receipt of a paid payment, as the page shows it and as a PDF (WeasyPrint)."""

from typing import Any

from django.conf import settings
from django.template.loader import render_to_string

from lms import clock
from payments.models import Payment
from payments.selectors import payer_name, provider_reference

PROVIDER_LABELS = {"stripe": "Stripe", "fake": "Test provider"}


def receipt_context(payment: Payment) -> dict[str, Any]:
    """What every rendering of a receipt shows."""
    return {
        "payment": payment,
        "application": payment.application,
        "person": payer_name(payment),
        "items": list(payment.items.order_by("pk")),
        "paid_at": payment.paid_at.astimezone(clock.LOCAL_TZ) if payment.paid_at else None,
        "reference": provider_reference(payment),
        "provider_label": PROVIDER_LABELS.get(payment.provider, payment.provider),
        "platform_name": settings.WAGTAIL_SITE_NAME,
    }


def receipt_pdf(payment: Payment, *, base_url: str) -> bytes:
    """The receipt as PDF bytes."""
    from weasyprint import HTML  # heavy; only the PDF view needs it

    html = render_to_string("payments/receipt_pdf.html", receipt_context(payment))
    return HTML(string=html, base_url=base_url).write_pdf()
