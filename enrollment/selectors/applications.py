from datetime import date
from decimal import Decimal

from django.db.models import QuerySet
from django.utils.formats import date_format
from django.utils.text import capfirst

from enrollment.models import (
    Application,
    ApplicationUpload,
    CertificationPolicy,
    EmployeeConfirmation,
)
from enrollment.models.applications import FINAL
from enrollment.rules import Policy, Track
from enrollment.sections import SECTIONS
from enrollment.selfcheck import describe_track
from lms.models import User
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
