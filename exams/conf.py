"""The exam's tunables that are not business policy (policy lives on ExamDefinition)."""

from django.conf import settings

# Answers saved up to this long after the deadline still count: it absorbs network latency.
SAVE_GRACE_SECONDS = 30
# An item whose discrimination index is below this is flagged as dubious.
DUBIOUS_DISCRIMINATION = 0.2


def save_grace_seconds() -> int:
    """`EXAM_SAVE_GRACE_SECONDS` from settings when set, else SAVE_GRACE_SECONDS."""
    return int(getattr(settings, "EXAM_SAVE_GRACE_SECONDS", SAVE_GRACE_SECONDS))
