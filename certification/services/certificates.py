"""Writes on certificates: issue, revoke, endorse, and the CM I supersession on upgrade.

Each service locks its row, is a no-op when already done, writes a `CertificationEvent` (the
certificate's own history) and an audit event, and re-signs what it changed (the credential,
the status lists). Emails go after commit, with a plain-text part (`lms.services.email_send`).
"""

from datetime import date

from django.db import transaction

from certification import rules
from certification.credentials.status_list import random_status_index
from certification.models import (
    AlertChange,
    CertificateNumberCounter,
    Certification,
    CertificationEvent,
    Endorsement,
    EndorsementKind,
    Level,
)
from certification.selectors.certificates import (
    active_cm1_of,
    certificate_urls,
    certification_status_on,
    site_url,
)
from certification.selectors.employment import is_employed_on
from certification.services.alerts import agency_alert_status_changed
from certification.services.credentials import credential_sign, status_lists_publish
from enrollment.models import Application, ApplicationStatus
from enrollment.rules import RuleViolation, Track
from enrollment.services.applications import application_certify
from lms import clock
from lms.models import User
from lms.services import audit_record, email_send

NUMBER_PREFIX = "BHCM"


def _event(
    certification: Certification,
    verb: str,
    *,
    actor: User | None,
    from_state: str = "",
    to_state: str = "",
    reason: str = "",
) -> None:
    actor = actor if actor is not None and actor.is_authenticated else None
    CertificationEvent.objects.create(
        certification=certification,
        verb=verb,
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        actor=actor,
    )
    audit_record(
        actor=actor,
        verb=f"certification.{verb}",
        obj=certification,
        from_state=from_state,
        to_state=to_state,
        reason=reason,
    )


def _mail(certification: Certification, template: str, **extra) -> None:
    email_send(
        template=template,
        to=[certification.holder.email],
        context={
            "certification": certification,
            "urls": certificate_urls(certification),
            "site_url": site_url(),
            **extra,
        },
    )


def _next_number(year: int) -> str:
    """The next number of `year`, e.g. BHCM-2026-000123. The counter row is locked until the
    issuing transaction ends, so concurrent issuing waits rather than sharing a number."""
    CertificateNumberCounter.objects.bulk_create(
        [CertificateNumberCounter(year=year, last=0)], ignore_conflicts=True
    )
    counter = CertificateNumberCounter.objects.select_for_update().get(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{NUMBER_PREFIX}-{year}-{counter.last:06d}"


def issuing_refusal(application: Application, today: date) -> str | None:
    """Why `application` cannot be certified today, or None: the exam must be passed and
    employment confirmed (the application is "employment verified") and a confirmed
    employment with a qualifying agency must cover today."""
    if application.status != ApplicationStatus.EMPLOYMENT_VERIFIED:
        return (
            "Only an application whose exam is passed and whose employment is confirmed can be "
            f"certified; this one is {application.get_status_display().lower()}."
        )
    if not is_employed_on(person=application.user, on=today):
        return (
            "The applicant has no confirmed employment with a qualifying agency today; "
            "confirm the employment first."
        )
    return None


def _name_as_certified(application: Application) -> str:
    parts = (
        application.legal_first_name,
        application.legal_middle_name,
        application.legal_last_name,
    )
    name = " ".join(part.strip() for part in parts if part and part.strip())
    return name or application.user.get_full_name() or application.user.email


def _level(track: str) -> str:
    return Level.CM1 if Track(track) == Track.CM1 else Level.CM2


def certification_issue(*, application: Application, actor: User | None) -> Certification:
    """Issue the certificate for `application`: a new number, valid through Jun 30 of the first
    renewal year, a signed credential; the application ends certified (its clock stops); on a
    CM I Upgrade the holder's CM I is superseded. No-op (returns the certificate) when already
    issued. Raises RuleViolation (nothing written) when `issuing_refusal` says why not."""
    today = clock.today()
    with transaction.atomic():
        locked = (
            Application.objects.select_for_update().select_related("user").get(pk=application.pk)
        )
        existing = Certification.objects.filter(application=locked).first()
        if existing is not None:
            return existing
        refusal = issuing_refusal(locked, today)
        if refusal:
            raise RuleViolation(refusal)
        number = _next_number(today.year)  # serializes issuing from here to commit
        taken = set(Certification.objects.values_list("status_index", flat=True))
        certification = Certification.objects.create(
            holder=locked.user,
            holder_name=_name_as_certified(locked),
            level=_level(locked.track),
            number=number,
            application=locked,
            issued_on=today,
            valid_through=date(rules.first_renewal_year(today), 6, 30),
            status_index=random_status_index(taken),
        )
        _event(certification, "issued", actor=actor, to_state="active")
        if Track(locked.track) == Track.CM1_UPGRADE:
            _supersede_cm1(locked, certification, actor=actor, today=today)
        application_certify(application=locked, actor=actor)
        credential_sign(certification=certification)
        status_lists_publish(today=today)  # publishes the lists on the first issue; else no-op
        _mail(certification, "certificate_ready")
    return certification


def _supersede_cm1(
    application: Application, new: Certification, *, actor: User | None, today: date
) -> None:
    old = active_cm1_of(application.user, today)
    if old is None:
        return
    old = Certification.objects.select_for_update().get(pk=old.pk)
    old.superseded_on = today
    old.superseded_by = new
    old.save(update_fields=["superseded_on", "superseded_by"])
    _event(
        old,
        "superseded",
        actor=actor,
        from_state="active",
        to_state="superseded",
        reason=f"Superseded by CM II certificate {new.number}.",
    )


def certification_revoke(
    *, certification: Certification, actor: User, reason: str
) -> Certification:
    """Staff revoke a certificate, with a reason (required). Not reversible: the revocation
    bit is set in the published list. No-op when already revoked."""
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation("Give the reason for revoking the certificate.")
    today = clock.today()
    with transaction.atomic():
        locked = (
            Certification.objects.select_for_update()
            .select_related("holder")
            .get(pk=certification.pk)
        )
        if locked.revoked_on is not None:
            return locked
        before = certification_status_on(locked, today)
        locked.revoked_on = today
        locked.revoked_by = actor
        locked.revocation_reason = reason
        locked.save(update_fields=["revoked_on", "revoked_by", "revocation_reason"])
        _event(locked, "revoked", actor=actor, from_state=before, to_state="revoked", reason=reason)
        status_lists_publish(today=today)
        _mail(locked, "certificate_revoked", reason=reason)
        agency_alert_status_changed(
            person=locked.holder,
            change=AlertChange.REVOKED,
            key=f"{locked.number}:revoked",
            today=today,
        )
    return locked


def endorsement_add(
    *,
    certification: Certification,
    kind: EndorsementKind | str,
    earned_on: date,
    evidence: str,
    actor: User,
) -> Endorsement:
    """Record a specialty endorsement on a CM II certificate with its evidence and date, and
    re-sign the credential so it carries it. No-op when the certificate already has it.
    Raises RuleViolation for a CM I, a future date, missing evidence or a revoked certificate."""
    kind = EndorsementKind(kind)
    evidence = (evidence or "").strip()
    today = clock.today()
    with transaction.atomic():
        locked = Certification.objects.select_for_update().get(pk=certification.pk)
        existing = locked.endorsements.filter(kind=kind).first()
        if existing is not None:
            return existing
        if locked.level != Level.CM2:
            raise RuleViolation("Endorsements are recorded on CM II certificates only.")
        if certification_status_on(locked, today) in ("revoked", "superseded"):
            raise RuleViolation("This certificate is no longer in force.")
        if not evidence:
            raise RuleViolation("Describe the evidence that the requirement is met.")
        if earned_on > today:
            raise RuleViolation("The date earned cannot be in the future.")
        endorsement = Endorsement.objects.create(
            certification=locked, kind=kind, earned_on=earned_on, evidence=evidence, added_by=actor
        )
        _event(locked, "endorsed", actor=actor, to_state=kind.value, reason=evidence)
        credential_sign(certification=locked)
    return endorsement


def certification_renew(
    *, certification: Certification, renewal_year: int, actor: User | None
) -> Certification:
    """The renewal of `renewal_year` is approved: valid through moves to Jun 30 of the next
    year (a suspension is lifted), the credential is re-signed, the status lists republished,
    the holder's agencies told and the holder emailed that the certificate is ready to print.
    No-op when it is already valid through that day or later. Raises RuleViolation for a
    revoked or superseded certificate."""
    today = clock.today()
    new_through = date(renewal_year + 1, 6, 30)
    with transaction.atomic():
        locked = (
            Certification.objects.select_for_update()
            .select_related("holder")
            .get(pk=certification.pk)
        )
        if locked.valid_through >= new_through:
            return locked
        before = certification_status_on(locked, today)
        if before in ("revoked", "superseded"):
            raise RuleViolation("This certificate is no longer in force; it cannot be renewed.")
        old_through, locked.valid_through = locked.valid_through, new_through
        locked.save(update_fields=["valid_through"])
        _event(
            locked,
            "renewed",
            actor=actor,
            from_state=before,
            to_state=certification_status_on(locked, today),
            reason=f"Renewal {renewal_year} approved: valid through {old_through:%b %-d, %Y} "
            f"→ {new_through:%b %-d, %Y}.",
        )
        credential_sign(certification=locked)
        status_lists_publish(today=today)
        agency_alert_status_changed(
            person=locked.holder,
            change=AlertChange.RENEWED,
            key=f"{locked.number}:renewed:{renewal_year}",
            today=today,
        )
        _mail(locked, "certificate_renewed", renewal_year=renewal_year)
    return locked
