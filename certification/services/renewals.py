"""Writes on renewals (spec section 4): the holder's path (start, sections, CEUs, employment
re-verification, sign, pay-and-submit, resubmit, audit documents) and staff's decisions
(approve, return with corrections, deny, review a document, waive the late fee).

Each transition locks the renewal, is a no-op when already done, refuses a move
`RENEWAL_TRANSITIONS` does not allow with a `RuleViolation` (nothing written), writes a
`RenewalEvent` and an audit event, and sends its email after commit. Pay and submit are one step:
a renewal is submitted in the transaction that confirms its payment (`renewal_payment_paid`, run
by payments' "payment_paid" hook) or at once when nothing is due.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse

from certification.models import (
    AuditSeed,
    Certification,
    CeuEntry,
    CorrectionTarget,
    DocumentReview,
    Renewal,
    RenewalCorrection,
    RenewalEvent,
    RenewalStatus,
)
from certification.models.renewals import EDITABLE, RENEWAL_SECTIONS, RENEWAL_TRANSITIONS
from certification.renewal_rules import late_renewal_window
from certification.selectors import renewals as selectors
from certification.services._common import is_certification_staff
from certification.services.certificates import certification_renew
from certification.services.ceus import audit_draw
from certification.services.verification import verification_request_for_agency
from enrollment.models import Application, QualifyingAgency
from enrollment.rules import RuleViolation, renewal_phase
from enrollment.selectors.applications import policy_get
from enrollment.uploads import save_upload
from lms import clock
from lms.models import User
from lms.services import audit_record, email_send
from payments.models import Payment, PaymentLineItem, PaymentStatus
from payments.services import Charge, payment_checkout_close, payment_start_charges

R = RenewalStatus


# --- helpers ------------------------------------------------------------------------------------


def _actor(user: User | None) -> User | None:
    return user if user is not None and user.is_authenticated else None


def _event(renewal: Renewal, verb: str, *, actor, from_state="", to_state="", reason="") -> None:
    actor = _actor(actor)
    RenewalEvent.objects.create(
        renewal=renewal,
        verb=verb,
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        actor=actor,
    )
    audit_record(
        actor=actor,
        verb=f"renewal.{verb}",
        obj=renewal,
        from_state=from_state,
        to_state=to_state,
        reason=reason,
    )


def _move(renewal: Renewal, to: str, *, actor, reason: str = "", verb: str = "") -> bool:
    """Move a locked renewal to `to`, recorded. False when already there; RuleViolation when
    the move is not allowed."""
    if renewal.status == to:
        return False
    if to not in RENEWAL_TRANSITIONS[renewal.status]:
        raise RuleViolation(
            f"This renewal is {renewal.get_status_display().lower()}; it cannot be "
            f"{R(to).label.lower()} now."
        )
    from_state, renewal.status = renewal.status, to
    renewal.save(update_fields=["status"])
    _event(renewal, verb or to, actor=actor, from_state=from_state, to_state=to, reason=reason)
    return True


def _lock(renewal: Renewal) -> Renewal:
    return (
        Renewal.objects.select_for_update(of=("self",))
        .select_related("certification", "certification__holder", "employer", "verification")
        .get(pk=renewal.pk)
    )


CHECKOUT_OPEN = (
    "Your payment for this renewal is open, so the renewal cannot change: what you pay for is "
    "what is submitted. Finish paying, or cancel the payment on your renewal page to make "
    "changes."
)


def _holder_lock(
    renewal: Renewal, user: User, *, editable: bool = True, checkout_ok: bool = False
) -> Renewal:
    """The holder's renewal, locked. Refuses someone else's, one no longer editable (unless
    `editable` is False) and, unless `checkout_ok`, one whose fee checkout is open."""
    locked = _lock(renewal)
    if locked.certification.holder_id != user.pk:
        raise RuleViolation("You can change only your own renewal.")
    if editable and locked.status not in EDITABLE:
        raise RuleViolation(
            f"This renewal is {locked.get_status_display().lower()}; it can no longer be changed."
        )
    if not checkout_ok and selectors.renewal_open_checkout(locked, clock.now()) is not None:
        raise RuleViolation(CHECKOUT_OPEN)
    return locked


def _name(renewal: Renewal) -> str:
    return renewal.certification.holder_name


def _urls(renewal: Renewal) -> dict[str, str]:
    return {
        "renewal_url": reverse("certification:renewal-detail", args=[renewal.pk]),
        "summary_url": reverse("certification:renewal-summary-pdf", args=[renewal.pk]),
    }


def _mail(renewal: Renewal, template: str, **extra) -> None:
    email_send(
        template=template,
        to=[renewal.certification.holder.email],
        context={
            "renewal": renewal,
            "name": _name(renewal),
            "site_url": settings.WAGTAILADMIN_BASE_URL.rstrip("/"),
            **_urls(renewal),
            **extra,
        },
    )


def _profile_from(application: Application | None) -> dict:
    if application is None:
        return {}
    from enrollment.sections import SECTION_BY_KEY

    profile = {}
    for key in RENEWAL_SECTIONS:
        values = {}
        for field in SECTION_BY_KEY[key].fields:
            value = getattr(application, f"{field}_id" if field in ("agency", "degree") else field)
            values[field] = value.isoformat() if isinstance(value, date) else value
        profile[key] = values
    return profile


# --- The holder's path --------------------------------------------------------------------------


def renewal_start(*, certification: Certification, user: User) -> Renewal:
    """Open (or return) the holder's renewal of the certification's renewal year, prefilled
    from the application's profile. Raises RuleViolation for someone else's certificate, a
    revoked one, or outside the renewal's open and late phases."""
    today = clock.today()
    year = selectors.renewal_year_of(certification)
    with transaction.atomic():
        locked = Certification.objects.select_for_update().get(pk=certification.pk)
        if locked.holder_id != user.pk:
            raise RuleViolation("You can renew only your own certificate.")
        existing = Renewal.objects.filter(certification=locked, year=year).first()
        if existing is not None:
            return existing
        if locked.revoked_on is not None or locked.superseded_on is not None:
            raise RuleViolation("This certificate is no longer in force; it cannot be renewed.")
        phase = renewal_phase(year, today)
        if phase not in ("open", "late"):
            when = "opens on January 1" if phase == "not_open" else "has closed"
            raise RuleViolation(f"The renewal of {year} {when}.")
        application = locked.application
        renewal = Renewal.objects.create(
            certification=locked,
            year=year,
            profile=_profile_from(application),
            employer_id=application.agency_id if application else None,
        )
        _event(renewal, "started", actor=user, to_state=R.DRAFT)
    return renewal


def renewal_section_save(*, renewal: Renewal, user: User, section: str, values: dict) -> Renewal:
    """The holder confirms one profile section with its values (the form checked each required
    field). Confirming Employment also names the employer to re-verify."""
    if section not in RENEWAL_SECTIONS:
        raise RuleViolation("There is no such section.")
    with transaction.atomic():
        locked = _holder_lock(renewal, user)
        profile = dict(locked.profile or {})
        profile[section] = values
        locked.profile = profile
        reviewed = [s for s in RENEWAL_SECTIONS if s in {*locked.sections_reviewed, section}]
        locked.sections_reviewed = reviewed
        fields = ["profile", "sections_reviewed"]
        if section == "employment":
            agency_id = values.get("agency")
            if agency_id != locked.employer_id:
                locked.employer_id = agency_id
                locked.verification = None
                fields += ["employer", "verification"]
        locked.save(update_fields=fields)
        audit_record(actor=user, verb="renewal.section_reviewed", obj=locked, reason=section)
    return locked


@dataclass(frozen=True)
class CeuData:
    category: str
    title: str
    provider: str
    provider_type: str
    hours: Decimal
    completed_on: date
    unit: str = "ceu_hours"


def _document_store(ceu: CeuEntry, document: UploadedFile | None) -> None:
    if document is None:
        return
    storage_name, kind, _ = save_upload(document)
    ceu.document_storage_name = storage_name
    ceu.document_original_name = (document.name or "certificate")[:255]
    ceu.document_kind = kind.value
    ceu.document_review = DocumentReview.NONE
    ceu.document_reason = ""
    ceu.reviewed_at = ceu.reviewed_by = None


def ceu_entry_save(
    *,
    renewal: Renewal,
    user: User,
    data: CeuData,
    ceu: CeuEntry | None = None,
    document: UploadedFile | None = None,
) -> CeuEntry:
    """Add a CEU, or change one (`ceu`), with an optional certificate (checked by the form)."""
    with transaction.atomic():
        locked = _holder_lock(renewal, user)
        if ceu is not None:
            ceu = CeuEntry.objects.select_for_update().get(pk=ceu.pk, renewal=locked)
        else:
            ceu = CeuEntry(renewal=locked)
        for name, value in data.__dict__.items():
            setattr(ceu, name, value)
        _document_store(ceu, document)
        ceu.save()
        audit_record(actor=user, verb="renewal.ceu_saved", obj=locked, reason=f"CEU #{ceu.pk}")
    return ceu


def ceu_entry_delete(*, renewal: Renewal, user: User, ceu: CeuEntry) -> None:
    with transaction.atomic():
        locked = _holder_lock(renewal, user)
        row = CeuEntry.objects.select_for_update().get(pk=ceu.pk, renewal=locked)
        audit_record(actor=user, verb="renewal.ceu_deleted", obj=locked, reason=f"CEU #{row.pk}")
        row.delete()


def ceu_document_upload(*, ceu: CeuEntry, user: User, document: UploadedFile) -> CeuEntry:
    """A drawn holder sends the certificate or transcript of a listed CEU (after submission
    too: that is when the draw asks for it). A rejected document may be replaced; an
    accepted one stays."""
    with transaction.atomic():
        locked = _holder_lock(ceu.renewal, user, editable=False)
        if locked.status in (R.APPROVED, R.DENIED):
            raise RuleViolation("This renewal is decided; its documents can no longer change.")
        row = CeuEntry.objects.select_for_update().get(pk=ceu.pk, renewal=locked)
        if row.document_review == DocumentReview.ACCEPTED:
            raise RuleViolation("This document was accepted; it cannot be replaced.")
        _document_store(row, document)
        row.save()
        _event(locked, "document_uploaded", actor=user, reason=f"CEU “{row.title}”")
    return row


def renewal_employment_request(*, renewal: Renewal, user: User) -> Renewal:
    """Ask the renewal's employer (a qualifying agency) to confirm the employment again."""
    with transaction.atomic():
        locked = _holder_lock(renewal, user)
        agency = QualifyingAgency.objects.filter(pk=locked.employer_id, active=True).first()
        if agency is None:
            raise RuleViolation(
                "Name your current qualifying employer in the Employment section first: "
                "without one the renewal cannot be approved."
            )
        if locked.certification.application is None:
            raise RuleViolation("Your record has no application; contact certification staff.")
        request = verification_request_for_agency(
            application=locked.certification.application, agency=agency, actor=user
        )
        if locked.verification_id != request.pk:
            locked.verification = request
            locked.save(update_fields=["verification"])
            _event(locked, "employment_requested", actor=user, reason=agency.name)
    return locked


def renewal_sign(*, renewal: Renewal, user: User, signed_name: str, attested: bool) -> Renewal:
    """The electronic signature: the typed full name, the attestation and the time."""
    signed_name = (signed_name or "").strip()
    if not attested:
        raise RuleViolation("Tick the attestation to sign.")
    if not signed_name:
        raise RuleViolation("Type your full name to sign.")
    with transaction.atomic():
        locked = _holder_lock(renewal, user)
        locked.signed_name, locked.attested, locked.signed_at = signed_name, True, clock.now()
        locked.save(update_fields=["signed_name", "attested", "signed_at"])
        _event(locked, "signed", actor=user, reason=signed_name)
    return locked


def _ensure_seed(year: int) -> None:
    """Staff record the year's seed before the season; if they have not, one is made now (at
    the first draw, with the policy's rate) so the draw still happens and can be re-run."""
    if AuditSeed.objects.filter(year=year).exists():
        return
    seed, created = AuditSeed.objects.get_or_create(
        year=year,
        defaults={"seed": secrets.token_hex(32), "rate": policy_get().audit_rate},
    )
    if created:
        audit_record(actor=None, verb="audit_seed.created_at_draw", obj=seed, to_state="recorded")


def _draw(renewal: Renewal) -> None:
    if renewal.audit_seed_id is not None:
        return
    _ensure_seed(renewal.year)
    draw = audit_draw(year=renewal.year, certificate_number=renewal.certification.number)
    renewal.audit_seed_id = draw.seed_id
    renewal.audit_rate, renewal.audit_hash = draw.rate, draw.hash
    renewal.audit_value, renewal.audit_selected = str(draw.value), draw.selected
    renewal.save(
        update_fields=["audit_seed", "audit_rate", "audit_hash", "audit_value", "audit_selected"]
    )
    _event(renewal, "drawn", actor=None, to_state="selected" if draw.selected else "not_selected")


def _submit(renewal: Renewal, *, actor, today: date, payment: Payment | None, cents: int) -> None:
    """Submit a locked, ready renewal: paid (or exempt) now. The first submission records the
    fee, the day and the audit draw."""
    first = renewal.first_submitted_on is None
    _move(renewal, R.SUBMITTED, actor=actor, verb="submitted" if first else "resubmitted")
    renewal.submitted_at = clock.now()
    fields = ["submitted_at"]
    if first:
        renewal.first_submitted_on, renewal.fee_cents, renewal.fee_payment = today, cents, payment
        renewal.odmhsas_employee = selectors.is_fee_exempt(renewal)
        fields += ["first_submitted_on", "fee_cents", "fee_payment", "odmhsas_employee"]
    renewal.save(update_fields=fields)
    renewal.corrections.filter(resolved_at__isnull=True).update(resolved_at=clock.now())
    if first:
        _draw(renewal)
    amount = selectors.renewal_fee_display(cents) if payment is not None else ""
    _mail(renewal, "renewal_submitted", amount=amount)


def renewal_checkout(
    *, renewal: Renewal, user: User, base_url: str | None = None, provider=None
) -> Payment | None:
    """Pay and submit, one step. When nothing is due (an exempt employee, or a returned renewal
    already paid) the renewal is submitted now and None is returned; otherwise a checkout for
    the fee due today opens (that fee is the price, however late it is paid) and the renewal is
    submitted when the payment is confirmed. While the checkout is open the renewal cannot
    change. Raises RuleViolation (nothing written) when it is not ready or cannot be submitted,
    and when the checkout would stay open after late renewals close (it is closed at once)."""
    payment = _checkout_open(renewal=renewal, user=user, base_url=base_url, provider=provider)
    if payment is not None:
        _refuse_past_close(payment, renewal.year, user)
    return payment


def _refuse_past_close(payment: Payment, year: int, user: User) -> None:
    """A checkout that could be paid after Dec 30 ends would take money for a renewal that can
    no longer be submitted (and money is never given back): close it and refuse. Its row stays,
    so a payment that still arrives is recorded and flagged."""
    if payment.expires_at is not None and payment.expires_at <= _late_window_closes(year):
        return
    closed = payment_checkout_close(
        payment_id=payment.pk,
        why="It would have stayed open after late renewals close.",
        actor=user,
    )
    if closed.status == PaymentStatus.PAID:  # paid in the moment before it could be closed
        return
    raise RuleViolation(
        f"Late renewals of {year} close at midnight tonight, and a payment started now could "
        "still be open after that, so none was started. Contact certification staff."
    )


def _checkout_open(
    *, renewal: Renewal, user: User, base_url: str | None, provider
) -> Payment | None:
    today = clock.today()
    with transaction.atomic():
        locked = _holder_lock(renewal, user, checkout_ok=True)
        readiness = selectors.submission_problems(locked, today)
        if not readiness.ready:
            raise RuleViolation(" ".join(readiness.missing.values()))
        if locked.first_submitted_on is not None:  # a returned renewal: its fee is paid
            _submit(locked, actor=user, today=today, payment=None, cents=locked.fee_cents or 0)
            return None
        cents = selectors.fee_due_cents(locked, today)
        if cents == 0:
            _submit(locked, actor=user, today=today, payment=None, cents=0)
            return None
        if locked.certification.application is None:
            raise RuleViolation("Your record has no application; contact certification staff.")
        late = renewal_phase(locked.year, today) == "late"
        return payment_start_charges(
            application=locked.certification.application,
            user=user,
            reference=f"{selectors.RENEWAL_REFERENCE}{locked.pk}",
            charges=[
                Charge(
                    PaymentLineItem.Kind.RENEWAL_FEE,
                    f"Renewal {locked.year} of {locked.certification.number}"
                    + (" (late: renewal and late fee)" if late else ""),
                    cents,
                )
            ],
            continue_url=reverse("certification:renewal-detail", args=[locked.pk]),
            cancel_url=reverse("certification:renewal-detail", args=[locked.pk]),
            base_url=base_url,
            provider=provider,
        )


def renewal_checkout_abandon(*, renewal: Renewal, user: User) -> Payment | None:
    """The holder gives up the open checkout of the renewal's fee to change the renewal: it is
    closed at the provider first, then here. Returns that payment, or None when none was open.
    A checkout the holder had paid meanwhile (in another tab, its webhook not yet here) is not
    closed but confirmed, so the renewal is submitted: the payment comes back paid. Raises
    RuleViolation for someone else's renewal; ProviderUnavailable (nothing changed, the renewal
    stays locked) when the provider cannot close it, since it could still be paid."""
    with transaction.atomic():
        locked = _holder_lock(renewal, user, checkout_ok=True)
        payment = selectors.renewal_open_checkout(locked, clock.now())
    if payment is None:
        return None
    # The payment is locked before the renewal, in the order payment_confirm takes them.
    with transaction.atomic():
        closed = payment_checkout_close(
            payment_id=payment.pk, why="The holder cancelled it to change the renewal.", actor=user
        )
        locked = _lock(locked)
        if closed.status == PaymentStatus.EXPIRED:
            _event(locked, "checkout_cancelled", actor=user, reason=f"Payment #{payment.pk}")
    return closed


def renewal_late_fee_checkout(
    *, renewal: Renewal, user: User, base_url: str | None = None
) -> Payment:
    """Pay the extra late fee an on-time renewal owes once Jun 30 has passed unapproved."""
    today = clock.today()
    with transaction.atomic():
        locked = _holder_lock(renewal, user, editable=False)
        cents = selectors.late_fee_owed_cents(locked, today)
        if locked.status in (R.APPROVED, R.DENIED) or not cents:
            raise RuleViolation("No late fee is owed on this renewal.")
        return payment_start_charges(
            application=locked.certification.application,
            user=user,
            reference=f"{selectors.LATE_FEE_REFERENCE}{locked.pk}",
            charges=[
                Charge(PaymentLineItem.Kind.LATE_FEE, f"Late fee, renewal {locked.year}", cents)
            ],
            continue_url=reverse("certification:renewal-detail", args=[locked.pk]),
            cancel_url=reverse("certification:renewal-detail", args=[locked.pk]),
            base_url=base_url,
        )


def _renewal_of(payment: Payment) -> tuple[Renewal | None, bool]:
    """The renewal a payment is for, and whether it is its late fee."""
    for prefix, late in (
        (selectors.LATE_FEE_REFERENCE, True),
        (selectors.RENEWAL_REFERENCE, False),
    ):
        if payment.reference.startswith(prefix):
            pk = payment.reference[len(prefix) :]
            if pk.isdigit():
                return Renewal.objects.filter(pk=int(pk)).first(), late
    return None, False


def renewal_payment_closed_reason(payment: Payment) -> str:
    """payments' "payment_closed_reason": money for a renewal that can no longer take it."""
    renewal, late = _renewal_of(payment)
    if renewal is None:
        return "" if not payment.reference.startswith("renewal") else "the renewal is gone"
    renewal = _lock(renewal)
    if late:
        if renewal.status in (R.APPROVED, R.DENIED) or renewal.late_fee_payment_id:
            return f"the renewal is {renewal.get_status_display().lower()} or its late fee paid"
        if renewal.late_fee_waived:
            return "the late fee was waived"
        return ""
    if renewal.first_submitted_on is not None or renewal.status not in EDITABLE:
        return "the renewal was already submitted"
    # The amount fixed when the checkout started is the price (a Jun 30 checkout paid on Jul 1
    # submits at $15; the late fee then falls due before approval): only a renewal that can no
    # longer be submitted at all refuses the money.
    today = clock.today()
    phase = renewal_phase(renewal.year, today)
    if phase == "open" or phase == "late" or _paid_in_time(payment, renewal.year, today):
        return ""
    return f"renewals of {renewal.year} have closed"


def _late_window_closes(year: int) -> datetime:
    """The end of the last day a late renewal of `year` is accepted (Dec 30)."""
    return clock.local_midnight(late_renewal_window(year)[1] + timedelta(days=1))


def _paid_in_time(payment: Payment, year: int, today: date) -> bool:
    """A confirmation that arrives on Dec 31 for a checkout that had closed by the end of Dec 30
    was paid in time (the provider takes no money on a closed checkout): it still submits, until
    the certification is terminated on Jan 1."""
    closes = payment.expires_at
    return closes is not None and closes <= _late_window_closes(year) and today.year == year


def renewal_payment_paid(payment: Payment) -> None:
    """payments' "payment_paid", in the confirming transaction: the fee submits the renewal;
    the late fee is recorded."""
    renewal, late = _renewal_of(payment)
    if renewal is None:
        return
    renewal = _lock(renewal)
    if late:
        renewal.late_fee_payment = payment
        renewal.save(update_fields=["late_fee_payment"])
        _event(renewal, "late_fee_paid", actor=None, reason=f"Payment #{payment.pk}")
        return
    # Submitted the day the holder pressed "pay and submit": the day its price was fixed.
    started_on = payment.created_at.astimezone(clock.LOCAL_TZ).date()
    _submit(renewal, actor=None, today=started_on, payment=payment, cents=payment.amount_cents)


# --- Staff's decisions --------------------------------------------------------------------------


def _staff_lock(renewal: Renewal, actor: User) -> Renewal:
    if not is_certification_staff(actor):
        raise RuleViolation("Only certification staff decide renewals.")
    return _lock(renewal)


def renewal_approve(*, renewal: Renewal, actor: User) -> Renewal:
    """Approve: the certificate is renewed through Jun 30 of Y+1 (`certification_renew`).
    Raises RuleViolation (nothing written) with every reason from `approval_problems`."""
    today = clock.today()
    with transaction.atomic():
        locked = _staff_lock(renewal, actor)
        if locked.status == R.APPROVED:
            return locked
        problems = selectors.approval_problems(locked, today)
        if problems:
            raise RuleViolation(" ".join(problems))
        locked.decided_at, locked.decided_by = clock.now(), actor
        locked.save(update_fields=["decided_at", "decided_by"])
        _move(locked, R.APPROVED, actor=actor)
        certification_renew(
            certification=locked.certification, renewal_year=locked.year, actor=actor
        )
    return locked


@dataclass(frozen=True)
class Correction:
    target: str
    message: str
    field_name: str = ""
    ceu_id: int | None = None


def _correction_label(renewal: Renewal, c: RenewalCorrection) -> str:
    if c.target == CorrectionTarget.FIELD:
        from enrollment.selectors.applications import application_field_label

        return application_field_label(c.field_name)
    title = c.ceu.title if c.ceu else "a CEU"
    return f"CEU “{title}”" + (" (document)" if c.target == CorrectionTarget.DOCUMENT else "")


def renewal_return(
    *, renewal: Renewal, actor: User, corrections: list[Correction], note: str = ""
) -> Renewal:
    """Return a submitted renewal with at least one structured correction; the holder fixes
    and resubmits. A CEU named must be this renewal's. The sections a field belongs to must be
    confirmed again."""
    if not corrections or any(not c.message.strip() for c in corrections):
        raise RuleViolation("List at least one correction, each with what to fix.")
    with transaction.atomic():
        locked = _staff_lock(renewal, actor)
        if locked.status == R.RETURNED:
            return locked
        ceu_ids = set(locked.ceus.values_list("pk", flat=True))
        rows = []
        for c in corrections:
            if c.target in (CorrectionTarget.CEU, CorrectionTarget.DOCUMENT) and (
                c.ceu_id not in ceu_ids
            ):
                raise RuleViolation("A correction names a CEU that is not on this renewal.")
            if c.target == CorrectionTarget.FIELD and not c.field_name:
                raise RuleViolation("A field correction must name the field.")
            rows.append(
                RenewalCorrection(
                    renewal=locked,
                    target=c.target,
                    field_name=c.field_name,
                    ceu_id=c.ceu_id,
                    message=c.message.strip(),
                    created_by=actor,
                )
            )
        _move(locked, R.RETURNED, actor=actor, reason=note.strip())
        RenewalCorrection.objects.bulk_create(rows)
        _reopen_sections(locked, rows)
        saved = list(locked.corrections.filter(resolved_at__isnull=True).select_related("ceu"))
        labelled = [{"label": _correction_label(locked, c), "message": c.message} for c in saved]
        _mail(locked, "renewal_returned", corrections=labelled, note=note.strip())
    return locked


def _reopen_sections(renewal: Renewal, rows: list[RenewalCorrection]) -> None:
    from enrollment.sections import SECTION_OF_FIELD

    reopen = {SECTION_OF_FIELD.get(r.field_name) for r in rows if r.target == "field"}
    if reopen - {None}:
        renewal.sections_reviewed = [s for s in renewal.sections_reviewed if s not in reopen]
        renewal.save(update_fields=["sections_reviewed"])


def renewal_deny(*, renewal: Renewal, actor: User, reason: str) -> Renewal:
    """Deny (e.g. no longer employed by a qualifying agency), with the reason the holder reads."""
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation("Give the reason; the holder will read it.")
    with transaction.atomic():
        locked = _staff_lock(renewal, actor)
        if locked.status == R.DENIED:
            return locked
        _move(locked, R.DENIED, actor=actor, reason=reason)
        locked.decided_at, locked.decided_by, locked.decision_reason = clock.now(), actor, reason
        locked.save(update_fields=["decided_at", "decided_by", "decision_reason"])
        _mail(locked, "renewal_denied", reason=reason)
    return locked


def ceu_document_review(
    *, ceu: CeuEntry, actor: User, accepted: bool, reason: str = ""
) -> CeuEntry:
    """Staff accept or reject (reason required) one audited CEU's document."""
    reason = (reason or "").strip()
    if not accepted and not reason:
        raise RuleViolation("Give the reason for rejecting the document.")
    with transaction.atomic():
        locked = _staff_lock(ceu.renewal, actor)
        row = CeuEntry.objects.select_for_update().get(pk=ceu.pk, renewal=locked)
        if not row.has_document:
            raise RuleViolation("There is no document to review on this CEU.")
        if locked.status in (R.APPROVED, R.DENIED):
            raise RuleViolation("This renewal is decided.")
        row.document_review = DocumentReview.ACCEPTED if accepted else DocumentReview.REJECTED
        row.document_reason, row.reviewed_by, row.reviewed_at = reason, actor, clock.now()
        row.save(update_fields=["document_review", "document_reason", "reviewed_by", "reviewed_at"])
        _event(
            locked,
            "document_accepted" if accepted else "document_rejected",
            actor=actor,
            reason=f"CEU “{row.title}”" + (f": {reason}" if reason else ""),
        )
    return row


def renewal_late_fee_waive(*, renewal: Renewal, actor: User, reason: str) -> Renewal:
    """Staff waive the extra late fee (the delay was the office's), with a reason. No-op when
    already waived. Raises RuleViolation when no late fee is owed or it was paid."""
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation("Give the reason for waiving the late fee.")
    with transaction.atomic():
        locked = _staff_lock(renewal, actor)
        if locked.late_fee_waived:
            return locked
        if not selectors.late_fee_owed_cents(locked, clock.today()):
            raise RuleViolation("No late fee is owed on this renewal.")
        locked.late_fee_waived_at, locked.late_fee_waived_by = clock.now(), actor
        locked.late_fee_waiver_reason = reason
        locked.save(
            update_fields=["late_fee_waived_at", "late_fee_waived_by", "late_fee_waiver_reason"]
        )
        _event(locked, "late_fee_waived", actor=actor, reason=reason)
        _mail(locked, "renewal_late_fee_waived", reason=reason)
    return locked
