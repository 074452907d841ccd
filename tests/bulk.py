"""Many rows at once, for the query-count tests of sweeps and lists (factories make one row
at a time; these make a thousand in a few statements)."""

import itertools

from enrollment.models import Application
from lms.models import User
from tests.factories import ApplicationFactory

_batch = itertools.count()


def bulk_applications(n: int, **fields) -> list[Application]:
    """`n` applications like one ApplicationFactory(**fields), each with its own person."""
    template = ApplicationFactory(**fields)
    tag = next(_batch)
    users = User.objects.bulk_create(
        User(email=f"bulk{tag}-{i}@example.org", first_name=f"Person{i}") for i in range(n - 1)
    )
    values = {
        f.attname: getattr(template, f.attname)
        for f in Application._meta.concrete_fields
        if not f.primary_key and f.name != "user"
    }
    return [
        template,
        *Application.objects.bulk_create(Application(**values, user=u) for u in users),
    ]
