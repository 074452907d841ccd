"""Writes on applications: start, save, submit, and the staff decisions.

Every status change goes through `_transition`: it locks the row, is a no-op when the row is
already in the target state, refuses a move `TRANSITIONS` does not allow, and writes an audit event.
"""

from collections.abc import Callable
from datetime import date

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from wagtail import hooks

from enrollment import rules
from enrollment.corrections import UNANSWERED, answers_snapshot, unanswered_corrections
from enrollment.models import (
    Application,
    ApplicationStatus,
    ApplicationUpload,
    EmployeeConfirmation,
)
from enrollment.models.applications import FINAL, TRANSITIONS
from enrollment.rules import RuleViolation, Track
from enrollment.sections import SECTION_OF_FIELD, missing_fields, track_fit_errors
from enrollment.selectors.applications import application_field_label, policy_get
from enrollment.services.expiry import applications_closed
from enrollment.uploads import download_name, save_upload
from lms import clock
from lms.models import User
from lms.services import audit_record, email_send

S = ApplicationStatus


class ApplicationIncomplete(RuleViolation):
    """Submission refused: `missing` maps each section to its empty required fields."""

    def __init__(self, missing: dict[str, list[str]]):
        self.missing = missing
        super().__init__("Fill in every required field before you submit.")


class FieldsRefused(RuleViolation):
    """Submission refused at named fields: `fields` maps each field to what is wrong there."""

    def __init__(self, fields: dict[str, str], message: str):
        self.fields = fields
        super().__init__(message)


class DuplicatePerson(RuleViolation):
    """Another account already holds an application with the same legal name and date of birth."""


def _transition(
    application: Application, to: ApplicationStatus, *, actor: User | None, reason: str = ""
) -> tuple[Application, bool]:
    """Lock, check and move one application; returns (fresh row, whether it changed)."""
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if locked.status == to:
        return locked, False
    if to not in TRANSITIONS[S(locked.status)]:
        raise RuleViolation(
            f"An application that is {locked.get_status_display().lower()} cannot become "
            f"{S(to).label.lower()}."
        )
    from_state = locked.status
    locked.status = to
    locked.save(update_fields=["status"])
    audit_record(
        actor=actor,
        verb=f"application.{to}",
        obj=locked,
        from_state=from_state,
        to_state=to,
        reason=reason,
    )
    if to in FINAL:  # checkouts and whatever else the application had open close with it
        applications_closed([locked.pk], f"Application {S(to).label.lower()}.")
    return locked, True


def _mail(application: Application, template: str, **extra) -> None:
    email_send(
        template=template,
        to=[application.user.email],
        context={
            "application": application,
            "user": application.user,
            "site_url": settings.WAGTAILADMIN_BASE_URL,
            **extra,
        },
    )


PREFILLABLE = frozenset(
    {
        "highest_education",
        "college_credit_hours",
        "months_experience",
        "adc_certified",
        "cprp_certified",
    }
)


def application_start_refusal(*, user: User, today: date) -> str | None:
    """Why `user` may not start any application today, or None. Hook
    `application_start_refusals`: each `fn(*, user, today) -> str | None` names a reason a
    higher app owns (certification: terminated, may apply again from a date); the first one
    wins. Every entrance that starts an application asks it (the service below, the views)."""
    for refusal in hooks.get_hooks("application_start_refusals"):
        why = refusal(user=user, today=today)
        if why:
            return why
    return None


def application_start(
    *, user: User, track: Track | str, prefill: dict | None = None
) -> Application:
    """Open a draft application on `track`, with the self-check's answers in `prefill` (only
    the `PREFILLABLE` fields are taken). Refuses while the person has one open already, or
    while `application_start_refusal` gives a reason (e.g. the 60-day wait after termination)."""
    track = Track(track)
    refusal = application_start_refusal(user=user, today=clock.today())
    if refusal:
        raise RuleViolation(refusal)
    answers = {k: v for k, v in (prefill or {}).items() if k in PREFILLABLE}
    open_one = user.applications.exclude(status__in=FINAL).first()
    if open_one is not None:
        raise RuleViolation(
            "You already have an application in progress; continue that one instead."
        )
    # Hook `track_start_checks`: each `fn(*, user, track) -> dict` may refuse the track by
    # raising RuleViolation (its message is shown to the person) or return application
    # fields to fill from records a higher app owns (the CM I Upgrade's certificate number).
    for check in hooks.get_hooks("track_start_checks"):
        answers.update(check(user=user, track=track) or {})
    with transaction.atomic():
        application = Application.objects.create(user=user, track=track, **answers)
        audit_record(actor=user, verb="application.start", obj=application, to_state=S.DRAFT)
    return application


def application_identity_check(*, application: Application) -> None:
    """One account per person: refuse a legal name and date of birth another account has used."""
    if not (
        application.legal_first_name and application.legal_last_name and application.date_of_birth
    ):
        return
    taken = (
        Application.objects.filter(
            legal_first_name__iexact=application.legal_first_name.strip(),
            legal_last_name__iexact=application.legal_last_name.strip(),
            date_of_birth=application.date_of_birth,
        )
        .exclude(user_id=application.user_id)
        .exists()
    )
    if taken:
        raise DuplicatePerson(
            "Another account already belongs to a person with this legal name and date of birth. "
            "One person may hold only one account: recover that account instead of creating "
            "another."
        )


def application_save(
    *,
    application: Application,
    user: User,
    transcript: UploadedFile | None = None,
    replies: dict[str, str] | None = None,
) -> Application:
    """Save the applicant's answers as they stand (complete or not), with a transcript if one
    was uploaded and `replies` to staff's corrections (field → text; only flagged fields are
    kept). Only drafts and returned applications can change; raises DuplicatePerson for
    another person's identity, and writes nothing then."""
    if not application.is_editable:
        raise RuleViolation("This application can no longer be changed.")
    application_identity_check(application=application)
    if replies is not None:
        flagged = application.corrections or {}
        application.correction_replies = {
            name: text.strip() for name, text in replies.items() if name in flagged and text.strip()
        }
    with transaction.atomic():
        application.save()
        if transcript is not None:
            # Last, so that nothing before it can fail after the file is stored.
            application_upload_add(
                application=application,
                user=user,
                file=transcript,
                purpose=ApplicationUpload.Purpose.TRANSCRIPT,
            )
    return application


def application_upload_add(
    *, application: Application, user: User, file: UploadedFile, purpose: str
) -> ApplicationUpload:
    """Store an uploaded document (checked by content: PDF, PNG or JPEG, at most 10 MB) in
    private storage and record it. Raises ValidationError for a refused file."""
    if not application.is_editable:
        raise RuleViolation("This application can no longer be changed.")
    storage_name, kind, size = save_upload(file)
    upload = ApplicationUpload.objects.create(
        application=application,
        purpose=purpose,
        storage_name=storage_name,
        original_name=download_name(file.name, kind),
        kind=kind.value,
        size=size,
    )
    audit_record(actor=user, verb="application.upload_added", obj=application, reason=purpose)
    return upload


def application_submit(
    *, application: Application, user: User, today: date | None = None
) -> Application:
    """Submit (or resubmit after a return). The first submission starts the six-month clock;
    a resubmission keeps it. Raises ApplicationIncomplete listing every empty required field."""
    today = today or clock.today()
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.status == S.SUBMITTED:
            return locked
        has_transcript = locked.uploads.filter(
            purpose=ApplicationUpload.Purpose.TRANSCRIPT
        ).exists()
        missing = missing_fields(locked, has_transcript=has_transcript)
        if missing:
            raise ApplicationIncomplete(missing)
        misfit = track_fit_errors(locked)
        if misfit:
            raise FieldsRefused(
                misfit,
                f"Your answers do not qualify for {locked.get_track_display()}: correct them, "
                "or ask certification staff to change your track.",
            )
        resubmission = locked.status == S.RETURNED
        if resubmission:
            transcripts = locked.uploads.filter(purpose=ApplicationUpload.Purpose.TRANSCRIPT)
            now = answers_snapshot(locked, transcripts=transcripts.count())
            unanswered = unanswered_corrections(locked, now=now)
            if unanswered:
                raise FieldsRefused(
                    dict.fromkeys(unanswered, UNANSWERED),
                    "Answer each correction staff asked for before you submit again.",
                )
        application_identity_check(application=locked)
        locked, _ = _transition(
            locked, S.SUBMITTED, actor=user, reason="resubmitted" if resubmission else ""
        )
        if locked.submitted_on is None:  # the clock starts and the fees are fixed
            policy = policy_get()
            locked.submitted_on = today
            locked.expires_on = rules.application_expires_on(today, policy=policy)
            locked.day_fee_cents = rules.to_cents(policy.day_fee)
            locked.reapplication_fee_cents = rules.to_cents(policy.reapplication_fee)
        locked.needs_transcript_review = locked.claims_degree and locked.degree_id is None
        locked.last_submitted_at = clock.now()
        locked.corrections = {}
        locked.save()
        _mail(locked, "application_submitted", resubmission=resubmission)
    return locked


def application_approve(*, application: Application, actor: User) -> Application:
    """Staff approve a submitted application; web-based training opens."""
    with transaction.atomic():
        locked, changed = _transition(application, S.APPROVED, actor=actor)
        if changed:
            locked.decided_at = clock.now()
            locked.decision_reason = ""
            locked.save(update_fields=["decided_at", "decision_reason"])
            _mail(locked, "application_approved")
            # Hook "application_approved": fn(application, actor) runs inside this transaction
            # when an application becomes approved (certification asks the employer to verify
            # employment). It may write; it must not change the application's status.
            for fn in hooks.get_hooks("application_approved"):
                fn(locked, actor)
    return locked


def application_deny(*, application: Application, actor: User, reason: str) -> Application:
    """Staff deny a submitted application. A reason is required and is sent to the applicant."""
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation("Give the reason for the denial; the applicant will read it.")
    with transaction.atomic():
        locked, changed = _transition(application, S.DENIED, actor=actor, reason=reason)
        if changed:
            locked.decided_at = clock.now()
            locked.decision_reason = reason
            locked.save(update_fields=["decided_at", "decision_reason"])
            _mail(locked, "application_denied", reason=reason)
    return locked


def application_return(
    *, application: Application, actor: User, corrections: dict[str, str]
) -> Application:
    """Staff return an application for correction, with what to fix for each field. The clock
    keeps running from the first submission."""
    cleaned = {f: (r or "").strip() for f, r in corrections.items() if (r or "").strip()}
    if not cleaned:
        raise RuleViolation("Say what to correct for at least one field.")
    unknown = sorted(set(cleaned) - set(SECTION_OF_FIELD))
    if unknown:
        raise RuleViolation(f"Unknown field(s): {', '.join(unknown)}.")
    summary = "; ".join(f"{field}: {reason}" for field, reason in cleaned.items())
    with transaction.atomic():
        locked, changed = _transition(application, S.RETURNED, actor=actor, reason=summary)
        if changed:
            transcripts = locked.uploads.filter(purpose=ApplicationUpload.Purpose.TRANSCRIPT)
            locked.corrections = cleaned
            locked.correction_replies = {}
            locked.returned_values = answers_snapshot(locked, transcripts=transcripts.count())
            locked.decided_at = clock.now()
            locked.save(
                update_fields=["corrections", "correction_replies", "returned_values", "decided_at"]
            )
            _mail(
                locked,
                "application_returned",
                corrections={application_field_label(f): r for f, r in cleaned.items()},
            )
    return locked


def application_training_complete(*, application: Application) -> Application:
    """Every required course is complete: the application waits for staff to approve the
    training. Called by the courses app; a no-op when already there."""
    with transaction.atomic():
        locked, changed = _transition(
            application, S.TRAINING_COMPLETE, actor=None, reason="All required courses complete."
        )
    return locked


def application_training_approve(*, application: Application, actor: User) -> Application:
    """Staff approve the completed web-based training; classroom registration opens."""
    with transaction.atomic():
        locked, changed = _transition(application, S.TRAINING_APPROVED, actor=actor)
        if changed:
            _mail(locked, "training_approved")
    return locked


ClassroomHook = Callable[[Application], None]
_CLASSROOM_COMPLETE_HOOKS: list[ClassroomHook] = []


def classroom_complete_hook(fn: ClassroomHook) -> ClassroomHook:
    """Register `fn(application)` to run when an application's classroom days are complete
    (the exam app uses it to apply a pass earned early under a staff grant)."""
    if fn not in _CLASSROOM_COMPLETE_HOOKS:
        _CLASSROOM_COMPLETE_HOOKS.append(fn)
    return fn


def application_classroom_complete(*, application: Application) -> Application:
    """Every required classroom day is attended: the exam step opens. Called by the roster."""
    with transaction.atomic():
        locked, changed = _transition(
            application,
            S.CLASSROOM_COMPLETE,
            actor=None,
            reason="Attended every required classroom day.",
        )
        if changed:
            for hook in _CLASSROOM_COMPLETE_HOOKS:
                hook(locked)
            locked.refresh_from_db()
            if locked.status == S.CLASSROOM_COMPLETE:  # not already passed under a staff grant
                _mail(locked, "exam_open")
    return locked


def application_exam_passed(*, application: Application, actor: User | None = None) -> Application:
    """The competency exam is passed. Called by exam grading."""
    with transaction.atomic():
        locked, changed = _transition(
            application, S.EXAM_PASSED, actor=actor, reason="Passed the competency exam."
        )
        if changed:
            # Hook "application_exam_passed": fn(application) runs inside this transaction when
            # the exam is passed (certification moves on to employment_verified when the
            # employer has already confirmed). It may call the services below.
            for fn in hooks.get_hooks("application_exam_passed"):
                fn(locked)
            locked.refresh_from_db()
    return locked


def application_employment_verified(
    *, application: Application, actor: User | None = None
) -> Application:
    """The exam is passed and a qualifying agency has confirmed the employment: the application
    is ready to certify. Called by the certification app; a no-op when already there; raises
    RuleViolation from any status but exam_passed."""
    with transaction.atomic():
        locked, _ = _transition(
            application,
            S.EMPLOYMENT_VERIFIED,
            actor=actor,
            reason="Exam passed and employment confirmed.",
        )
    return locked


def application_certify(*, application: Application, actor: User | None) -> Application:
    """The application ends certified: its six-month clock stops (CERTIFIED is final). Called by
    the certification app when staff issue the certificate, inside its transaction; a no-op
    when already certified. Raises RuleViolation unless employment was verified."""
    with transaction.atomic():
        locked, _ = _transition(application, S.CERTIFIED, actor=actor, reason="Certificate issued.")
    return locked


# --- Staff: confirming (and revoking) an applicant's ODMHSAS employment -----------------------

EMPLOYEE_CONFIRMED_VERB = "application.employee_confirmed"
EMPLOYEE_REVOKED_VERB = "application.employee_confirmation_revoked"


def _employee_confirmation_locked(application: Application) -> EmployeeConfirmation | None:
    """Lock the application (serialising confirm and revoke) and return its standing
    confirmation, if any."""
    Application.objects.select_for_update(no_key=True).get(pk=application.pk)
    return (
        EmployeeConfirmation.objects.select_for_update()
        .filter(application_id=application.pk, revoked_at__isnull=True)
        .first()
    )


def application_employee_confirm(*, application: Application, actor: User) -> bool:
    """Record that certification staff confirmed the applicant's ODMHSAS employment, which
    waives the classroom day fees (never the reapplication fee) while the confirmation stands.
    Returns False when it already stands. Raises RuleViolation when `actor` may not decide
    applications or the applicant has not claimed ODMHSAS employment."""
    if not actor.has_perm("enrollment.decide_application"):
        raise RuleViolation("Only certification staff can confirm ODMHSAS employment.")
    with transaction.atomic():
        standing = _employee_confirmation_locked(application)
        if not Application.objects.filter(pk=application.pk, odmhsas_employee=True).exists():
            raise RuleViolation(
                "The applicant has not said they work for ODMHSAS; there is nothing to confirm."
            )
        if standing is not None:
            return False
        EmployeeConfirmation.objects.create(
            application_id=application.pk, confirmed_by=actor, confirmed_at=clock.now()
        )
        audit_record(
            actor=actor,
            verb=EMPLOYEE_CONFIRMED_VERB,
            obj=application,
            reason="ODMHSAS employment confirmed: classroom day fees are waived.",
        )
    return True


def application_employee_revoke(*, application: Application, actor: User, reason: str) -> bool:
    """Revoke the standing confirmation of the applicant's ODMHSAS employment: from now on the
    unpaid classroom day fees are due again (days already paid stay paid). The confirmation row
    keeps who revoked it, when and why. Returns False when no confirmation stands (never
    confirmed, or already revoked). Raises RuleViolation when `actor` may not decide
    applications or `reason` is blank; nothing changes then."""
    if not actor.has_perm("enrollment.decide_application"):
        raise RuleViolation("Only certification staff can revoke an ODMHSAS confirmation.")
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation("Give the reason for revoking the confirmation.")
    with transaction.atomic():
        standing = _employee_confirmation_locked(application)
        if standing is None:
            return False
        standing.revoked_by = actor
        standing.revoked_at = clock.now()
        standing.revoke_reason = reason
        standing.save(update_fields=["revoked_by", "revoked_at", "revoke_reason"])
        audit_record(
            actor=actor,
            verb=EMPLOYEE_REVOKED_VERB,
            obj=application,
            reason=f"ODMHSAS employment confirmation revoked: {reason}",
        )
    return True
