"""Reads of renewals: the holder's own, the staff queue, what is missing before submission or
approval, the fees, and the invariant check. Every read is scoped to who is asking."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Q, QuerySet

from certification.models import (
    Certification,
    CeuEntry,
    DocumentReview,
    Renewal,
    RenewalStatus,
    VerificationStatus,
)
from certification.renewal_rules import (
    CeuEntry as RuleEntry,
)
from certification.renewal_rules import (
    CeuShortfall,
    ceu_shortfall_detailed,
    late_fee_due,
)
from certification.selectors.ceus import ceu_rules_get
from certification.selectors.employment import is_employed_on
from enrollment.rules import RuleViolation, renewal_fee, renewal_phase
from enrollment.selectors.applications import policy_get
from lms.models import User
from payments.models import Payment, PaymentStatus
from payments.selectors import is_employee_confirmed, payment_open_for

R = RenewalStatus
RENEWAL_REFERENCE = "renewal:"
LATE_FEE_REFERENCE = "renewal-late:"


def renewal_year_of(certification: Certification) -> int:
    """The year the certification must next be renewed: its valid-through (a Jun 30) year."""
    return certification.valid_through.year


def renewal_for_holder(*, user: User, pk: int) -> Renewal | None:
    """Renewal `pk` when `user` holds its certification; None for anyone else."""
    if not user.is_authenticated:
        return None
    return (
        Renewal.objects.select_related("certification", "employer", "verification")
        .filter(pk=pk, certification__holder=user)
        .first()
    )


def renewal_current_for_holder(user: User) -> Renewal | None:
    """The holder's renewal of their current certification's renewal year, if started."""
    if not user.is_authenticated:
        return None
    from certification.selectors.certificates import certification_of_holder

    certification = certification_of_holder(user)
    if certification is None:
        return None
    return Renewal.objects.filter(
        certification=certification, year=renewal_year_of(certification)
    ).first()


def renewal_queue(
    *, status: str = "", year: int | None = None, drawn: str = "", late: str = ""
) -> QuerySet[Renewal]:
    """The staff queue (staff only: the caller checks), filtered; oldest submission first."""
    renewals = Renewal.objects.select_related("certification", "certification__holder")
    if status:
        renewals = renewals.filter(status=status)
    else:
        renewals = renewals.exclude(status=R.DRAFT)
    if year:
        renewals = renewals.filter(year=year)
    if drawn in ("yes", "no"):
        renewals = renewals.filter(audit_selected=(drawn == "yes"))
    if late == "yes":
        renewals = renewals.filter(
            Q(first_submitted_on__month__gte=7) | Q(late_fee_payment__isnull=False)
        )
    elif late == "no":
        renewals = renewals.filter(first_submitted_on__month__lte=6)
    return renewals.order_by("submitted_at", "pk")


def rule_entries(ceus) -> list[RuleEntry]:
    return [RuleEntry(c.category, c.hours, c.completed_on, c.unit, c.provider_type) for c in ceus]


def renewal_shortfall(renewal: Renewal, ceus=None) -> CeuShortfall:
    """What is still missing of the year's CEU requirement, with the hours that did not count."""
    ceus = list(renewal.ceus.all()) if ceus is None else ceus
    return ceu_shortfall_detailed(rule_entries(ceus), renewal.year, ceu_rules_get())


def renewal_open_checkout(renewal: Renewal, now: datetime) -> Payment | None:
    """The checkout for the renewal's fee the holder can still complete, if any: while it is
    open the renewal is what is being paid for, so it cannot change."""
    application = renewal.certification.application
    if application is None or renewal.first_submitted_on is not None:
        return None
    reference = f"{RENEWAL_REFERENCE}{renewal.pk}"
    return payment_open_for(application, now=now).filter(reference=reference).first()


def is_fee_exempt(renewal: Renewal) -> bool:
    """An ODMHSAS employee whose employment with ODMHSAS staff confirmed on the application."""
    application = renewal.certification.application
    return bool(application and application.odmhsas_employee and is_employee_confirmed(application))


def fee_due_cents(renewal: Renewal, today: date) -> int:
    """What submitting on `today` costs, in cents. Raises RuleViolation when the phase is closed."""
    fee = renewal_fee(
        renewal.year, today, odmhsas_employee=is_fee_exempt(renewal), policy=policy_get()
    )
    return int(fee * 100)


def late_fee_owed_cents(renewal: Renewal, today: date) -> int:
    """The extra late fee this renewal still owes before approval (0 when paid or waived)."""
    if renewal.first_submitted_on is None or _paid(renewal.late_fee_payment):
        return 0
    decided = (
        renewal.decided_at.date() if renewal.status == R.APPROVED and renewal.decided_at else today
    )
    due = late_fee_due(
        renewal.year,
        renewal.first_submitted_on,
        max(decided, renewal.first_submitted_on),
        odmhsas_employee=renewal.odmhsas_employee,
        waived=renewal.late_fee_waived,
        policy=policy_get(),
    )
    return int(due * 100)


def _paid(payment) -> bool:
    return payment is not None and payment.status == PaymentStatus.PAID


def is_fee_settled(renewal: Renewal) -> bool:
    """The fee due at submission was paid, or was $0 (exempt)."""
    if renewal.fee_cents is None:
        return False
    return renewal.fee_cents == 0 or _paid(renewal.fee_payment)


def is_employment_confirmed(renewal: Renewal, today: date) -> bool:
    """The employer confirmed the renewal's re-verification and the employment covers today."""
    verification = renewal.verification
    return (
        verification is not None
        and verification.status == VerificationStatus.CONFIRMED
        and is_employed_on(person=renewal.certification.holder, on=today)
    )


def audit_document_problems(renewal: Renewal, ceus=None) -> list[str]:
    """For a drawn renewal: each CEU without a document, or whose document staff rejected."""
    if not renewal.audit_selected:
        return []
    ceus = list(renewal.ceus.all()) if ceus is None else ceus
    problems = []
    for ceu in ceus:
        if not ceu.has_document:
            problems.append(f"“{ceu.title}”: the certificate or transcript is missing.")
        elif ceu.document_review == DocumentReview.REJECTED:
            problems.append(f"“{ceu.title}”: the document was rejected ({ceu.document_reason}).")
    return problems


@dataclass(frozen=True)
class Readiness:
    """Steps of the holder's path still to do (step key → what is missing)."""

    missing: dict[str, str]

    @property
    def ready(self) -> bool:
        return not self.missing


def submission_problems(renewal: Renewal, today: date) -> Readiness:
    """What stops the holder submitting (sections, CEUs, employer, signature, phase)."""
    from certification.models.renewals import RENEWAL_SECTIONS

    missing: dict[str, str] = {}
    unreviewed = [s for s in RENEWAL_SECTIONS if s not in (renewal.sections_reviewed or [])]
    if unreviewed:
        missing["sections"] = (
            "Review and confirm: " + ", ".join(s.title() for s in unreviewed) + "."
        )
    shortfall = renewal_shortfall(renewal)
    if not shortfall.is_met:
        parts = [f"{hours} {key.replace('_', ' ')}" for key, hours in shortfall.missing.items()]
        missing["ceus"] = "CEU hours still missing: " + ", ".join(parts) + "."
    if renewal.employer_id is None or not renewal.employer.active:
        missing["employment"] = (
            "Name your current qualifying employer: without one the renewal cannot be approved."
        )
    elif renewal.verification_id is None:
        missing["employment"] = "Ask your employer to confirm your employment."
    if not (renewal.signed_at and renewal.attested and renewal.signed_name.strip()):
        missing["sign"] = "Sign the renewal: type your full name and tick the attestation."
    if renewal_phase(renewal.year, today) not in ("open", "late"):
        missing["phase"] = f"Renewals of {renewal.year} are not accepted on {today:%B %-d, %Y}."
    return Readiness(missing)


def approval_problems(renewal: Renewal, today: date) -> list[str]:
    """Why staff cannot approve `renewal` today (empty: it may be approved)."""
    problems = []
    if renewal.status != R.SUBMITTED:
        problems.append(f"The renewal is {renewal.get_status_display().lower()}, not submitted.")
    if not is_fee_settled(renewal):
        problems.append("The renewal fee is not paid.")
    try:
        if late_fee_owed_cents(renewal, today):
            problems.append("The late fee is owed (paid by the holder or waived by staff).")
    except RuleViolation as error:
        problems.append(str(error))
    if not renewal_shortfall(renewal).is_met:
        problems.append("The CEU requirement is not met.")
    if not is_employment_confirmed(renewal, today):
        problems.append("Employment with a qualifying agency is not confirmed.")
    if renewal.audit_selected:
        problems += audit_document_problems(renewal)
        unreviewed = renewal.ceus.filter(document_review=DocumentReview.NONE).exists()
        if unreviewed:
            problems.append("Every audited CEU document must be accepted first.")
    return problems


def ceus_for(renewal: Renewal) -> QuerySet[CeuEntry]:
    return renewal.ceus.all()


def renewal_invariant_problems() -> list[str]:
    """Impossible renewal states, one line each: approved without its fee or CEUs, an audited
    renewal approved with a rejected or missing document, submitted without payment."""
    problems = []
    settled = Q(fee_cents=0) | Q(fee_payment__status=PaymentStatus.PAID)
    unpaid = Renewal.objects.filter(status__in=[R.SUBMITTED, R.RETURNED, R.APPROVED]).exclude(
        settled
    )
    for renewal in unpaid.select_related("certification"):
        problems.append(f"{renewal}: {renewal.get_status_display().lower()} without its fee paid.")
    approved = Renewal.objects.filter(status=R.APPROVED).prefetch_related("ceus")
    for renewal in approved.select_related("certification"):
        ceus = list(renewal.ceus.all())
        if not renewal_shortfall(renewal, ceus).is_met:
            problems.append(f"{renewal}: approved without its CEUs met.")
        if renewal.audit_selected and (
            audit_document_problems(renewal, ceus)
            or any(c.document_review != DocumentReview.ACCEPTED for c in ceus)
        ):
            problems.append(f"{renewal}: audited and approved with a document not accepted.")
    return problems


def renewal_fee_display(cents: int) -> str:
    return f"${Decimal(cents) / 100:,.2f}"


def renewal_phase_of(certification: Certification, today: date) -> str:
    return renewal_phase(renewal_year_of(certification), today)


def shortfall_view(shortfall: CeuShortfall) -> dict:
    """The "what's missing" panel: each unmet requirement in words, what counted, what not."""
    labels = {c.key: c.label for c in ceu_rules_get().categories} | {"total": "In all"}
    return {
        "met": shortfall.is_met,
        "missing": [(labels.get(k, k), v) for k, v in shortfall.missing.items()],
        "counted": [(labels.get(k, k), v) for k, v in shortfall.counted.items()],
        "excluded": [(e.entry, e.hours_not_counted, e.message) for e in shortfall.excluded],
    }


def _fee_text(renewal: Renewal, today: date) -> str:
    if renewal.first_submitted_on is not None:
        return renewal_fee_display(renewal.fee_cents or 0) + " (paid at submission)"
    try:
        cents = fee_due_cents(renewal, today)
    except RuleViolation as error:
        return str(error)
    if cents == 0:
        return "$0.00: ODMHSAS employees are exempt from the renewal fee"
    return renewal_fee_display(cents)


def renewal_page(renewal: Renewal, today: date) -> dict:
    """Everything the holder's renewal pages show."""
    from certification.models.renewals import RENEWAL_SECTIONS

    ceus = list(renewal.ceus.all())
    shortfall = renewal_shortfall(renewal, ceus)
    excluded = {e.index: e.message for e in shortfall.excluded}
    reviewed = set(renewal.sections_reviewed or [])
    late_cents = 0
    try:
        late_cents = late_fee_owed_cents(renewal, today)
    except RuleViolation:
        pass
    return {
        "renewal": renewal,
        "certification": renewal.certification,
        "sections": [(key, key.title(), key in reviewed) for key in RENEWAL_SECTIONS],
        "ceus": [(c, excluded.get(i, "")) for i, c in enumerate(ceus)],
        "shortfall": shortfall_view(shortfall),
        "readiness": submission_problems(renewal, today),
        "fee_text": _fee_text(renewal, today),
        "late_fee_owed": renewal_fee_display(late_cents) if late_cents else "",
        "employment_confirmed": is_employment_confirmed(renewal, today),
        "corrections": list(
            renewal.corrections.filter(resolved_at__isnull=True).select_related("ceu")
        ),
        "audit_documents_missing": audit_document_problems(renewal, ceus),
        "events": list(renewal.events.all()),
        "phase": renewal_phase(renewal.year, today),
    }


def renewal_summary(renewal: Renewal) -> dict:
    """What the Renewal Summary Form prints: the renewal as submitted."""
    from enrollment.selectors.applications import application_field_label

    sections = []
    for key, values in (renewal.profile or {}).items():
        rows = []
        for name, value in values.items():
            if value in (None, "", False):
                continue
            if name == "agency":
                value = renewal.employer.name if renewal.employer else value
            elif name == "degree":
                continue
            rows.append((application_field_label(name), str(value)))
        sections.append((key.title(), rows))
    return {
        "renewal": renewal,
        "sections": sections,
        "ceus": list(renewal.ceus.all()),
        "fee": renewal_fee_display(renewal.fee_cents or 0),
    }


def renewal_notice(user: User, today: date) -> dict | None:
    """The dashboard's and /certificate/'s renewal notice, from Jan 1 of the renewal year."""
    from certification.selectors.certificates import certification_of_holder

    if not user.is_authenticated:
        return None
    certification = certification_of_holder(user)
    if certification is None or certification.revoked_on or certification.superseded_on:
        return None
    year = renewal_year_of(certification)
    phase = renewal_phase(year, today)
    renewal = Renewal.objects.filter(certification=certification, year=year).first()
    if phase not in ("open", "late") and renewal is None:
        return None
    from django.urls import reverse

    url = reverse("certification:renewal-home")
    if renewal is None:
        due = "by June 30" if phase == "open" else "by December 30 (late: the $25 late fee applies)"
        return {
            "text": f"Your {year} renewal is open: renew {due}.",
            "url": url,
            "label": f"Renew for {year}",
        }
    texts = {
        R.DRAFT: f"Your {year} renewal is in progress.",
        R.SUBMITTED: f"Your {year} renewal is submitted and waiting for review.",
        R.RETURNED: f"Your {year} renewal was returned: corrections are needed.",
        R.APPROVED: f"Your {year} renewal is approved.",
        R.DENIED: f"Your {year} renewal was not approved.",
    }
    text = texts[renewal.status]
    if renewal.audit_selected and audit_document_problems(renewal):
        text += " You were selected for the CEU audit: upload your CEU documents."
    return {"text": text, "url": url, "label": "Your renewal"}
