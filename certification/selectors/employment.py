"""Reads about employment: whether a person is confirmed as employed on a given day."""

from collections.abc import Iterable
from datetime import date

from django.db.models import Q, QuerySet

from certification.models import Employment
from lms.models import User


def _active_on(on: date) -> QuerySet[Employment]:
    """Confirmed employments at a qualifying agency that cover `on`: started on or before it,
    and not ended on or before it (an end date is the first day not employed)."""
    return Employment.objects.filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=on),
        confirmed_at__isnull=False,
        started_on__lte=on,
        agency__active=True,
    )


def employment_active_list(*, person: User, on: date) -> QuerySet[Employment]:
    """The person's confirmed employments at a qualifying agency that cover `on`."""
    return _active_on(on).filter(person=person).select_related("agency")


def is_employed_on(*, person: User, on: date) -> bool:
    """True when at least one confirmed qualifying employment covers `on` (spec section 7:
    "the person's employment with a qualifying agency is confirmed and not ended on that day")."""
    return employment_active_list(person=person, on=on).exists()


def employed_person_ids(*, person_ids: Iterable[int], on: date) -> set[int]:
    """Who among `person_ids` is employed on `on` (the same test as `is_employed_on`, in one
    query, for lists)."""
    ids = list(person_ids)
    return set(_active_on(on).filter(person_id__in=ids).values_list("person_id", flat=True))
