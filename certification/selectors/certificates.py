"""Reads about certificates: the status on a day, whether the holder may bill T1017 that day,
the public facts of a certificate number, the holder's own certificate and its lookups, the
staff "ready to certify" list and the dashboard step."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.db.models import Count, Max, QuerySet
from django.urls import reverse

from certification import rules
from certification.credentials.openbadge import credential_url, verify_page_url
from certification.models import BillingLimit, Certification, Level, VerificationLookup
from certification.selectors.employment import employment_active_list
from enrollment.models import Application, ApplicationStatus
from lms.models import User

MODIFIERS = {Level.CM1: "HM", Level.CM2: "HN"}
# Statuses beyond the rules' active / suspended / terminated.
REVOKED = "revoked"
SUPERSEDED = "superseded"
NOT_YET_ISSUED = "not_yet_issued"
STATUS_LABELS = {
    "active": "Active",
    "suspended": "Suspended (not renewed by June 30)",
    "terminated": "Terminated (not renewed)",
    REVOKED: "Revoked",
    SUPERSEDED: "Superseded by a CM II certification",
    NOT_YET_ISSUED: "Not yet issued on that date",
}


def site_url() -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/")


def certificate_urls(certification: Certification) -> dict[str, str]:
    """The public addresses of a certificate (spec section 7), absolute."""
    return {
        "verify": verify_page_url(site_url(), certification.number),
        "credential": credential_url(site_url(), certification.number),
    }


def certification_status_on(certification: Certification, on: date) -> str:
    """The status on `on`: an explicit revocation or supersession wins from its date; before
    the issue date it is not yet issued; otherwise the rules' status from `valid_through`."""
    if certification.revoked_on is not None and certification.revoked_on <= on:
        return REVOKED
    if certification.superseded_on is not None and certification.superseded_on <= on:
        return SUPERSEDED
    if on < certification.issued_on:
        return NOT_YET_ISSUED
    return str(rules.certification_status(certification.valid_through, on))


def may_bill_t1017(certification: Certification, on: date) -> bool:
    """Spec section 7: active on that day, and employment with a qualifying agency confirmed
    and not ended on that day."""
    return certification_status_on(certification, on) == "active" and (
        employment_active_list(person=certification.holder, on=on).exists()
    )


def certification_by_number(number: str) -> Certification | None:
    return (
        Certification.objects.filter(number__iexact=number.strip())
        .select_related("holder")
        .prefetch_related("endorsements")
        .first()
    )


def endorsement_names(certification: Certification) -> list[str]:
    return [e.get_kind_display() for e in certification.endorsements.all()]


def verification_facts(certification: Certification, on: date) -> dict[str, Any]:
    """Exactly the public JSON fields of spec section 7 (no email, address or birth date)."""
    may_bill = may_bill_t1017(certification, on)
    return {
        "number": certification.number,
        "holder": certification.holder_name,
        "level": certification.level,
        "status": certification_status_on(certification, on),
        "issued_on": certification.issued_on.isoformat(),
        "valid_through": certification.valid_through.isoformat(),
        "as_of": on.isoformat(),
        "may_bill_t1017": may_bill,
        "modifier": MODIFIERS[Level(certification.level)] if may_bill else None,
        "endorsements": endorsement_names(certification),
    }


@dataclass(frozen=True)
class BillingFacts:
    code: str
    unit_minutes: int
    daily_units: int
    monthly_units: int
    contract_type: str


def billing_facts(certification: Certification, on: date) -> list[BillingFacts]:
    """The T1017 limits that apply on `on`: those of the contract types of the holder's
    employers that day, or every contract type when there is none."""
    types = {
        e.agency.contract_type for e in employment_active_list(person=certification.holder, on=on)
    }
    limits = BillingLimit.objects.all()
    if types:
        limits = limits.filter(contract_type__in=types)
    return [
        BillingFacts(
            code=limit.code,
            unit_minutes=limit.unit_minutes,
            daily_units=limit.daily_units,
            monthly_units=limit.monthly_units,
            contract_type=limit.get_contract_type_display(),
        )
        for limit in limits
    ]


def certification_of_holder(user: User) -> Certification | None:
    """The holder's current certificate: the newest not superseded (else the newest)."""
    mine = Certification.objects.filter(holder=user).prefetch_related("endorsements")
    return mine.filter(superseded_on__isnull=True).first() or mine.first()


def active_cm1_of(user: User, on: date) -> Certification | None:
    """The person's own CM I certificate active on `on` (the CM I Upgrade starts from it)."""
    for certification in Certification.objects.filter(holder=user, level=Level.CM1):
        if certification_status_on(certification, on) == "active":
            return certification
    return None


def lookup_summary(certification: Certification) -> dict[str, Any]:
    """How often the holder's public page was checked, and by which agencies (for the holder)."""
    lookups = VerificationLookup.objects.filter(certification=certification)
    by_agency = (
        lookups.filter(agency__isnull=False)
        .values("agency__name")
        .annotate(checks=Count("id"), last=Max("checked_at"))
        .order_by("-checks", "agency__name")
    )
    return {
        "total": lookups.count(),
        "by_agency": [
            {"agency": row["agency__name"], "checks": row["checks"], "last": row["last"]}
            for row in by_agency
        ],
    }


def ready_to_certify_list() -> QuerySet[Application]:
    """Applications whose exam is passed and employment verified, oldest first (staff only)."""
    return (
        Application.objects.filter(status=ApplicationStatus.EMPLOYMENT_VERIFIED)
        .select_related("user", "agency")
        .order_by("last_submitted_at", "pk")
    )


def certification_dashboard_step(user: User) -> dict[str, Any]:
    """Step 9 for the applicant dashboard: {"title", "state" (done/current/locked), "detail",
    "action_url", "action_label"}."""
    title = "Certification"
    certification = certification_of_holder(user)
    if certification is not None:
        return {
            "title": title,
            "state": "done",
            "detail": f"Certificate {certification.number} ({certification.level}), "
            f"valid through {certification.valid_through:%B %-d, %Y}.",
            "action_url": reverse("certification:certificate-detail"),
            "action_label": "View and print your certificate",
        }
    waiting = user.applications.filter(status=ApplicationStatus.EMPLOYMENT_VERIFIED).exists()
    if waiting:
        return {
            "title": title,
            "state": "current",
            "detail": "Exam passed and employment confirmed: certification staff will issue "
            "your certificate.",
            "action_url": "",
            "action_label": "",
        }
    return {
        "title": title,
        "state": "locked",
        "detail": "Opens once the exam is passed and your employment is confirmed.",
        "action_url": "",
        "action_label": "",
    }
