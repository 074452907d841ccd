from celery import shared_task

from lms import clock
from lms.services import outbox_deliver, outbox_sweep


# acks_late + reject_on_worker_lost: a worker that dies mid-task leaves the message to be
# redelivered; the outbox claim makes the second run a no-op when the first one got through.
@shared_task(acks_late=True, reject_on_worker_lost=True)
def email_outbox_send(message_pk: int) -> str:
    """Send one outbox row (by id): "sent", "skipped" or "error". Safe to run twice: a sent row
    is never sent again."""
    return outbox_deliver(message_pk=message_pk)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def email_outbox_sweep() -> int:
    """Periodic: send again every outbox row still unsent after a few minutes, or whose
    sending worker died. Returns how many this run sent."""
    return outbox_sweep(now=clock.now())


@shared_task
def ping(value: str) -> dict:
    """A no-op round trip used by /healthz tooling and the worker integration test."""
    return {"echo": value}
