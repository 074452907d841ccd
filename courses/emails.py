"""The training's emails, rendered from `templates/emails/` and sent after commit."""

from django.conf import settings

from enrollment.models import Application
from lms.services import email_send


def training_complete_email_send(*, application: Application) -> None:
    """Tell the applicant every required course is complete and staff will now review it."""
    email_send(
        template="training_complete",
        to=[application.user.email],
        context={
            "application": application,
            "user": application.user,
            "site_url": settings.WAGTAILADMIN_BASE_URL,
        },
    )
