"""Builders for the yearly clock's tests and bench: many certifications in a few inserts."""

import secrets
from datetime import date

from certification.models import Certification, Level
from lms.models import User


def bulk_certifications(
    count: int, *, valid_through: date, issued_on: date | None = None, offset: int = 0
) -> list[Certification]:
    """`count` CM II certifications, each with its own holder, created in two bulk inserts
    (no credential: the calendar jobs never re-sign one)."""
    run = secrets.token_hex(3)
    issued_on = issued_on or date(valid_through.year - 1, 3, 1)
    users = User.objects.bulk_create(
        [
            User(email=f"holder-{run}-{i}@example.org", first_name="Holder", last_name=str(i))
            for i in range(count)
        ],
        batch_size=5000,
    )
    top = Certification.objects.order_by("-status_index").values_list("status_index", flat=True)
    start = (top.first() or 0) + 1 + offset
    return Certification.objects.bulk_create(
        [
            Certification(
                holder=user,
                holder_name=f"Holder {i}",
                level=Level.CM2,
                number=f"BHCM-T{run}-{i:06d}",
                issued_on=issued_on,
                valid_through=valid_through,
                status_index=start + i,
            )
            for i, user in enumerate(users)
        ],
        batch_size=5000,
    )
