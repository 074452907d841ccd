"""Builders for the yearly clock's tests and bench: many certifications in a few inserts."""

import secrets
from datetime import date

from certification.models import Certification, Level
from lms.models import User


def bulk_certifications(
    count: int,
    *,
    valid_through: date,
    issued_on: date | None = None,
    offset: int = 0,
    applications=None,
    level: str = Level.CM2,
) -> list[Certification]:
    """`count` certifications (CM II unless `level` says), each with its own holder, created in
    two bulk inserts (no credential: the calendar jobs never re-sign one). Given saved
    `applications`, their applicants are the holders and each certificate is its application's."""
    run = secrets.token_hex(3)
    issued_on = issued_on or date(valid_through.year - 1, 3, 1)
    if applications is None:
        users = User.objects.bulk_create(
            [
                User(email=f"holder-{run}-{i}@example.org", first_name="Holder", last_name=str(i))
                for i in range(count)
            ],
            batch_size=5000,
        )
    else:
        users = [application.user for application in applications]
    top = Certification.objects.order_by("-status_index").values_list("status_index", flat=True)
    start = (top.first() or 0) + 1 + offset
    return Certification.objects.bulk_create(
        [
            Certification(
                holder=user,
                holder_name=f"{user.first_name} {user.last_name}",
                level=level,
                number=f"BHCM-T{run}-{i:06d}",
                application=applications[i] if applications is not None else None,
                issued_on=issued_on,
                valid_through=valid_through,
                status_index=start + i,
            )
            for i, user in enumerate(users)
        ],
        batch_size=5000,
    )
