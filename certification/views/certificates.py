"""The holder's `/certificate/`, the public `/verify/…`, the issuer's `/.well-known/did.json`
and status lists (spec section 7). Thin handlers: they call selectors and services."""

from datetime import date

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from certification.models import AgencyMembership, PublishedStatusList, StatusListPurpose
from certification.selectors import certificates as selectors
from certification.selectors.renewals import renewal_notice
from certification.services.credentials import current_issuer
from certification.services.lookups import lookup_record
from lms import clock
from lms.ratelimit import rate_limit_hit

JSON_TYPE = "application/json"
LD_TYPE = "application/vc+ld+json"


def _rate_limited(request: HttpRequest) -> bool:
    """One gate for every public verification request, per client address and minute, on the
    platform's shared rate-limit counters (`lms.ratelimit`: Redis in production)."""
    limit = int(getattr(settings, "VERIFY_RATE_LIMIT_PER_MINUTE", 60))
    return not rate_limit_hit(request, action="certificate_lookup", rate=f"{limit}/m/ip")


def _too_many(as_json: bool) -> HttpResponse:
    message = "Too many lookups from your address; wait a minute and try again."
    if as_json:
        return JsonResponse({"error": message}, status=429)
    return HttpResponse(message, status=429, content_type="text/plain")


def viewer_agency(user):
    """The agency of a signed-in agency user (recorded with a lookup); None for anyone else."""
    if not user.is_authenticated:
        return None
    membership = AgencyMembership.objects.filter(user=user).select_related("agency").first()
    return membership.agency if membership else None


def _as_of(request: HttpRequest) -> tuple[date, str]:
    """The day asked about (`?on=YYYY-MM-DD`, default today) and an error message, if bad."""
    raw = request.GET.get("on", "").strip()
    if not raw:
        return clock.today(), ""
    try:
        return date.fromisoformat(raw), ""
    except ValueError:
        return clock.today(), "Enter the date as YYYY-MM-DD, for example 2026-07-01."


@require_GET
def verify_lookup(request: HttpRequest) -> HttpResponse:
    number = request.GET.get("number", "").strip()
    error = ""
    if number:
        if _rate_limited(request):
            return _too_many(False)
        found = selectors.certification_by_number(number)
        if found is not None:
            return redirect("certification:verify-detail", number=found.number)
        error = "No certificate has that number. Check it and try again."
    status = 404 if error else 200
    return render(
        request,
        "certification/verify_lookup.html",
        {"number": number, "error": error},
        status=status,
    )


@require_GET
def verify_detail(request: HttpRequest, number: str) -> HttpResponse:
    if _rate_limited(request):
        return _too_many(False)
    certification = selectors.certification_by_number(number)
    if certification is None:
        raise Http404("No certificate has that number.")
    on, date_error = _as_of(request)
    facts = selectors.verification_facts(certification, on)
    lookup_record(certification=certification, as_of=on, agency=viewer_agency(request.user))
    context = {
        "facts": facts,
        "status_label": selectors.STATUS_LABELS[facts["status"]],
        "is_today": on == clock.today(),
        "on_value": request.GET.get("on", ""),
        "date_error": date_error,
        "billing": selectors.billing_facts(certification, on),
        "superseded_by": certification.superseded_by,
        "urls": selectors.certificate_urls(certification),
    }
    return render(request, "certification/verify_detail.html", context)


@require_GET
def verify_json(request: HttpRequest, number: str) -> JsonResponse:
    if _rate_limited(request):
        return _too_many(True)
    certification = selectors.certification_by_number(number)
    if certification is None:
        return JsonResponse({"error": "not_found", "number": number}, status=404)
    on, date_error = _as_of(request)
    if date_error:
        return JsonResponse({"error": "bad_date", "message": date_error}, status=400)
    lookup_record(certification=certification, as_of=on, agency=viewer_agency(request.user))
    response = JsonResponse(selectors.verification_facts(certification, on))
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def verify_credential(request: HttpRequest, number: str) -> HttpResponse:
    certification = selectors.certification_by_number(number)
    if certification is None or not certification.credential_json:
        return JsonResponse({"error": "not_found", "number": number}, status=404)
    response = HttpResponse(certification.credential_json.encode("utf-8"), content_type=LD_TYPE)
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def status_list(request: HttpRequest, purpose: str) -> HttpResponse:
    if purpose not in StatusListPurpose.values:
        raise Http404("No such status list.")
    row = PublishedStatusList.objects.filter(purpose=purpose).first()
    if row is None:
        raise Http404("The status list is not published yet.")
    response = HttpResponse(row.credential_json.encode("utf-8"), content_type=LD_TYPE)
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_GET
def did_document(request: HttpRequest) -> JsonResponse:
    response = JsonResponse(current_issuer().did_document())
    response["Access-Control-Allow-Origin"] = "*"
    return response


@login_required
def certificate_detail(request: HttpRequest) -> HttpResponse:
    certification = selectors.certification_of_holder(request.user)
    if certification is None:
        return render(request, "certification/certificate_none.html", status=404)
    today = clock.today()
    context = {
        "certification": certification,
        "facts": selectors.verification_facts(certification, today),
        "status_label": selectors.STATUS_LABELS[
            selectors.certification_status_on(certification, today)
        ],
        "urls": selectors.certificate_urls(certification),
        "lookups": selectors.lookup_summary(certification),
        "events": certification.events.all(),
        "pdf_url": reverse("certification:certificate-pdf"),
        "renewal_notice": renewal_notice(request.user, today),
    }
    return render(request, "certification/certificate_detail.html", context)


@login_required
def certificate_pdf(request: HttpRequest) -> HttpResponse:
    from certification.documents import certificate_pdf as render_pdf

    certification = selectors.certification_of_holder(request.user)
    if certification is None or not certification.credential_json:
        raise Http404("You have no certificate yet.")
    pdf = render_pdf(
        name=certification.holder_name,
        number=certification.number,
        level=certification.level,
        issued_on=certification.issued_on,
        valid_through=certification.valid_through,
        endorsements=selectors.endorsement_names(certification),
        verify_url=selectors.certificate_urls(certification)["verify"],
        credential_json=certification.credential_json,
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{certification.number}.pdf"'
    return response
