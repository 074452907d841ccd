import logging
from pathlib import Path

from django.apps import AppConfig
from django.conf import settings


class LmsConfig(AppConfig):
    name = "lms"
    verbose_name = "Platform"

    def ready(self) -> None:
        from allauth.mfa.signals import authenticator_added

        from lms import account_audit, clock
        from lms.middleware import mark_activated_here

        account_audit.connect()
        authenticator_added.connect(mark_activated_here, dispatch_uid="lms.mfa.activated_here")
        if settings.LMS_CLOCK_START:  # dev and bench settings only (production refuses it)
            clock.run_from(settings.LMS_CLOCK_START)
            logging.getLogger(__name__).warning(
                "The clock is moved (LMS_CLOCK_START=%s): it reads %s.",
                settings.LMS_CLOCK_START,
                clock.now().isoformat(timespec="seconds"),
            )
        # kombu's filesystem transport needs its folders to exist before anything is enqueued.
        folders = list(getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}).values())
        backend = getattr(settings, "CELERY_RESULT_BACKEND", None) or ""
        if backend.startswith("file://"):
            folders.append(backend.removeprefix("file://"))
        for folder in folders:
            if isinstance(folder, str):
                Path(folder).mkdir(parents=True, exist_ok=True)
