import base64

from celery import shared_task
from django.core.mail import EmailMultiAlternatives


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def email_deliver(
    *, subject: str, text: str, html: str, to: list[str], attachments: list[tuple[str, str, str]]
) -> None:
    """Send one rendered email (plain text with an HTML alternative)."""
    message = EmailMultiAlternatives(subject=subject, body=text, to=to)
    message.attach_alternative(html, "text/html")
    for filename, content_b64, mimetype in attachments:
        message.attach(filename, base64.b64decode(content_b64), mimetype)
    message.send()


@shared_task
def ping(value: str) -> dict:
    """A no-op round trip used by /healthz tooling and the worker integration test."""
    return {"echo": value}
