"""Who may see and open which course: the viewer read once per request, and their access to a
course, module or lesson. Every read here is scoped to the person asking."""

from dataclasses import dataclass

from courses.models import CoursePage
from enrollment.models import Application, ApplicationStatus
from enrollment.selectors.applications import can_apply
from lms.models import User
from lms.roles import Capability, can

S = ApplicationStatus

# Training is open from approval on, through every later step (spec section 3, step 4).
TRAINING_STATUSES = frozenset(
    {
        S.APPROVED,
        S.TRAINING_COMPLETE,
        S.TRAINING_APPROVED,
        S.CLASSROOM_COMPLETE,
        S.EXAM_PASSED,
        S.EMPLOYMENT_VERIFIED,
        S.CERTIFIED,
    }
)
PENDING_STATUSES = frozenset({S.DRAFT, S.SUBMITTED, S.RETURNED})

REASON_SIGN_IN = "Sign in to open the lessons."
REASON_AWAITING_APPROVAL = "Opens when your application is approved."
REASON_NOT_APPLICANT = "Lessons open to applicants whose application is approved."
REASON_OTHER_TRACK = "Your track does not require this course."


# --- Who is asking ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Viewer:
    """What `course_access` needs to know about a person, read once per request."""

    is_authenticated: bool = False
    is_staff: bool = False  # certification staff, content editors, superusers: everything
    is_applicant: bool = False  # may apply (no staff or agency role)
    training: Application | None = None  # approved or later: lessons open on its track
    pending: Application | None = None  # draft, submitted or returned: outlines only


@dataclass(frozen=True)
class CourseAccess:
    can_open: bool
    reason: str = ""
    application: Application | None = None  # the application progress is recorded against
    can_see: bool = True  # False: the course is not in this person's catalogue (404)


def training_application_for(user: User) -> Application | None:
    """The user's newest application that is approved or later (and not expired or denied)."""
    if not user.is_authenticated:
        return None
    return (
        Application.objects.filter(user=user, status__in=TRAINING_STATUSES)
        .select_related("user")
        .order_by("-created_at", "-pk")
        .first()
    )


def viewer_get(user: User) -> Viewer:
    if not user.is_authenticated:
        return Viewer()
    if can(user, Capability.ALL_APPLICANT_RECORDS) or can(user, Capability.CURRICULA):
        return Viewer(is_authenticated=True, is_staff=True)
    if not can_apply(user):
        return Viewer(is_authenticated=True)
    pending = (
        Application.objects.filter(user=user, status__in=PENDING_STATUSES)
        .order_by("-created_at", "-pk")
        .first()
    )
    return Viewer(
        is_authenticated=True,
        is_applicant=True,
        training=training_application_for(user),
        pending=pending,
    )


def course_access(user: User, course: CoursePage, *, viewer: Viewer | None = None) -> CourseAccess:
    """Whether `user` may see `course` in the catalogue and open its lessons.

    Staff open everything. An applicant opens the courses their approved application's track
    requires; before approval they see those outlines only; courses their track does not
    require are hidden. Anonymous visitors, trainers and agency users see the catalogue only.
    """
    viewer = viewer or viewer_get(user)
    if viewer.is_staff:
        return CourseAccess(can_open=True)
    if not viewer.is_authenticated:
        return CourseAccess(can_open=False, reason=REASON_SIGN_IN)
    if not viewer.is_applicant:
        return CourseAccess(can_open=False, reason=REASON_NOT_APPLICANT)
    tracks = set(course.tracks or ())
    if viewer.training is not None and viewer.training.track in tracks:
        return CourseAccess(can_open=True, application=viewer.training)
    if viewer.pending is not None and viewer.pending.track in tracks:
        return CourseAccess(can_open=False, reason=REASON_AWAITING_APPROVAL)
    if viewer.training is not None or viewer.pending is not None:
        return CourseAccess(can_open=False, reason=REASON_OTHER_TRACK, can_see=False)
    # No live application (none yet, or only expired or denied ones): the public catalogue.
    return CourseAccess(can_open=False, reason=REASON_AWAITING_APPROVAL)


def course_for(page) -> CoursePage | None:
    """The course a module or lesson belongs to (the course itself for a course)."""
    if isinstance(page, CoursePage):
        return page
    if not page.pk or not page.path:
        return None
    return CoursePage.objects.ancestor_of(page).first()


def lesson_access(user: User, page) -> tuple[CoursePage | None, CourseAccess]:
    """The course of a module or lesson page and `user`'s access to it. A page outside any
    course (an unsaved page in a preview) is for staff only."""
    course = course_for(page)
    if course is None:
        staff = viewer_get(user).is_staff
        return None, CourseAccess(can_open=staff, can_see=staff)
    return course, course_access(user, course)
