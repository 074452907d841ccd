"""The agency portal at /agency/ (spec section 7). Every page is scoped to the signed-in
user's own agency (`membership_get`); anyone without a membership gets 403, another agency's
record a 404, and a viewer may look but not attest, end employment or upload a roster."""

import csv
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render

from certification.forms import AlertsForm, ConfirmForm, EmploymentEndForm, RefuseForm, RosterForm
from certification.models import VerificationStatus
from certification.selectors.agency import (
    STAFF_COLUMNS,
    agency_staff_list,
    employment_get_for_agency,
    membership_get,
    staff_row_values,
    verification_request_get_for_agency,
)
from certification.services.agencies import agency_alerts_choose
from certification.services.employment import employment_end
from certification.services.roster import RosterRejected, roster_upload
from certification.services.verification import Answer, verification_confirm, verification_refuse
from enrollment.rules import RuleViolation
from lms import clock
from lms.exports import csv_safe
from lms.roles import Capability, can

STATUS_FILTERS = [
    ("", "Any status"),
    ("active", "Active"),
    ("suspended", "Suspended"),
    ("terminated", "Terminated"),
    ("revoked", "Revoked"),
    ("none", "No certificate yet"),
    ("pending", "Verification pending"),
]


def agency_member(*, attester: bool = False):
    """The view gets `membership`; no membership → 403; a viewer on an attester page → 403."""

    def decorate(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            membership = membership_get(request.user)
            if membership is None or not can(request.user, Capability.AGENCY_STAFF):
                raise PermissionDenied
            if attester and not membership.is_attester:
                raise PermissionDenied
            return view(request, membership, *args, **kwargs)

        return wrapped

    return decorate


def _filters(request) -> dict[str, str]:
    return {k: request.GET.get(k, "").strip()[:100] for k in ("q", "status", "bill")}


@agency_member()
def portal(request, membership):
    """The agency's case managers and its pending verification requests."""
    today = clock.today()
    filters = _filters(request)
    rows = agency_staff_list(membership=membership, today=today, **filters)
    pending = [r for r in agency_staff_list(membership=membership, today=today, status="pending")]
    context = {
        "membership": membership,
        "rows": rows,
        "pending": pending,
        "filters": filters,
        "status_filters": STATUS_FILTERS,
        "today": today,
        "query": request.GET.urlencode(),
    }
    return render(request, "certification/agency/portal.html", context)


@agency_member()
def staff_csv(request, membership):
    rows = agency_staff_list(membership=membership, today=clock.today(), **_filters(request))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="staff.csv"'
    writer = csv.writer(response)
    writer.writerow([heading for _, heading in STAFF_COLUMNS])
    for row in rows:
        writer.writerow([csv_safe(value) for value in staff_row_values(row)])
    return response


@agency_member()
def verification(request, membership, pk):
    """One verification request: its answer, or (for an attester) the confirm and refuse forms."""
    voe = verification_request_get_for_agency(membership=membership, pk=pk)
    is_open = voe.status == VerificationStatus.PENDING
    confirm_form, refuse_form = ConfirmForm(prefix="c"), RefuseForm(prefix="r")
    if request.method == "POST":
        if not (membership.is_attester and is_open):
            raise PermissionDenied
        if "refuse" in request.POST:
            refuse_form = RefuseForm(request.POST, prefix="r")
            if _refuse(request, voe, refuse_form):
                return redirect("certification:agency-portal")
        else:
            confirm_form = ConfirmForm(request.POST, request.FILES, prefix="c")
            if _confirm(request, voe, confirm_form):
                return redirect("certification:agency-portal")
    context = {
        "membership": membership,
        "voe": voe,
        "is_open": is_open,
        "confirm_form": confirm_form,
        "refuse_form": refuse_form,
    }
    return render(request, "certification/agency/verification.html", context)


def _confirm(request, voe, form) -> bool:
    if not form.is_valid():
        return False
    data = form.cleaned_data
    answer = Answer(data["employed_since"], data["position"], data["is_case_management"] == "yes")
    try:
        verification_confirm(
            request=voe,
            actor=request.user,
            answer=answer,
            attester_name=data["attester_name"],
            attested=data["attested"],
            document=data.get("document"),
        )
    except (RuleViolation, ValidationError) as error:
        form.add_error(None, error.messages if isinstance(error, ValidationError) else str(error))
        return False
    messages.success(request, f"Employment of {voe.person.get_full_name()} confirmed.")
    return True


def _refuse(request, voe, form) -> bool:
    if not form.is_valid():
        return False
    try:
        verification_refuse(request=voe, actor=request.user, reason=form.cleaned_data["reason"])
    except RuleViolation as error:
        form.add_error("reason", str(error))
        return False
    messages.success(request, "The request was refused; the applicant has been told why.")
    return True


@agency_member(attester=True)
def employment_end_view(request, membership, pk):
    employment = employment_get_for_agency(membership=membership, pk=pk)
    form = EmploymentEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            employment_end(
                employment=employment, actor=request.user, ended_on=form.cleaned_data["ended_on"]
            )
        except RuleViolation as error:
            form.add_error("ended_on", str(error))
        else:
            messages.success(request, "Recorded: the person no longer works here from that day.")
            return redirect("certification:agency-portal")
    context = {"membership": membership, "employment": employment, "form": form}
    return render(request, "certification/agency/employment_end.html", context)


@agency_member(attester=True)
def roster(request, membership):
    form = RosterForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        try:
            counts = roster_upload(
                membership=membership, actor=request.user, data=form.cleaned_data["file"].read()
            )
        except RosterRejected as rejected:
            problems = rejected.problems
            form.add_error("file", str(rejected))
        else:
            messages.success(
                request,
                "Roster applied: {added} added, {updated} updated, {removed} removed.".format(
                    **counts
                ),
            )
            return redirect("certification:agency-portal")
    context = {"membership": membership, "form": form, "problems": problems}
    return render(request, "certification/agency/roster.html", context)


@agency_member()
def alerts(request, membership):
    initial = {
        "status_changes": membership.alert_status_changes,
        "weekly_digest": membership.alert_weekly_digest,
    }
    form = AlertsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        agency_alerts_choose(
            membership=membership,
            status_changes=form.cleaned_data["status_changes"],
            weekly_digest=form.cleaned_data["weekly_digest"],
        )
        messages.success(request, "Your alert choices are saved.")
        return redirect("certification:agency-portal")
    return render(
        request, "certification/agency/alerts.html", {"membership": membership, "form": form}
    )
