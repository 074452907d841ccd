"""Real concurrency on PostgreSQL: two attesters answer the same request at the same moment
(one confirms, the other confirms or refuses). Exactly one answer is recorded, with one
Employment row and one audit event; the other is a no-op or a clear refusal."""

import threading
from datetime import date

import pytest
from django.db import connections

from certification.models import Employment, VerificationStatus
from certification.services.verification import (
    Answer,
    verification_confirm,
    verification_refuse,
)
from enrollment.rules import RuleViolation
from lms.models import AuditEvent

pytestmark = pytest.mark.django_db(transaction=True)
ANSWER = Answer(date(2024, 3, 1), "Case manager", True)


def _race(attempts) -> list[str]:
    barrier = threading.Barrier(len(attempts))
    outcomes = [""] * len(attempts)

    def run(index, attempt):
        try:
            barrier.wait(timeout=30)
            attempt()
            outcomes[index] = "done"
        except RuleViolation as refusal:
            outcomes[index] = f"refused: {refusal}"
        except Exception as exc:  # reported in the assertion, never swallowed
            outcomes[index] = f"error: {exc!r}"
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


@pytest.mark.parametrize("second", ["confirm", "refuse"])
def test_two_attesters_answer_at_once_and_one_answer_stands(
    agency, attester, make_member, approve, second
):
    other = make_member(agency)
    request = approve(agency).verification_requests.get()

    def confirm(actor):
        return lambda: verification_confirm(
            request=request, actor=actor, answer=ANSWER, attester_name="A B", attested=True
        )

    rival = (
        confirm(other)
        if second == "confirm"
        else lambda: verification_refuse(request=request, actor=other, reason="No.")
    )
    outcomes = _race([confirm(attester), rival])
    assert not [o for o in outcomes if o.startswith("error")], outcomes
    request.refresh_from_db()
    decided = AuditEvent.objects.filter(
        object_id=str(request.pk), verb__in=["verification.confirmed", "verification.refused"]
    )
    assert decided.count() == 1
    assert Employment.objects.count() == (
        1 if request.status == VerificationStatus.CONFIRMED else 0
    )
