"""What enrollment adds to the admin home's "needs action" panel (`lms.wagtail_hooks`): each
item a count and a link to the filtered list. Imported by `enrollment/wagtail_hooks.py`."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from wagtail import hooks

from enrollment.models import Application, ApplicationStatus, ClassroomSession, SessionStatus
from lms import clock
from lms.wagtail_hooks import NeedsAction

# A submitted application that staff returned before (a return stamps `decided_at`; approval
# and denial move it out of "submitted").
RESUBMITTED = Q(status=ApplicationStatus.SUBMITTED, decided_at__isnull=False)


def sessions_to_lock_q(today) -> Q:
    """Held (today or before), not cancelled, attendance not yet locked."""
    return Q(date__lte=today, status=SessionStatus.SCHEDULED, attendance_locked_at__isnull=True)


@hooks.register("needs_action")
def enrollment_needs_action(request) -> list[NeedsAction]:
    user = request.user
    items: list[NeedsAction] = []
    if user.has_perm("enrollment.view_application"):
        listing = reverse("applications:index")
        apps = Application.objects.all()
        items += [
            NeedsAction(
                "Applications awaiting review",
                apps.filter(status=ApplicationStatus.SUBMITTED).count(),
                f"{listing}?status={ApplicationStatus.SUBMITTED}",
            ),
            NeedsAction(
                "Resubmitted after return",
                apps.filter(RESUBMITTED).count(),
                f"{listing}?resubmitted=true",
            ),
            NeedsAction(
                "Training awaiting approval",
                apps.filter(status=ApplicationStatus.TRAINING_COMPLETE).count(),
                f"{listing}?status={ApplicationStatus.TRAINING_COMPLETE}",
            ),
        ]
    if user.has_perm("enrollment.change_classroomsession"):
        items.append(
            NeedsAction(
                "Sessions to lock",
                ClassroomSession.objects.filter(sessions_to_lock_q(clock.today())).count(),
                reverse("classroom-sessions:index") + "?to_lock=true",
            )
        )
    return items
