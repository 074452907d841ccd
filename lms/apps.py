from pathlib import Path

from django.apps import AppConfig
from django.conf import settings


class LmsConfig(AppConfig):
    name = "lms"
    verbose_name = "Platform"

    def ready(self) -> None:
        from lms import account_audit

        account_audit.connect()
        # kombu's filesystem transport needs its folders to exist before anything is enqueued.
        folders = list(getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}).values())
        backend = getattr(settings, "CELERY_RESULT_BACKEND", None) or ""
        if backend.startswith("file://"):
            folders.append(backend.removeprefix("file://"))
        for folder in folders:
            if isinstance(folder, str):
                Path(folder).mkdir(parents=True, exist_ok=True)
