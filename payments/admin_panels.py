"""What payments add to the admin home's "needs action" panel (`lms.wagtail_hooks`).
Imported by `payments/wagtail_hooks.py`."""

from __future__ import annotations

from django.urls import reverse
from wagtail import hooks

from lms.wagtail_hooks import NeedsAction
from payments.models import Payment


@hooks.register("needs_action")
def payments_needs_action(request) -> list[NeedsAction]:
    if not request.user.has_perm("payments.view_payment"):
        return []
    flagged = Payment.objects.filter(flagged=True).count()
    return [
        NeedsAction("Flagged payments", flagged, reverse("payments_admin:index") + "?flagged=true")
    ]
