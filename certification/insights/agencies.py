"""Agencies: per qualifying agency, its case managers who may bill T1017 today, their renewals
still outstanding this year, and its employment verifications waiting. One query."""

from datetime import date

from django.db.models import Count, Q

from certification.insights.season import in_force
from certification.models import Certification
from certification.models.verification import OPEN
from enrollment.models import QualifyingAgency


def active_holders(today: date):
    """Holders of a certificate active today (spec: active through its valid-through date)."""
    return Certification.objects.filter(
        in_force(today), issued_on__lte=today, valid_through__gte=today
    ).values("holder_id")


def outstanding_holders(today: date):
    """Holders whose certificate is due this year and not renewed yet (valid through Jun 30 of
    this year, issued before it): open until Jun 30, late (suspended) until Dec 31."""
    return Certification.objects.filter(
        in_force(today),
        issued_on__lt=date(today.year, 1, 1),
        valid_through=date(today.year, 6, 30),
    ).values("holder_id")


def agency_rows(today: date) -> list[dict]:
    employed = (
        (Q(employments__ended_on__isnull=True) | Q(employments__ended_on__gt=today))
        & Q(employments__confirmed_at__isnull=False)
        & Q(employments__started_on__lte=today)
    )
    return list(
        QualifyingAgency.objects.filter(active=True)
        .values("pk", "name")
        .annotate(
            may_bill=Count(
                "employments__person",
                filter=employed & Q(employments__person__in=active_holders(today)),
                distinct=True,
            ),
            outstanding=Count(
                "employments__person",
                filter=employed & Q(employments__person__in=outstanding_holders(today)),
                distinct=True,
            ),
            pending=Count(
                "verification_requests",
                filter=Q(verification_requests__status__in=OPEN),
                distinct=True,
            ),
        )
        .order_by("name")
    )
