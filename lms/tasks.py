from celery import shared_task

from lms import clock
from lms.services import outbox_deliver, outbox_due


# acks_late + reject_on_worker_lost: a worker that dies mid-task leaves the message to be
# redelivered; the outbox claim makes the second run a no-op when the first one got through.
@shared_task(acks_late=True, reject_on_worker_lost=True)
def email_outbox_send(message_pk: int) -> bool:
    """Send one outbox row (by id). Safe to run twice: a sent row is never sent again."""
    return outbox_deliver(message_pk=message_pk)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def email_outbox_sweep() -> int:
    """Periodic: send again every outbox row still unsent after a few minutes, or whose
    sending worker died. Returns how many this run sent."""
    return sum(outbox_deliver(message_pk=pk) for pk in outbox_due(now=clock.now()))


@shared_task
def ping(value: str) -> dict:
    """A no-op round trip used by /healthz tooling and the worker integration test."""
    return {"echo": value}
