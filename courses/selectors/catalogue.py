"""The course catalogue: the live courses a person may see, with their progress."""

from dataclasses import dataclass

from courses.models import DAY_CHOICES, TRACK_CHOICES, CoursePage
from courses.selectors.access import CourseAccess, course_access, viewer_get
from courses.selectors.progress import Progress, course_is_completed, course_progress
from lms.models import User


@dataclass(frozen=True)
class CourseCard:
    course: CoursePage
    access: CourseAccess
    progress: Progress | None  # None when nothing is recorded for this viewer
    completed: bool = False

    @property
    def track_labels(self) -> list[str]:
        return track_labels(self.course)


def track_labels(course: CoursePage) -> list[str]:
    return [label for value, label in TRACK_CHOICES if value in (course.tracks or ())]


def day_labels(course: CoursePage) -> list[str]:
    return [label for value, label in DAY_CHOICES if value in (course.classroom_days or ())]


def course_list_for(user: User, *, under=None) -> list[CourseCard]:
    """The live courses `user` may see (under the training index `under`, if given), in tree
    order, with the viewer's progress where they have an application on the course."""
    viewer = viewer_get(user)
    courses = CoursePage.objects.live().order_by("path")
    if under is not None:
        courses = courses.descendant_of(under)
    cards = []
    for course in courses:
        access = course_access(user, course, viewer=viewer)
        if not access.can_see:
            continue
        progress = completed = None
        if access.application is not None:
            progress = course_progress(access.application, course)
            completed = course_is_completed(access.application, course)
        cards.append(CourseCard(course, access, progress, bool(completed)))
    return cards
