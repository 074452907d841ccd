"""The holder's yearly renewal: one path (sections → CEUs → employment → summary → sign → pay
and submit), the live "what's missing" panel, audit documents and the Renewal Summary Form.

Thin handlers: reads from `selectors.renewals`, writes through `services.renewals`. A renewal is
shown only to the holder of its certificate; anyone else gets a 404.
"""

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_http_methods, require_POST

from certification.models import CeuEntry
from certification.models.renewals import RENEWAL_SECTIONS
from certification.renewal_forms import (
    CeuForm,
    DocumentForm,
    RenewalSectionForm,
    SignForm,
    profile_application,
)
from certification.renewal_rules import CeuEntry as RuleEntry
from certification.renewal_rules import ceu_shortfall_detailed
from certification.selectors import renewals as selectors
from certification.selectors.certificates import certification_of_holder
from certification.selectors.ceus import ceu_rules_get
from certification.services import renewals as services
from enrollment.rules import RuleViolation
from enrollment.uploads import private_file_response
from lms import clock
from payments.models import PaymentStatus
from payments.providers import ProviderUnavailable


def _renewal_or_404(request: HttpRequest, pk: int):
    renewal = selectors.renewal_for_holder(user=request.user, pk=pk)
    if renewal is None:
        raise Http404("No such renewal.")
    return renewal


def _detail(renewal):
    return redirect("certification:renewal-detail", pk=renewal.pk)


def _page(renewal) -> dict:
    """The renewal page's context, with the fee checkout still open (it locks the renewal)."""
    return {
        **selectors.renewal_page(renewal, clock.today()),
        "open_checkout": selectors.renewal_open_checkout(renewal, clock.now()),
    }


@login_required
@require_http_methods(["GET", "POST"])
def renewal_home(request: HttpRequest) -> HttpResponse:
    """Where the dashboard and /certificate/ send the holder: their renewal, or its start."""
    certification = certification_of_holder(request.user)
    if certification is None:
        raise Http404("You have no certificate to renew.")
    current = selectors.renewal_current_for_holder(request.user)
    if current is not None:
        return _detail(current)
    if request.method == "POST":
        try:
            return _detail(services.renewal_start(certification=certification, user=request.user))
        except RuleViolation as refusal:
            messages.error(request, str(refusal))
    context = {
        "certification": certification,
        "year": selectors.renewal_year_of(certification),
        "phase": selectors.renewal_phase_of(certification, clock.today()),
    }
    return render(request, "certification/renewal/start.html", context)


@login_required
def renewal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    renewal = _renewal_or_404(request, pk)
    return render(request, "certification/renewal/detail.html", _page(renewal))


@login_required
@require_http_methods(["GET", "POST"])
def renewal_section(request: HttpRequest, pk: int, section: str) -> HttpResponse:
    renewal = _renewal_or_404(request, pk)
    if section not in RENEWAL_SECTIONS:
        raise Http404("No such section.")
    application = renewal.certification.application
    instance = profile_application(application, renewal.profile)
    data = request.POST if request.method == "POST" else None
    form = RenewalSectionForm(data, instance=instance, section=section)
    if request.method == "POST" and form.is_valid():
        try:
            services.renewal_section_save(
                renewal=renewal, user=request.user, section=section, values=form.values()
            )
        except RuleViolation as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, f"{form.section.title} confirmed.")
            return _next_section(renewal, section)
    context = {
        "renewal": renewal,
        "form": form,
        "section": form.section,
        "open_checkout": selectors.renewal_open_checkout(renewal, clock.now()),
    }
    status = 400 if form.errors else 200
    return render(request, "certification/renewal/section.html", context, status=status)


def _next_section(renewal, section: str) -> HttpResponse:
    index = RENEWAL_SECTIONS.index(section)
    if index + 1 < len(RENEWAL_SECTIONS):
        return redirect(
            "certification:renewal-section", pk=renewal.pk, section=RENEWAL_SECTIONS[index + 1]
        )
    return redirect("certification:renewal-ceus", pk=renewal.pk)


def _ceu_data(form: CeuForm) -> services.CeuData:
    data = form.cleaned_data
    return services.CeuData(
        category=data["category"],
        title=data["title"],
        provider=data["provider"],
        provider_type=data["provider_type"],
        hours=data["hours"],
        completed_on=data["completed_on"],
        unit=data["unit"],
    )


@login_required
@require_http_methods(["GET", "POST"])
def renewal_ceus(request: HttpRequest, pk: int, ceu_pk: int | None = None) -> HttpResponse:
    """The CEU list with the add (or edit) form and the live "what's missing" panel."""
    renewal = _renewal_or_404(request, pk)
    ceu = get_object_or_404(CeuEntry, pk=ceu_pk, renewal=renewal) if ceu_pk else None
    today = clock.today()
    initial = _ceu_initial(ceu)
    data = request.POST if request.method == "POST" else None
    form = CeuForm(data, request.FILES or None, initial=initial, today=today)
    if request.method == "POST" and form.is_valid():
        try:
            services.ceu_entry_save(
                renewal=renewal,
                user=request.user,
                data=_ceu_data(form),
                ceu=ceu,
                document=form.cleaned_data.get("document"),
            )
        except RuleViolation as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, "CEU saved.")
            return redirect("certification:renewal-ceus", pk=renewal.pk)
    context = {**_page(renewal), "form": form, "editing": ceu}
    status = 400 if form.errors else 200
    return render(request, "certification/renewal/ceus.html", context, status=status)


def _ceu_initial(ceu: CeuEntry | None) -> dict:
    if ceu is None:
        return {}
    names = ("category", "title", "provider", "provider_type", "unit", "hours", "completed_on")
    return {name: getattr(ceu, name) for name in names}


@login_required
@require_POST
def renewal_ceu_delete(request: HttpRequest, pk: int, ceu_pk: int) -> HttpResponse:
    renewal = _renewal_or_404(request, pk)
    ceu = get_object_or_404(CeuEntry, pk=ceu_pk, renewal=renewal)
    try:
        services.ceu_entry_delete(renewal=renewal, user=request.user, ceu=ceu)
        messages.success(request, "CEU removed.")
    except RuleViolation as refusal:
        messages.error(request, str(refusal))
    return redirect("certification:renewal-ceus", pk=renewal.pk)


def _typed_entry(post, today) -> RuleEntry | None:
    """The CEU being typed, when it is complete enough to count; else None."""
    from datetime import date

    try:
        hours = Decimal(post.get("hours", ""))
        completed_on = date.fromisoformat(post.get("completed_on", ""))
    except (InvalidOperation, ValueError):
        return None
    if not hours.is_finite() or hours <= 0 or completed_on > today:
        return None
    return RuleEntry(
        post.get("category", ""),
        hours,
        completed_on,
        post.get("unit", "ceu_hours"),
        post.get("provider_type", "other"),
    )


@login_required
@require_POST
def renewal_shortfall(request: HttpRequest, pk: int) -> JsonResponse:
    """The live panel: the shortfall with the CEU being typed counted in (not saved)."""
    renewal = _renewal_or_404(request, pk)
    skip = request.POST.get("editing", "")
    ceus = [c for c in renewal.ceus.all() if str(c.pk) != skip]
    entries = selectors.rule_entries(ceus)
    typed = _typed_entry(request.POST, clock.today())
    if typed is not None:
        entries.append(typed)
    try:
        shortfall = ceu_shortfall_detailed(entries, renewal.year, ceu_rules_get())
    except RuleViolation as error:
        return JsonResponse({"error": str(error)}, status=400)
    html = render_to_string(
        "certification/renewal/_shortfall.html",
        {"shortfall": selectors.shortfall_view(shortfall), "typed": typed is not None},
    )
    return JsonResponse({"met": shortfall.is_met, "html": html})


@login_required
@require_POST
def renewal_employment(request: HttpRequest, pk: int) -> HttpResponse:
    renewal = _renewal_or_404(request, pk)
    try:
        services.renewal_employment_request(renewal=renewal, user=request.user)
        messages.success(request, "Your employer was asked to confirm your employment.")
    except RuleViolation as refusal:
        messages.error(request, str(refusal))
    return _detail(renewal)


@login_required
@require_http_methods(["GET", "POST"])
def renewal_sign(request: HttpRequest, pk: int) -> HttpResponse:
    """The summary of everything to be submitted, and the signature."""
    renewal = _renewal_or_404(request, pk)
    initial = {"signed_name": renewal.signed_name or renewal.certification.holder_name}
    form = SignForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.renewal_sign(renewal=renewal, user=request.user, **form.cleaned_data)
        except RuleViolation as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, "Signed. Pay and submit to finish.")
            return _detail(renewal)
    context = {**_page(renewal), "form": form}
    status = 400 if form.errors else 200
    return render(request, "certification/renewal/sign.html", context, status=status)


@login_required
@require_POST
def renewal_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """Pay and submit: to the checkout, or submitted at once when nothing is due."""
    renewal = _renewal_or_404(request, pk)
    try:
        payment = services.renewal_checkout(
            renewal=renewal, user=request.user, base_url=request.build_absolute_uri("/")
        )
    except (RuleViolation, ProviderUnavailable) as refusal:
        messages.error(request, str(refusal))
        return _detail(renewal)
    if payment is None:
        messages.success(request, "Your renewal is submitted.")
        return _detail(renewal)
    return redirect(payment.checkout_url)


@login_required
@require_POST
def renewal_checkout_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """Give up the open payment (closed at the provider) to change the renewal."""
    renewal = _renewal_or_404(request, pk)
    try:
        payment = services.renewal_checkout_abandon(renewal=renewal, user=request.user)
    except (RuleViolation, ProviderUnavailable) as refusal:
        messages.error(request, str(refusal))
        return _detail(renewal)
    if payment is None or payment.status == PaymentStatus.EXPIRED:
        messages.success(
            request, "Payment cancelled: nothing was charged. You can change your renewal."
        )
    elif payment.status == PaymentStatus.PAID:
        messages.success(
            request,
            "Your payment had already gone through, so it was not cancelled: your renewal is "
            "submitted. Nothing more was charged.",
        )
    else:  # paid, but for what can no longer be done: flagged, and emailed by payments
        messages.error(
            request,
            "Your payment had already gone through, but the renewal could not take it. "
            "Certification staff have been told; we have emailed you.",
        )
    return _detail(renewal)


@login_required
@require_POST
def renewal_late_fee(request: HttpRequest, pk: int) -> HttpResponse:
    renewal = _renewal_or_404(request, pk)
    try:
        payment = services.renewal_late_fee_checkout(
            renewal=renewal, user=request.user, base_url=request.build_absolute_uri("/")
        )
    except (RuleViolation, ProviderUnavailable) as refusal:
        messages.error(request, str(refusal))
        return _detail(renewal)
    return redirect(payment.checkout_url)


@login_required
@require_POST
def renewal_document(request: HttpRequest, pk: int, ceu_pk: int) -> HttpResponse:
    """A drawn holder uploads the certificate or transcript of one CEU."""
    renewal = _renewal_or_404(request, pk)
    ceu = get_object_or_404(CeuEntry, pk=ceu_pk, renewal=renewal)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.ceu_document_upload(
                ceu=ceu, user=request.user, document=form.cleaned_data["document"]
            )
            messages.success(request, f"Document for “{ceu.title}” received: under review.")
        except RuleViolation as refusal:
            messages.error(request, str(refusal))
    else:
        messages.error(request, f"“{ceu.title}”: {' '.join(form.errors['document'])}")
    return _detail(renewal)


@login_required
def renewal_document_file(request: HttpRequest, pk: int, ceu_pk: int) -> HttpResponse:
    renewal = _renewal_or_404(request, pk)
    ceu = get_object_or_404(CeuEntry, pk=ceu_pk, renewal=renewal)
    if not ceu.has_document:
        raise Http404("No document.")
    return private_file_response(
        ceu.document_storage_name, filename=ceu.document_original_name, kind=ceu.document_kind
    )


@login_required
def renewal_summary_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The Renewal Summary Form, once submitted."""
    from certification.documents import renewal_summary_pdf as render_pdf

    renewal = _renewal_or_404(request, pk)
    if renewal.first_submitted_on is None:
        raise Http404("The summary form is produced at submission.")
    pdf = render_pdf(**selectors.renewal_summary(renewal))
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"renewal-summary-{renewal.year}-{renewal.certification.number}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response
