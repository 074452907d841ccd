"""Connections to the rest of the platform: lesson publishing and application expiry.

Receivers only route to services; the rules live there.
"""

from enrollment.services.applications import classroom_complete_hook
from enrollment.services.expiry import expiry_hook
from exams.services.attempts import attempt_pass_apply, attempts_close_for_expired
from exams.services.bank import items_flag_for_lesson


def lesson_published(sender, instance, revision=None, **kwargs) -> None:
    """A lesson (courses.LessonPage) was published: its linked active items need review."""
    actor = getattr(revision, "user", None) if revision is not None else None
    items_flag_for_lesson(lesson=instance, actor=actor)


def connect() -> None:
    from wagtail.signals import page_published

    from courses.models import LessonPage

    page_published.connect(
        lesson_published, sender=LessonPage, dispatch_uid="exams-lesson-published"
    )
    expiry_hook(attempts_close_for_expired)
    classroom_complete_hook(attempt_pass_apply)
