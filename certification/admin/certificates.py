"""The certification back office in the Wagtail admin (certification staff only): the "ready to
certify" list and the issue confirmation, the certificates list (filter, CSV export) and one
certificate's page (history, endorsements, revoke)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from certification.admin_forms import EndorsementForm, ListFilterForm, RevokeForm
from certification.models import Certification
from certification.selectors import certificates as selectors
from certification.services.certificates import (
    certification_issue,
    certification_revoke,
    endorsement_add,
    issuing_refusal,
)
from enrollment.models import Application
from enrollment.rules import RuleViolation
from enrollment.selectors.applications import application_person_name
from lms import clock
from lms.exports import csv_safe
from lms.roles import Capability, can


def _staff_only(request: HttpRequest) -> None:
    if not can(request.user, Capability.ALL_APPLICANT_RECORDS):
        raise PermissionDenied


def _filtered(request: HttpRequest, queryset, *, name_fields, number_field=None):
    form = ListFilterForm(request.GET or None)
    if form.is_valid():
        query = form.cleaned_data["q"].strip()
        if query:
            condition = Q()
            for field in name_fields:
                condition |= Q(**{f"{field}__icontains": query})
            if number_field:
                condition |= Q(**{f"{number_field}__icontains": query})
            queryset = queryset.filter(condition)
        if form.cleaned_data["level"] and number_field:
            queryset = queryset.filter(level=form.cleaned_data["level"])
    return form, queryset


def _csv(filename: str, header: list[str], rows) -> HttpResponse:
    import csv

    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    writer = csv.writer(response)
    writer.writerow(header)
    for row in rows:
        writer.writerow([csv_safe(str(value)) for value in row])
    return response


def ready_list(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    form, applications = _filtered(
        request,
        selectors.ready_to_certify_list(),
        name_fields=["legal_last_name", "legal_first_name", "user__email"],
    )
    if request.GET.get("export") == "csv":
        return _csv(
            "ready-to-certify",
            ["Application", "Applicant", "Track", "Agency", "Expires on"],
            (
                [a.pk, application_person_name(a), a.get_track_display(), a.agency, a.expires_on]
                for a in applications
            ),
        )
    context = {
        "page_title": "Ready to certify",
        "header_title": "Ready to certify",
        "applications": [(a, application_person_name(a)) for a in applications],
        "filter_form": form,
    }
    return render(request, "certification/admin/ready_list.html", context)


@require_http_methods(["GET", "POST"])
def issue_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    _staff_only(request)
    application = get_object_or_404(Application.objects.select_related("user", "agency"), pk=pk)
    if request.method == "POST":
        try:
            certification = certification_issue(application=application, actor=request.user)
        except RuleViolation as refusal:
            messages.error(request, str(refusal))
            return redirect("certification_admin:issue", pk=pk)
        messages.success(
            request,
            f"Certificate {certification.number} issued to {certification.holder_name}; "
            "they were emailed that it is ready to print.",
        )
        return redirect("certification_admin:certificate", pk=certification.pk)
    context = {
        "page_title": f"Issue a certificate for application #{application.pk}",
        "header_title": "Issue a certificate",
        "application": application,
        "name": application_person_name(application),
        "refusal": issuing_refusal(application, clock.today()),
    }
    return render(request, "certification/admin/issue_confirm.html", context)


def certificate_list(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    form, certifications = _filtered(
        request,
        Certification.objects.select_related("holder"),
        name_fields=["holder_name", "holder__email"],
        number_field="number",
    )
    today = clock.today()
    rows = [
        (c, selectors.STATUS_LABELS[selectors.certification_status_on(c, today)])
        for c in certifications
    ]
    if request.GET.get("export") == "csv":
        return _csv(
            "certificates",
            ["Number", "Name", "Level", "Status", "Issued on", "Valid through"],
            ([c.number, c.holder_name, c.level, s, c.issued_on, c.valid_through] for c, s in rows),
        )
    context = {
        "page_title": "Certificates",
        "header_title": "Certificates",
        "rows": rows,
        "filter_form": form,
    }
    return render(request, "certification/admin/certificate_list.html", context)


@require_http_methods(["GET", "POST"])
def certificate_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _staff_only(request)
    certification = get_object_or_404(Certification.objects.select_related("holder"), pk=pk)
    revoke_form = RevokeForm(request.POST if request.POST.get("action") == "revoke" else None)
    endorse_form = EndorsementForm(
        request.POST if request.POST.get("action") == "endorse" else None
    )
    if request.method == "POST":
        form = revoke_form if request.POST.get("action") == "revoke" else endorse_form
        try:
            if revoke_form.is_valid():
                certification_revoke(
                    certification=certification,
                    actor=request.user,
                    reason=revoke_form.cleaned_data["reason"],
                )
                messages.success(request, f"Certificate {certification.number} revoked.")
                return redirect("certification_admin:certificate", pk=pk)
            if endorse_form.is_valid():
                endorsement_add(
                    certification=certification, actor=request.user, **endorse_form.cleaned_data
                )
                messages.success(request, "Endorsement recorded; the credential was re-signed.")
                return redirect("certification_admin:certificate", pk=pk)
        except RuleViolation as refusal:
            form.add_error(None, str(refusal))
    today = clock.today()
    context = {
        "page_title": f"Certificate {certification.number}",
        "header_title": certification.number,
        "certification": certification,
        "status_label": selectors.STATUS_LABELS[
            selectors.certification_status_on(certification, today)
        ],
        "events": certification.events.select_related("actor"),
        "endorsements": certification.endorsements.all(),
        "urls": selectors.certificate_urls(certification),
        "revoke_form": revoke_form,
        "endorse_form": endorse_form,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "certification/admin/certificate_detail.html", context, status=status)
