from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Literal

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.formats import date_format, time_format
from django.utils.text import capfirst
from wagtail import hooks

from enrollment.models import (
    Application,
    ApplicationStatus,
    ApplicationUpload,
    Attendance,
    CertificationPolicy,
    EmployeeConfirmation,
    Registration,
    RegistrationStatus,
)
from enrollment.models.applications import FINAL
from enrollment.rules import Policy, Track, required_days
from enrollment.sections import SECTIONS
from enrollment.selfcheck import describe_track
from lms import clock
from lms.models import AuditEvent, User
from lms.roles import Role, is_staff_role, roles_of


def policy_get() -> Policy:
    """The rules' policy as certification staff have set it (spec defaults until changed)."""
    row = CertificationPolicy.load()
    return Policy(
        day_fee=row.day_fee,
        reapplication_fee=row.reapplication_fee,
        renewal_fee=row.renewal_fee,
        late_fee=row.late_fee,
        application_valid_months=row.application_valid_months,
        reapply_wait_days=row.reapply_wait_days,
        ceu_total_hours=row.ceu_total_hours,
        ceu_ethics_hours=row.ceu_ethics_hours,
        ceu_strengths_hours=row.ceu_strengths_hours,
        audit_rate=row.audit_rate_percent / Decimal(100),
        waitlist_offer_hours=row.waitlist_offer_hours,
        expiry_reminder_days=tuple(
            sorted((int(d) for d in row.expiry_reminder_days.split(",") if d.strip()), reverse=True)
        ),
        session_reminder_days=row.session_reminder_days,
    )


def application_field_label(field: str) -> str:
    """The label a person reads for an application field (or a pseudo-field)."""
    from enrollment.models import Application
    from enrollment.sections import DEGREE, TRANSCRIPT

    if field == TRANSCRIPT:
        return "Transcript"
    if field == DEGREE:
        return "Degree field"
    return capfirst(str(Application._meta.get_field(field).verbose_name))


# --- The applicant's side: every read below is scoped to the person asking. ---------------------


def can_apply(user: User) -> bool:
    """Whether `user` may apply: an Applicant, or a signed-in person with no role who is not staff.

    Staff roles, agency accounts, Django staff and superusers apply with a personal account.
    """
    if not user.is_authenticated or user.is_staff or is_staff_role(user):
        return False
    roles = roles_of(user)
    return not roles or Role.APPLICANT in roles


def application_get_for_user(*, user: User, pk: int) -> Application | None:
    """The application `pk` when `user` owns it, else None. Nobody else sees it here, certification
    staff included: they review applications in the Wagtail admin."""
    if not user.is_authenticated:
        return None
    return Application.objects.filter(user=user, pk=pk).select_related("degree", "agency").first()


def application_current_for_user(*, user: User) -> Application | None:
    """The application the dashboard follows: the newest one still open, else the newest one."""
    if not user.is_authenticated:
        return None
    mine = Application.objects.filter(user=user).order_by("-created_at", "-pk")
    return mine.exclude(status__in=FINAL).first() or mine.first()


def application_uploads_list(*, application: Application) -> QuerySet[ApplicationUpload]:
    """The documents uploaded to `application`, oldest first."""
    return application.uploads.order_by("uploaded_at", "pk")


def application_upload_get_for_user(
    *, user: User, application_pk: int, upload_pk: int
) -> ApplicationUpload | None:
    """An upload, for its owner or for someone who may see every upload (certification staff);
    None for everyone else."""
    if not user.is_authenticated:
        return None
    uploads = ApplicationUpload.objects.filter(application_id=application_pk, pk=upload_pk)
    if not user.has_perm("enrollment.view_applicationupload"):
        uploads = uploads.filter(application__user=user)
    return uploads.first()


def application_answers(application: Application) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """(section key, title, [(label, answer as text)]) in `SECTIONS` order, for the read-only view
    of an application that can no longer change."""
    result = []
    for section in SECTIONS:
        rows = [
            (application_field_label(name), _answer_text(application, name))
            for name in section.fields
            if name != "cm1_certificate_number" or application.track == Track.CM1_UPGRADE
        ]
        result.append((section.key, section.title, rows))
    return result


def _answer_text(application: Application, name: str) -> str:
    value = getattr(application, name)
    if application._meta.get_field(name).choices:
        return getattr(application, f"get_{name}_display")() or "—"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if value is None or value == "":
        return "—"
    if isinstance(value, date):
        return date_format(value, "F j, Y")
    return str(value)


def days_label(days: tuple[int, ...]) -> str:
    """Classroom days as a person reads them: "Day 2, Day 3 and Day 4"."""
    names = [f"Day {day}" for day in days]
    if len(names) < 2:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def track_options_list() -> list[dict]:
    """Every track a person may apply under (CM III is not one), with days and current fees."""
    policy = policy_get()
    options = []
    for track in Track:
        option = describe_track(track, policy=policy)
        options.append(option | {"days_label": days_label(option["days"])})
    return options


# --- The nine steps of spec section 3, for the dashboard. -----------------------------------------

StepState = Literal["done", "current", "locked"]
S = ApplicationStatus


@dataclass(frozen=True)
class Step:
    number: int
    title: str
    state: StepState
    detail: str = ""
    action_url: str = ""
    action_label: str = ""
    items: tuple[str, ...] = ()


STEP_TITLES = (
    "Account",
    "Application",
    "Staff review",
    "Web-based training",
    "Classroom registration",
    "Attendance",
    "Competency exam",
    "Verification of employment",
    "Certification",
)
# The step a status is working on; the steps before it are done. 10: every step is done.
_CURRENT_STEP = {
    S.DRAFT: 2,
    S.SUBMITTED: 3,
    S.RETURNED: 3,
    S.APPROVED: 4,
    S.TRAINING_COMPLETE: 4,
    S.TRAINING_APPROVED: 5,
    S.CLASSROOM_COMPLETE: 7,
    S.EXAM_PASSED: 8,
    S.EMPLOYMENT_VERIFIED: 9,
    S.CERTIFIED: 10,
}
_LOCKED_WHY = {
    3: "Opens once you submit your application",
    4: "Opens once your application is approved",
    5: "Opens when the web-based training is complete and approved",
    6: "Opens once you have booked your classroom days; the trainer marks attendance each day",
    7: "Opens once you have attended every required classroom day",
    8: "Opens once you have passed the competency exam",
    9: "Opens once a qualifying agency has verified your employment",
}
TRAINING_URL = "/training/"


def _current_detail(application: Application | None, facts: "_Facts") -> tuple[str, str, str]:
    """(detail, action url, action label) of the step the application is working on."""
    if application is None:
        return (
            "Answer a few questions to find your track, then start your application.",
            reverse("enrollment:selfcheck"),
            "Find your track",
        )
    status = S(application.status)
    # These two ask other apps (training progress, the exam) and only for their own status.
    if status is S.APPROVED:
        return _training_detail(application)
    if status is S.CLASSROOM_COMPLETE:
        return _exam_detail(application)
    if status is S.TRAINING_APPROVED and facts.bookings:
        return _booked_detail(application, facts)
    detail_url = reverse("enrollment:application-detail", args=[application.pk])
    days = days_label(describe_track(application.track_enum)["days"])
    return {
        S.DRAFT: (
            "Fill in the four sections, then submit.",
            detail_url,
            "Continue your application",
        ),
        S.SUBMITTED: ("Certification staff are reviewing your application.", "", ""),
        S.RETURNED: (
            "Returned for correction: fix the fields marked, then submit again.",
            detail_url,
            "Correct your application",
        ),
        S.TRAINING_COMPLETE: (
            "100% complete; certification staff are checking your training.",
            "",
            "",
        ),
        S.TRAINING_APPROVED: (
            f"Book your classroom days: {days}. Pay each day's fee first.",
            reverse("classroom:registration-list"),
            "Book your classroom days",
        ),
        S.EXAM_PASSED: ("Your employing agency confirms that you work there.", "", ""),
        S.EMPLOYMENT_VERIFIED: ("Certification staff are issuing your certificate.", "", ""),
    }[status]


def _booked_detail(application: Application, facts: "_Facts") -> tuple[str, str, str]:
    booked = {r.day for r in facts.bookings}
    to_book = tuple(d for d in required_days(application.track) if d not in booked)
    bookings_url = reverse("classroom:registration-list")
    if to_book:
        return (
            f"Booked {days_label(tuple(sorted(booked)))}; still to book: {days_label(to_book)}. "
            "Pay each day's fee first.",
            bookings_url,
            "Book your classroom days",
        )
    return (
        "Attend each booked day; the trainer marks your attendance, and a day counts once its "
        "attendance is locked.",
        bookings_url,
        "See your bookings",
    )


def registration_text(registration: Registration) -> str:
    """A booking as a person reads it: "Day 1: Tuesday, March 3, 2026, 9 a.m. to 4 p.m., ODMHSAS
    Training Center, Room 210, 2000 N Classen Blvd"."""
    session = registration.session
    place = ", ".join(p for p in (session.venue, session.room, session.address) if p)
    when = (
        f"{date_format(session.date, 'l, F j, Y')}, {time_format(session.start_time, 'P')} to "
        f"{time_format(session.end_time, 'P')}"
    )
    return f"Day {registration.day}: {when}, {place}"


def _booking_item(registration: Registration) -> str:
    text = registration_text(registration)
    if not registration.attendance:
        return text
    mark = Attendance(registration.attendance).label.lower()
    if registration.session.attendance_locked_at:
        return f"{text} (attendance: {mark})"
    return f"{text} (marked {mark}, not yet locked)"


def _exam_detail(application: Application) -> tuple[str, str, str]:
    from exams.selectors import exam_step_get

    step = exam_step_get(user=application.user, now=clock.now())
    label = {"open": "Take the competency exam", "in_progress": "Continue your exam"}.get(
        step.state, "See the exam"
    )
    return (
        step.detail or "Take the web-based competency exam.",
        reverse("exams:exam-overview"),
        label,
    )


def _training_detail(application: Application) -> tuple[str, str, str]:
    from courses.selectors import training_percent, training_resume_url

    percent = training_percent(application)
    if percent == 0:
        return (
            "Your application is approved: take the web-based training (0% complete).",
            TRAINING_URL,
            "Start the web-based training",
        )
    return (
        f"Web-based training: {percent}% complete.",
        training_resume_url(application) or TRAINING_URL,
        "Resume where you left off",
    )


def _status_before(application: Application) -> str:
    """The status an expired application had when it expired (from the audit log)."""
    before = (
        AuditEvent.objects.filter(
            content_type=ContentType.objects.get_for_model(Application),
            object_id=str(application.pk),
            to_state=S.EXPIRED,
        )
        .values_list("from_state", flat=True)
        .first()
    )
    return before or (S.SUBMITTED if application.submitted_on else S.DRAFT)


def application_steps(application: Application | None, *, today: date) -> list[Step]:
    """The nine steps of spec section 3 for `application` (None: not applied yet), each done,
    current or locked. Exactly one is current while the application is alive; none once it is
    certified, denied or expired. `today` marks an overdue clock the daily task has not closed."""
    status = S(application.status) if application else None
    closed = ""
    if status is S.EXPIRED:
        current = _CURRENT_STEP.get(S(_status_before(application)), 3)
        closed = f"Closed: the application expired at the end of {_long(application.expires_on)}"
    elif status is S.DENIED:
        current, closed = 4, "Closed: the application was denied"
    else:
        current = _CURRENT_STEP[status] if status else 2
    facts = _facts(application)
    if status is S.TRAINING_APPROVED and facts.all_booked:
        current = 6  # every required day booked: attendance is what remains
    steps = []
    for number, title in enumerate(STEP_TITLES, start=1):
        if number < current:
            detail, items = _done_detail(number, application, facts)
            steps.append(
                _contributed(Step(number, title, "done", detail, items=items), application)
            )
        elif closed:
            steps.append(Step(number, title, "locked", closed))
        elif number == current:
            detail, url, label = _current_detail(application, facts)
            if application and application.expires_on and application.expires_on < today:
                detail, url, label = "The time allowed for this application has run out.", "", ""
            items = tuple(_booking_item(r) for r in facts.bookings) if number in (5, 6) else ()
            step = Step(number, title, "current", detail, url, label, items)
            steps.append(_contributed(step, application))
        else:
            steps.append(
                _contributed(Step(number, title, "locked", _LOCKED_WHY[number]), application)
            )
    return steps


def _contributed(step: Step, application: Application | None) -> Step:
    """Hook `dashboard_step_content`: each registered `fn(*, application, step) -> dict | None`
    may give the words and action of a step a higher app owns (the verification of employment
    and certification steps belong to `certification`): a dict with any of "detail",
    "action_url", "action_label". The first that answers wins; whether a step is done, current
    or locked stays the dashboard's to decide (from the application's status)."""
    if application is None:
        return step
    for contribute in hooks.get_hooks("dashboard_step_content"):
        content = contribute(application=application, step=step)
        if content:
            return replace(
                step,
                detail=content.get("detail", step.detail),
                action_url=content.get("action_url", step.action_url),
                action_label=content.get("action_label", step.action_label),
            )
    return step


@dataclass(frozen=True)
class _Facts:
    """What the dashboard shows beyond the status: bookings and when each step was reached."""

    bookings: tuple[Registration, ...] = ()
    all_booked: bool = False
    reached_on: dict[str, date] | None = None

    def on(self, status: ApplicationStatus) -> str:
        day = (self.reached_on or {}).get(status)
        return f" on {_long(day)}" if day else ""


def _facts(application: Application | None) -> _Facts:
    if application is None or application.pk is None:
        return _Facts()
    bookings = tuple(
        application.registrations.filter(status=RegistrationStatus.CONFIRMED)
        .select_related("session")
        .order_by("session__date", "session__start_time", "day")
    )
    required = set(required_days(application.track))
    # For display only: when each step was reached (the status itself decides what is done).
    events = AuditEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(Application),
        object_id=str(application.pk),
    ).order_by("created_at")
    reached = {
        e.to_state: e.created_at.astimezone(clock.LOCAL_TZ).date() for e in events if e.to_state
    }
    return _Facts(bookings, bool(required) and required <= {r.day for r in bookings}, reached)


def _done_detail(
    number: int, application: Application | None, facts: _Facts
) -> tuple[str, tuple[str, ...]]:
    """What a finished step says: its outcome and its date."""
    if number == 1 or application is None:
        return "Your account is set up", ()
    if number == 2:
        return f"Submitted on {_long(application.submitted_on)}", ()
    if number == 3 and application.status == S.DENIED:
        return f"Denied: {application.decision_reason}", ()
    booked = days_label(tuple(sorted({r.day for r in facts.bookings})))
    detail = {
        3: f"Approved{facts.on(S.APPROVED)}",
        4: f"Training complete; approved by staff{facts.on(S.TRAINING_APPROVED)}",
        5: f"Booked {booked}" if booked else "Booked every required day",
        6: f"Attended every required day{facts.on(S.CLASSROOM_COMPLETE)}",
        7: f"Passed{facts.on(S.EXAM_PASSED)}",
        8: f"Employment verified{facts.on(S.EMPLOYMENT_VERIFIED)}",
        9: f"Certified{facts.on(S.CERTIFIED)}",
    }[number]
    items = tuple(_booking_item(r) for r in facts.bookings) if number == 6 else ()
    if number == 5 and application.status == S.TRAINING_APPROVED:
        items = ()  # the current step (attendance) lists them
    return detail, items


def _long(day: date | None) -> str:
    return date_format(day, "F j, Y") if day else "—"


@dataclass(frozen=True)
class Dashboard:
    application: Application | None
    steps: list[Step]
    days_left: int | None
    next_label: str
    next_url: str


def dashboard_get(*, user: User, today: date) -> Dashboard:
    """What the applicant's dashboard shows: the current application, its steps, the days left
    on its clock and the one next thing to do."""
    application = application_current_for_user(user=user)
    steps = application_steps(application, today=today)
    days_left = None
    if application and application.expires_on and application.status not in FINAL:
        days_left = (application.expires_on - today).days
    current = next((s for s in steps if s.state == "current" and s.action_url), None)
    if application and application.status in (S.EXPIRED, S.DENIED):
        label, url = "Start a new application", reverse("enrollment:selfcheck")
    elif current:
        label, url = current.action_label, current.action_url
    elif application and application.status != S.CERTIFIED:
        detail_url = reverse("enrollment:application-detail", args=[application.pk])
        label, url = "View your application", detail_url
    else:
        label, url = "", ""
    return Dashboard(application, steps, days_left, label, url)


def application_person_name(application: Application) -> str:
    """The person as staff lists show them: "Last, First" from the legal name, else the email."""
    parts = (application.legal_last_name, application.legal_first_name)
    return ", ".join(part for part in parts if part) or application.user.email


def employee_confirmation_latest(application: Application) -> EmployeeConfirmation | None:
    """The latest confirmation of the applicant's ODMHSAS employment, standing or revoked (a
    standing one is always the latest: it can only be made once the previous is revoked)."""
    return (
        EmployeeConfirmation.objects.filter(application=application)
        .select_related("confirmed_by", "revoked_by")
        .order_by("-confirmed_at", "-pk")
        .first()
    )
