"""Certificate numbers stay unique when staff issue many certificates at the same moment
(PostgreSQL, one thread and connection each, real commits; the booking concurrency pattern)."""

import threading

import pytest
from django.db import connections

from certification.models import Certification
from certification.services.certificates import certification_issue
from tests.factories.certification import ready_application

pytestmark = pytest.mark.django_db(transaction=True)

PEOPLE = 12


def test_numbers_are_unique_and_consecutive_under_concurrent_issuing(settings):
    settings.WAGTAILADMIN_BASE_URL = "https://bhcm.example.org"
    applications = [ready_application() for _ in range(PEOPLE)]
    barrier = threading.Barrier(PEOPLE)
    outcomes = [""] * PEOPLE

    def issue(index, application):
        try:
            barrier.wait(timeout=30)
            outcomes[index] = certification_issue(application=application, actor=None).number
        except Exception as exc:  # reported in the assertion, never swallowed
            outcomes[index] = f"error: {exc!r}"
        finally:
            connections.close_all()

    threads = [threading.Thread(target=issue, args=(i, a)) for i, a in enumerate(applications)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)

    assert not [o for o in outcomes if o.startswith("error")], outcomes
    assert len(set(outcomes)) == PEOPLE
    numbers = sorted(Certification.objects.values_list("number", flat=True))
    assert numbers == sorted(outcomes)
    assert [int(n.rsplit("-", 1)[1]) for n in numbers] == list(range(1, PEOPLE + 1))
    indexes = Certification.objects.values_list("status_index", flat=True)
    assert len(set(indexes)) == PEOPLE
