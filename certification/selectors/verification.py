"""Reads about verification of employment for the applicant: their requests, what the
dashboard shows for step 8, and what the application still lacks."""

from dataclasses import dataclass

from django.db.models import Prefetch
from django.http import Http404
from django.urls import reverse

from certification.models import VerificationRequest, VerificationStatus
from enrollment.models import Application, ApplicationStatus
from lms.models import User

V = VerificationStatus
S = ApplicationStatus
_BEFORE_APPROVAL = frozenset({S.DRAFT, S.SUBMITTED, S.RETURNED})
_BEFORE_EXAM = frozenset(
    {S.APPROVED, S.TRAINING_COMPLETE, S.TRAINING_APPROVED, S.CLASSROOM_COMPLETE}
)


@dataclass(frozen=True)
class DashboardStep:
    title: str
    state: str  # "done" / "current" / "locked"
    detail: str
    action_url: str = ""
    action_label: str = ""


def verification_request_current(application: Application) -> VerificationRequest | None:
    """The request that says where step 8 stands: the open one, else the latest."""
    requests = application.verification_requests.select_related("agency")
    return requests.filter(status__in=[V.PENDING, V.UNLISTED]).first() or requests.first()


def can_change_employer(application: Application | None) -> bool:
    """The applicant may name another employer from approval until the exam is passed."""
    return application is not None and application.status in (_BEFORE_EXAM | {S.EXAM_PASSED})


def verification_request_list_for_user(user: User):
    return VerificationRequest.objects.filter(person=user).select_related("agency", "application")


def verification_request_get_for_user(*, user: User, pk: int) -> VerificationRequest:
    request = verification_request_list_for_user(user).filter(pk=pk).first()
    if request is None:
        raise Http404
    return request


def verification_dashboard_step(application: Application | None) -> DashboardStep:
    """What the applicant's dashboard shows for step 8 (verification of employment): title,
    state (done/current/locked), a sentence, and the action (the VOE status page)."""
    title = "Verification of employment"
    url = reverse("certification:verification-status")
    if application is None or application.status in _BEFORE_APPROVAL:
        return DashboardStep(title, "locked", "Your employer is asked once you are approved.")
    request = verification_request_current(application)
    if request is None:
        return DashboardStep(
            title, "current", "No employer has been asked yet.", url, "Name your employer"
        )
    employer = request.employer_name
    if request.status == V.CONFIRMED:
        return DashboardStep(title, "done", f"{employer} confirmed your employment.")
    if request.status == V.PENDING:
        detail = f"Waiting for your employer: {employer} has been asked to confirm."
        return DashboardStep(title, "current", detail, url, "See or remind your employer")
    if request.status == V.UNLISTED:
        detail = f"Waiting for staff to add {employer} to the qualifying agencies."
        return DashboardStep(title, "current", detail, url, "See the request")
    detail = f"{employer} did not confirm: {request.reason}" if request.reason else ""
    return DashboardStep(
        title, "current", detail or "Not confirmed.", url, "Name your employer again"
    )


def application_missing_items(application: Application) -> list[str]:
    """Hook "application_missing_items": what this application still lacks, in words."""
    items = []
    if application.status in _BEFORE_EXAM:
        items.append("the web-based training, classroom days and competency exam")
    elif application.status in _BEFORE_APPROVAL:
        items.append("staff approval of your application")
    if application.status not in (S.EMPLOYMENT_VERIFIED, S.CERTIFIED):
        confirmed = getattr(application, "confirmed_verifications", None)  # prefetched
        if confirmed is None:
            confirmed = application.verification_requests.filter(status=V.CONFIRMED).exists()
        if not confirmed:
            items.append("verification of employment by your employer")
    return items


def application_missing_items_prefetch() -> list[Prefetch]:
    """Hook "application_missing_items_prefetch": what `application_missing_items` reads, for a
    list of applications at once (the expiry reminders)."""
    confirmed = VerificationRequest.objects.filter(status=V.CONFIRMED).only("pk", "application")
    return [Prefetch("verification_requests", confirmed, to_attr="confirmed_verifications")]
