"""The renewal queue in the Wagtail admin (certification staff only): the list, filterable by
status, year, drawn and late and exportable as CSV; one renewal's page with approve, return
with structured corrections, deny, the audit documents' review and the late-fee waiver."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from certification.admin.certificates import _csv, _staff_only
from certification.models import CeuEntry, Renewal
from certification.renewal_forms import (
    CorrectionForm,
    DocumentReviewForm,
    QueueFilterForm,
    ReasonForm,
)
from certification.selectors import renewals as selectors
from certification.services import renewals as services
from enrollment.rules import RuleViolation
from enrollment.uploads import private_file_response
from lms import clock


def renewal_list(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    form = QueueFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    renewals = selectors.renewal_queue(
        status=filters.get("status") or "",
        year=filters.get("year"),
        drawn=filters.get("drawn") or "",
        late=filters.get("late") or "",
    )
    if request.GET.get("export") == "csv":
        return _csv(
            "renewals",
            ["Renewal", "Year", "Certificate", "Name", "Status", "Submitted on", "Drawn", "Fee"],
            (
                [
                    r.pk,
                    r.year,
                    r.certification.number,
                    r.certification.holder_name,
                    r.get_status_display(),
                    r.first_submitted_on or "",
                    {True: "yes", False: "no"}.get(r.audit_selected, ""),
                    selectors.renewal_fee_display(r.fee_cents or 0),
                ]
                for r in renewals
            ),
        )
    context = {
        "page_title": "Renewals",
        "header_title": "Renewals",
        "renewals": renewals,
        "filter_form": form,
        "query": request.GET.urlencode(),
    }
    return render(request, "certification/admin/renewal_list.html", context)


def _decide(request: HttpRequest, renewal: Renewal, forms: dict) -> str | None:
    """Run the posted action; a message on success, or None (errors are on the forms)."""
    action = request.POST.get("action")
    actor = request.user
    if action == "approve":
        services.renewal_approve(renewal=renewal, actor=actor)
        return "Renewal approved; the certificate is renewed and the holder emailed."
    if action == "return" and forms["correction"].is_valid():
        data = forms["correction"].cleaned_data
        correction = services.Correction(
            target=data["target"],
            message=data["message"],
            field_name=data["field_name"] if data["target"] == "field" else "",
            ceu_id=data["ceu"] if data["target"] != "field" else None,
        )
        services.renewal_return(
            renewal=renewal, actor=actor, corrections=[correction], note=data["note"]
        )
        return "Renewal returned with the correction; the holder was emailed."
    if action == "deny" and forms["deny"].is_valid():
        services.renewal_deny(
            renewal=renewal, actor=actor, reason=forms["deny"].cleaned_data["reason"]
        )
        return "Renewal denied; the holder was emailed."
    if action == "waive" and forms["waive"].is_valid():
        services.renewal_late_fee_waive(
            renewal=renewal, actor=actor, reason=forms["waive"].cleaned_data["reason"]
        )
        return "Late fee waived."
    if action == "document" and forms["document"].is_valid():
        data = forms["document"].cleaned_data
        ceu = get_object_or_404(CeuEntry, pk=data["ceu"], renewal=renewal)
        services.ceu_document_review(
            ceu=ceu, actor=actor, accepted=data["decision"] == "accept", reason=data["reason"]
        )
        return "Document reviewed."
    return None


@require_http_methods(["GET", "POST"])
def renewal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _staff_only(request)
    renewal = get_object_or_404(
        Renewal.objects.select_related("certification", "certification__holder", "employer"),
        pk=pk,
    )
    action = request.POST.get("action") if request.method == "POST" else None

    def bound(name):
        return request.POST if action == name else None

    forms = {
        "correction": CorrectionForm(bound("return"), renewal=renewal),
        "deny": ReasonForm(bound("deny"), prefix="deny"),
        "waive": ReasonForm(bound("waive"), prefix="waive"),
        "document": DocumentReviewForm(bound("document")),
    }
    error = ""
    if request.method == "POST":
        try:
            message = _decide(request, renewal, forms)
        except RuleViolation as refusal:
            message, error = None, str(refusal)
        if message:
            messages.success(request, message)
            return redirect("certification_admin:renewal", pk=pk)
    today = clock.today()
    context = {
        "page_title": f"Renewal {renewal.year} of {renewal.certification.number}",
        "header_title": f"Renewal {renewal.year}: {renewal.certification.holder_name}",
        **selectors.renewal_page(renewal, today),
        "summary": selectors.renewal_summary(renewal),
        "problems": selectors.approval_problems(renewal, today),
        "error": error,
        **forms,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "certification/admin/renewal_detail.html", context, status=status)


def renewal_document_file(request: HttpRequest, pk: int, ceu_pk: int) -> HttpResponse:
    _staff_only(request)
    ceu = get_object_or_404(CeuEntry, pk=ceu_pk, renewal_id=pk)
    if not ceu.has_document:
        raise Http404("No document.")
    return private_file_response(
        ceu.document_storage_name, filename=ceu.document_original_name, kind=ceu.document_kind
    )
