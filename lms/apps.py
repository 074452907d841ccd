from pathlib import Path

from django.apps import AppConfig
from django.conf import settings


class LmsConfig(AppConfig):
    name = "lms"
    verbose_name = "Platform"

    def ready(self) -> None:
        # kombu's filesystem transport needs its folders to exist before anything is enqueued.
        for folder in getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}).values():
            if isinstance(folder, str):
                Path(folder).mkdir(parents=True, exist_ok=True)
