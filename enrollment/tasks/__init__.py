"""Enrollment's Celery tasks, by sub-domain; imported here so the Celery app's autodiscovery
(which imports `enrollment.tasks`) registers them all. Each keeps its scheduled name (`name=`)."""

from enrollment.tasks import applications, classroom  # noqa: F401
