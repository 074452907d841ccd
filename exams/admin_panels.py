"""What the exam adds to the admin home's "needs action" panel (`lms.wagtail_hooks`).
Imported by `exams/wagtail_hooks.py`."""

from __future__ import annotations

from django.urls import reverse
from wagtail import hooks

from exams.models import AccommodationRequest
from exams.models.accommodations import AccommodationStatus
from lms.wagtail_hooks import NeedsAction


@hooks.register("needs_action")
def exams_needs_action(request) -> list[NeedsAction]:
    if not request.user.has_perm("exams.decide_accommodation"):
        return []
    pending = AccommodationRequest.objects.filter(status=AccommodationStatus.PENDING).count()
    url = reverse("exam-accommodations:index") + f"?status={AccommodationStatus.PENDING}"
    return [NeedsAction("Extra-time requests", pending, url)]
