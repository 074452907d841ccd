"""Who may sit the exam early (staff grants) and for how long (extra-time accommodations)."""

from django.conf import settings
from django.core.files import File
from django.core.files.storage import storages
from django.db import IntegrityError, transaction

from enrollment.models import Application
from enrollment.uploads import download_name, save_upload
from exams.models import AccommodationRequest, AccommodationStatus, ExamGrant
from exams.rules import AllowanceKind, RuleViolation
from exams.selectors import GRANTABLE_STATUSES
from lms import clock
from lms.models import User
from lms.services import audit_record, email_send

AS = AccommodationStatus
MAX_PERCENT = 300
MAX_MINUTES = 300


def exam_grant_create(*, application: Application, actor: User, reason: str) -> ExamGrant:
    """Staff open the exam for an application before its classroom days are complete (audited,
    emailed). Only approved applications still in progress can be granted; a reason is required."""
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation("Give the reason for opening the exam early.")
    with transaction.atomic():
        locked = (
            Application.objects.select_for_update().select_related("user").get(pk=application.pk)
        )
        if locked.status not in GRANTABLE_STATUSES:
            raise RuleViolation(
                f"Application #{locked.pk} is {locked.get_status_display().lower()}: the exam can "
                "only be opened for an approved application that is still in progress."
            )
        grant = ExamGrant.objects.create(application=locked, granted_by=actor, reason=reason)
        audit_record(actor=actor, verb="exam.granted", obj=locked, reason=reason)
        email_send(
            template="exam_access_granted",
            to=[locked.user.email],
            context={"application": locked, "site_url": settings.WAGTAILADMIN_BASE_URL},
        )
    return grant


def accommodation_request_create(
    *, user: User, kind: str, amount: int, reason: str, document: File | None = None
) -> AccommodationRequest:
    """A candidate asks for extra time, with a reason and optionally a document (PDF, PNG or JPEG,
    checked by content, 10 MB, private storage). One request at a time awaits a decision.
    Raises RuleViolation, or ValidationError for a refused document (nothing is stored)."""
    reason = (reason or "").strip()
    kind = AllowanceKind(kind)
    limit = MAX_PERCENT if kind == AllowanceKind.PERCENT else MAX_MINUTES
    if not reason:
        raise RuleViolation("Say why you need extra time.")
    if not 1 <= int(amount) <= limit:
        raise RuleViolation(f"Ask for between 1 and {limit} {kind.label.lower()}.")
    if AccommodationRequest.objects.filter(user=user, status=AS.PENDING).exists():
        raise RuleViolation("You already have a request awaiting a decision.")
    stored = save_upload(document) if document is not None else None
    try:
        with transaction.atomic():
            request = AccommodationRequest.objects.create(
                user=user,
                kind=kind,
                amount=amount,
                reason=reason,
                document_storage_name=stored[0] if stored else "",
                document_name=download_name(document.name, stored[1]) if stored else "",
                document_kind=stored[1].value if stored else "",
                document_size=stored[2] if stored else None,
            )
            audit_record(
                actor=user, verb="exam_accommodation.requested", obj=request, to_state=AS.PENDING
            )
    except IntegrityError:  # a double submission: the other request stands
        if stored:
            storages["private"].delete(stored[0])
        raise RuleViolation("You already have a request awaiting a decision.") from None
    return request


def _decide(
    request: AccommodationRequest, to: AccommodationStatus, actor: User, note: str
) -> AccommodationRequest:
    with transaction.atomic():
        locked = (
            AccommodationRequest.objects.select_for_update()
            .select_related("user")
            .get(pk=request.pk)
        )
        if locked.status == to:
            return locked
        if locked.status != AS.PENDING:
            raise RuleViolation(f"This request was already {locked.get_status_display().lower()}.")
        from_state = locked.status
        locked.status = to
        locked.decided_by = actor
        locked.decided_at = clock.now()
        locked.decision_note = note
        locked.save()
        audit_record(
            actor=actor,
            verb=f"exam_accommodation.{to}",
            obj=locked,
            from_state=from_state,
            to_state=to,
            reason=note,
        )
        email_send(
            template="exam_accommodation_decided",
            to=[locked.user.email],
            context={"request": locked, "site_url": settings.WAGTAILADMIN_BASE_URL},
        )
    return locked


def accommodation_approve(
    *, request: AccommodationRequest, actor: User, note: str = ""
) -> AccommodationRequest:
    """Approve extra time; it applies to every attempt the person starts from now on."""
    return _decide(request, AS.APPROVED, actor, (note or "").strip())


def accommodation_deny(
    *, request: AccommodationRequest, actor: User, note: str
) -> AccommodationRequest:
    """Deny extra time; the note (required) is sent to the candidate."""
    note = (note or "").strip()
    if not note:
        raise RuleViolation("Give the reason for the denial; the candidate will read it.")
    return _decide(request, AS.DENIED, actor, note)
