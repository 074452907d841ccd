"""Verification of employment (spec section 3, step 8): the request to the employer, the
attester's answer, the applicant's reminders and changes of employer, and staff's paper forms
and rejections.

Every status change goes through `_move`: it locks the row, is a no-op when already there,
refuses what `VOE_TRANSITIONS` does not allow, and writes an audit event. Emails are sent
after commit (`lms.services.email_send`).
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from certification.models import AgencyMembership, AgencyRole, Employment, VerificationRequest
from certification.models.verification import OPEN, VOE_TRANSITIONS, V
from certification.services._common import is_certification_staff, mail, staff_emails
from enrollment.models import Application, ApplicationStatus, QualifyingAgency
from enrollment.rules import RuleViolation
from enrollment.services.applications import application_employment_verified
from enrollment.uploads import save_upload
from lms import clock
from lms.models import User
from lms.services import audit_record

REMIND_EVERY = timedelta(days=1)
# The applicant may ask (remind, change employer) from approval until the application is done.
_APPLICANT_MAY_ACT = frozenset(
    {
        ApplicationStatus.APPROVED,
        ApplicationStatus.TRAINING_COMPLETE,
        ApplicationStatus.TRAINING_APPROVED,
        ApplicationStatus.CLASSROOM_COMPLETE,
        ApplicationStatus.EXAM_PASSED,
    }
)


@dataclass(frozen=True)
class Answer:
    """What the employer confirms: since when, in what role, whether it is case management."""

    employed_since: date
    position: str
    is_case_management: bool


def _move(
    request: VerificationRequest, to: str, *, actor: User | None, reason: str = ""
) -> tuple[VerificationRequest, bool]:
    locked = VerificationRequest.objects.select_for_update().get(pk=request.pk)
    if locked.status == to:
        return locked, False
    if to not in VOE_TRANSITIONS[V(locked.status)]:
        raise RuleViolation(
            f"This verification is {locked.get_status_display().lower()}; it cannot become "
            f"{V(to).label.lower()}."
        )
    from_state, locked.status = locked.status, to
    locked.save(update_fields=["status"])
    audit_record(
        actor=actor,
        verb=f"verification.{to}",
        obj=locked,
        from_state=from_state,
        to_state=to,
        reason=reason,
    )
    return locked, True


def attester_emails(agency_id: int) -> list[str]:
    return list(
        AgencyMembership.objects.filter(
            agency_id=agency_id, role=AgencyRole.ATTESTER, user__is_active=True
        ).values_list("user__email", flat=True)
    )


def _ask_agency(request: VerificationRequest, template: str = "verification_requested") -> None:
    """Email the agency's attesters; when it has none yet, tell staff (invite one, or accept a
    paper form) so that the request does not wait unseen."""
    attesters = attester_emails(request.agency_id)
    if attesters:
        mail(template, attesters, request=request, agency=request.agency)
    else:
        mail("verification_no_attester", staff_emails(), request=request, agency=request.agency)


def _create(
    application: Application, *, agency: QualifyingAgency | None, name: str, actor: User | None
) -> VerificationRequest:
    request = VerificationRequest.objects.create(
        application=application,
        person_id=application.user_id,
        agency=agency,
        unlisted_agency_name=name,
        status=V.PENDING if agency is not None else V.UNLISTED,
    )
    audit_record(actor=actor, verb="verification.requested", obj=request, to_state=request.status)
    if agency is not None:
        _ask_agency(request)
    else:
        mail("verification_unlisted", staff_emails(), request=request)
    return request


def verification_request_open(
    *, application: Application, actor: User | None = None
) -> VerificationRequest | None:
    """Ask the employer named in the application's Employment section to verify employment
    (called when the application is approved). A no-op returning the open request when one
    exists; None when the application names no agency."""
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        existing = locked.verification_requests.filter(status__in=OPEN).first()
        if existing is not None:
            return existing
        if locked.agency_id is None:
            return None
        return _create(locked, agency=locked.agency, name="", actor=actor)


def verification_request_for_agency(
    *, application: Application, agency: QualifyingAgency, actor: User | None = None
) -> VerificationRequest:
    """Ask `agency` to verify (again) that the application's holder works there: the yearly
    renewal's re-verification. Returns the open request when one to the same agency exists.
    Raises RuleViolation (nothing written) when a request to another employer is still open."""
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        existing = locked.verification_requests.filter(status__in=OPEN).first()
        if existing is not None:
            if existing.agency_id == agency.pk:
                return existing
            raise RuleViolation(
                f"A request to {existing.employer_name} is still open; it must be answered or "
                "closed first."
            )
        return _create(locked, agency=agency, name="", actor=actor)


def _require_attester(request: VerificationRequest, actor: User) -> None:
    membership = AgencyMembership.objects.filter(user=actor, agency_id=request.agency_id).first()
    if membership is None or not membership.is_attester:
        raise RuleViolation("Only an attester of this agency can answer this request.")


def _store_document(request: VerificationRequest, document: UploadedFile | None) -> None:
    if document is None:
        return
    storage_name, kind, _ = save_upload(document)
    request.document_storage_name = storage_name
    request.document_original_name = (document.name or "form")[:255]
    request.document_kind = kind.value
    request.save(update_fields=["document_storage_name", "document_original_name", "document_kind"])


def _check_answer(answer: Answer, today: date) -> None:
    if answer.employed_since > today:
        raise RuleViolation("The start of employment cannot be in the future.")
    if not answer.position.strip():
        raise RuleViolation("Give the person's position.")


def _record_confirmation(
    request: VerificationRequest, *, answer: Answer, actor: User, reason: str, **fields
) -> VerificationRequest:
    """Confirm the locked request and keep the Employment row in step; move the application on
    when its exam is already passed."""
    now = clock.now()
    request, changed = _move(request, V.CONFIRMED, actor=actor, reason=reason)
    if not changed:
        return request
    employment = (
        Employment.objects.select_for_update()
        .filter(person_id=request.person_id, agency_id=request.agency_id, ended_on__isnull=True)
        .first()
    ) or Employment(person_id=request.person_id, agency_id=request.agency_id)
    employment.started_on = answer.employed_since
    employment.position = answer.position.strip()
    employment.is_case_management = answer.is_case_management
    employment.confirmed_at, employment.confirmed_by = now, actor
    employment.save()
    audit_record(actor=actor, verb="employment.confirmed", obj=employment, reason=reason)
    request.employed_since = answer.employed_since
    request.position = employment.position
    request.is_case_management = answer.is_case_management
    request.decided_at, request.decided_by, request.employment = now, actor, employment
    for name, value in fields.items():
        setattr(request, name, value)
    request.save()
    mail("verification_confirmed", [request.person.email], request=request)
    application = Application.objects.get(pk=request.application_id)
    if application.status == ApplicationStatus.EXAM_PASSED:
        application_employment_verified(application=application, actor=actor)
    return request


def verification_confirm(
    *,
    request: VerificationRequest,
    actor: User,
    answer: Answer,
    attester_name: str,
    attested: bool,
    document: UploadedFile | None = None,
    today: date | None = None,
) -> VerificationRequest:
    """An attester of the agency confirms the employment (typed full name and the attestation
    checkbox required; the time is recorded). Creates or updates the person's Employment row
    there, confirmed by the attester. Raises RuleViolation (nothing written) for someone who
    is not an attester of this agency, a missing attestation, or an impossible answer."""
    today = today or clock.today()
    _require_attester(request, actor)
    if not attested:
        raise RuleViolation("Tick the attestation to confirm.")
    if not attester_name.strip():
        raise RuleViolation("Type your full name to sign the attestation.")
    _check_answer(answer, today)
    with transaction.atomic():
        locked = VerificationRequest.objects.select_for_update().get(pk=request.pk)
        if locked.status == V.CONFIRMED:
            return locked
        locked = _record_confirmation(
            locked,
            answer=answer,
            actor=actor,
            reason=f"Attested by {attester_name.strip()}.",
            attester_name=attester_name.strip(),
        )
        _store_document(locked, document)  # last: nothing after it can fail
    return locked


def verification_refuse(
    *, request: VerificationRequest, actor: User, reason: str
) -> VerificationRequest:
    """An attester says the person does not work there (a reason is required; the applicant
    reads it). Raises RuleViolation, writing nothing, for a non-attester or a blank reason."""
    _require_attester(request, actor)
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation("Give the reason; the applicant will read it.")
    with transaction.atomic():
        locked, changed = _move(request, V.REFUSED, actor=actor, reason=reason)
        if changed:
            locked.reason, locked.decided_at, locked.decided_by = reason, clock.now(), actor
            locked.save(update_fields=["reason", "decided_at", "decided_by"])
            mail("verification_refused", [locked.person.email], request=locked)
    return locked


def verification_remind(*, request: VerificationRequest, actor: User) -> VerificationRequest:
    """The applicant reminds the agency of a pending request, at most once a day. Raises
    RuleViolation when it is not theirs, not pending, or was reminded less than a day ago."""
    if request.person_id != actor.pk:
        raise RuleViolation("Only the applicant can send a reminder.")
    with transaction.atomic():
        locked = VerificationRequest.objects.select_for_update().get(pk=request.pk)
        if locked.status != V.PENDING:
            raise RuleViolation("Only a request still waiting for the employer can be reminded.")
        now = clock.now()
        last = locked.last_reminded_at or locked.created_at
        if now - last < REMIND_EVERY:
            raise RuleViolation(
                "Your employer was asked less than a day ago; you can send a reminder once a day."
            )
        locked.last_reminded_at = now
        locked.save(update_fields=["last_reminded_at"])
        audit_record(actor=actor, verb="verification.reminded", obj=locked)
        _ask_agency(locked, "verification_reminder")
    return locked


def verification_employer_change(
    *,
    application: Application,
    actor: User,
    agency: QualifyingAgency | None = None,
    unlisted_name: str = "",
) -> VerificationRequest:
    """The applicant names another employer: the open request is closed and a new one goes to
    that agency, or, for an employer not on the list, to staff to add it. Raises RuleViolation
    when the application is not the actor's or not at a stage where it applies."""
    unlisted_name = (unlisted_name or "").strip()
    if application.user_id != actor.pk:
        raise RuleViolation("Only the applicant can change the employer.")
    if (agency is None) == (not unlisted_name):
        raise RuleViolation("Choose your employer from the list, or name it if it is not listed.")
    if agency is not None and not agency.active:
        raise RuleViolation("That agency no longer qualifies.")
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.status not in _APPLICANT_MAY_ACT:
            raise RuleViolation("The employer can be changed only while the application runs.")
        for open_one in locked.verification_requests.filter(status__in=OPEN):
            _move(open_one, V.CLOSED, actor=actor, reason="The applicant changed employer.")
        return _create(locked, agency=agency, name=unlisted_name, actor=actor)


def _require_staff(actor: User) -> None:
    if not is_certification_staff(actor):
        raise RuleViolation("Only certification staff can do this.")


def verification_unlisted_accept(
    *, request: VerificationRequest, actor: User, contract_type: str, city: str = ""
) -> VerificationRequest:
    """Staff add the employer an applicant named to the qualifying agencies (or find it there
    by name); the request then goes to that agency like any other."""
    _require_staff(actor)
    with transaction.atomic():
        locked = VerificationRequest.objects.select_for_update().get(pk=request.pk)
        if locked.status != V.UNLISTED:
            raise RuleViolation("This request is not waiting for an employer to be added.")
        agency, created = QualifyingAgency.objects.get_or_create(
            name=locked.unlisted_agency_name,
            defaults={"contract_type": contract_type, "city": city},
        )
        if created:
            audit_record(actor=actor, verb="agency.added", obj=agency, reason="Named by applicant.")
        locked.agency = agency
        locked.save(update_fields=["agency"])
        locked, _ = _move(locked, V.PENDING, actor=actor, reason="Employer added to the list.")
        _ask_agency(locked)
    return locked


def verification_unlisted_refuse(
    *, request: VerificationRequest, actor: User, reason: str
) -> VerificationRequest:
    """Staff refuse to add the named employer (it does not qualify); the applicant is told why
    and may name another."""
    _require_staff(actor)
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation("Give the reason; the applicant will read it.")
    with transaction.atomic():
        locked = VerificationRequest.objects.select_for_update().get(pk=request.pk)
        if locked.status != V.UNLISTED:
            raise RuleViolation("This request is not waiting for an employer to be added.")
        locked, _ = _move(locked, V.CLOSED, actor=actor, reason=reason)
        locked.reason = reason
        locked.save(update_fields=["reason"])
        mail("verification_unlisted_refused", [locked.person.email], request=locked)
    return locked


def verification_paper_accept(
    *,
    request: VerificationRequest,
    actor: User,
    answer: Answer,
    document: UploadedFile,
    today: date | None = None,
) -> VerificationRequest:
    """Staff accept a signed paper Verification of Employment on the agency's behalf; the
    document is required and kept. Raises RuleViolation or ValidationError (bad file), and
    writes nothing then."""
    _require_staff(actor)
    if document is None:
        raise RuleViolation("Attach the signed Verification of Employment form.")
    _check_answer(answer, today or clock.today())
    with transaction.atomic():
        locked = VerificationRequest.objects.select_for_update().get(pk=request.pk)
        if locked.status != V.PENDING:
            raise RuleViolation("Only a request waiting for the employer can be answered.")
        locked = _record_confirmation(
            locked,
            answer=answer,
            actor=actor,
            reason="Paper form accepted by staff.",
            on_paper=True,
        )
        _store_document(locked, document)
    return locked


def verification_reject(
    *, request: VerificationRequest, actor: User, reason: str
) -> VerificationRequest:
    """Staff reject a confirmation (it does not hold up): the employment is no longer confirmed
    and a new request goes to the same agency. Refused once the application is ready to
    certify or certified (it has moved on)."""
    _require_staff(actor)
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation("Give the reason; the applicant and the agency will read it.")
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=request.application_id)
        if application.status not in _APPLICANT_MAY_ACT:
            raise RuleViolation("The application has moved on; the confirmation stands.")
        locked, changed = _move(request, V.REJECTED, actor=actor, reason=reason)
        if not changed:
            return locked
        locked.reason = reason
        locked.save(update_fields=["reason"])
        if locked.employment_id:
            Employment.objects.filter(pk=locked.employment_id).update(
                confirmed_at=None, confirmed_by=None
            )
            audit_record(
                actor=actor, verb="employment.unconfirmed", obj=locked.employment, reason=reason
            )
        mail("verification_rejected", [locked.person.email], request=locked)
        _create(application, agency=locked.agency, name="", actor=actor)
    return locked


def application_exam_passed_check(application: Application) -> None:
    """At exam pass: move on to employment_verified when the employer has already confirmed."""
    if application.verification_requests.filter(status=V.CONFIRMED).exists():
        application_employment_verified(application=application)


def verification_requests_close_expired(application_ids: list[int], today: date) -> None:
    """Expiry hook: an expired application's open requests close with it (nothing more to do)."""
    from lms.services import audit_record_many

    rows = list(
        VerificationRequest.objects.select_for_update()
        .filter(application_id__in=application_ids, status__in=OPEN)
        .values_list("pk", "status")
    )
    if not rows:
        return
    VerificationRequest.objects.filter(pk__in=[pk for pk, _ in rows]).update(status=V.CLOSED)
    audit_record_many(
        actor=None,
        verb=f"verification.{V.CLOSED}",
        model=VerificationRequest,
        changes=[(pk, status, V.CLOSED) for pk, status in rows],
        reason=f"The application expired (checked on {today.isoformat()}).",
    )


def verification_requests_backfill(*, actor: User | None = None) -> int:
    """Ask the employer of every running application approved before verification existed
    (approved to exam passed, an agency named, no request ever made). Safe to run twice.
    Returns how many requests were sent."""
    waiting = Application.objects.filter(
        status__in=_APPLICANT_MAY_ACT, agency__isnull=False, verification_requests__isnull=True
    ).values_list("pk", flat=True)
    sent = 0
    for pk in list(waiting):
        if verification_request_open(application=Application(pk=pk), actor=actor) is not None:
            sent += 1
    return sent
