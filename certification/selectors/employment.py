"""Reads about employment: whether a person is confirmed as employed on a given day."""

from datetime import date

from django.db.models import Q, QuerySet

from certification.models import Employment
from lms.models import User


def employment_active_list(*, person: User, on: date) -> QuerySet[Employment]:
    """The person's confirmed employments at a qualifying agency that cover `on`: started on
    or before it, and not ended on or before it (an end date is the first day not employed)."""
    return Employment.objects.filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=on),
        person=person,
        confirmed_at__isnull=False,
        started_on__lte=on,
        agency__active=True,
    ).select_related("agency")


def is_employed_on(*, person: User, on: date) -> bool:
    """True when at least one confirmed qualifying employment covers `on` (spec section 7:
    "the person's employment with a qualifying agency is confirmed and not ended on that day")."""
    return employment_active_list(person=person, on=on).exists()
