"""The applicant's fee pages, the return from checkout, receipts, and the provider's webhook.

Views only route: reads come from `selectors`, writes go through `services`. A payment page is
shown to its owner and to staff who may view payments; anyone else gets a 404.
"""

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from enrollment.rules import RuleViolation
from enrollment.selectors.applications import application_current_for_user
from lms import clock
from payments import rules
from payments.forms import FeeChoiceForm
from payments.models import PaymentStatus
from payments.providers import InvalidEvent, ProviderUnavailable, get_provider
from payments.receipts import receipt_context, receipt_pdf
from payments.selectors import (
    fee_lines,
    fees_due,
    fees_payable,
    is_employee_confirmed,
    is_reapplication_fee_due,
    payment_get_for_user,
    payment_open_for,
    payment_return_state,
    payments_for_owner,
    receipt_get_for_user,
)
from payments.services import payment_start, webhook_receive

logger = logging.getLogger(__name__)


@csrf_exempt
@require_POST
def stripe_webhook(request):
    """Stripe calls this. Only a correctly signed, recent and well-formed event is read; anything
    else is a 400 whose reason is logged (the reason names fields, never their values)."""
    try:
        webhook_receive(
            provider=get_provider("stripe"),
            payload=request.body,
            signature=request.headers.get("Stripe-Signature", ""),
        )
    except InvalidEvent as exc:
        logger.warning("Refused a Stripe webhook: %s", exc)
        return HttpResponseBadRequest("invalid event")
    return HttpResponse("ok")


@login_required
def fees(request):
    """The fees of the current application; the person ticks which payable ones to pay now and
    pays them in one checkout."""
    application = application_current_for_user(user=request.user)
    payable = fees_payable(application) if application is not None else []
    form = FeeChoiceForm(request.POST if request.method == "POST" else None, payable=payable)
    if request.method == "POST":
        if not payable:
            messages.info(request, "There is nothing to pay right now.")
            return redirect("payments:fees")
        if form.is_valid():
            return _pay(request, application, form.items())
    context = {"application": application, "form": form}
    if application is not None:
        context.update(
            lines=fee_lines(application),
            payable=payable,
            total_cents=sum(fee.amount_cents for fee in payable),
            open_payment=payment_open_for(application, now=clock.now()).first(),
            claim_unconfirmed=application.odmhsas_employee
            and not is_employee_confirmed(application),
            reapplication_due=is_reapplication_fee_due(application),
            not_payable_note=_not_payable_note(application, payable),
            history=payments_for_owner(user=request.user, application=application),
        )
    return render(request, "payments/fees.html", context, status=400 if form.errors else 200)


def _not_payable_note(application, payable) -> str:
    """Why the pay button is missing, when it is."""
    if payable:
        return ""
    due = {fee.kind for fee in fees_due(application)}
    if not due:
        return "Nothing to pay: every fee is paid or waived."
    if application.status not in rules.REAPPLICATION_FEE_STATUSES | {"draft"}:
        return "This application is closed; nothing can be paid for it."
    notes = []
    if rules.REAPPLICATION_FEE in due:
        notes.append("The reapplication fee can be paid once your application is submitted.")
    if rules.DAY_FEE in due:
        notes.append("Classroom day fees can be paid once your web-based training is approved.")
    return " ".join(notes)


def _pay(request, application, items):
    try:
        payment = payment_start(
            application=application,
            items=items,
            user=request.user,
            base_url=request.build_absolute_uri("/"),
        )
    except (RuleViolation, ProviderUnavailable) as exc:
        messages.error(request, str(exc))
        return redirect("payments:fees")
    return redirect(payment.checkout_url)


def _payment_or_404(request, pk):
    payment = payment_get_for_user(user=request.user, pk=pk)
    if payment is None:
        raise Http404("No such payment.")
    return payment


def _return_context(request, payment) -> dict:
    returned = request.GET.get("checkout") == "done"
    state, final = payment_return_state(payment, now=clock.now(), returned=returned)
    return {"payment": payment, "state": state, "final": final, "returned": returned}


@login_required
@never_cache
def payment_return(request, pk):
    """Where the checkout sends the payer back. It never marks anything paid: it follows the
    payment (polling `payment_status`) until it is final, through any earlier decline."""
    payment = _payment_or_404(request, pk)
    return render(request, "payments/payment_return.html", _return_context(request, payment))


@login_required
@never_cache
@require_GET
def payment_status(request, pk):
    """The payment's status as JSON for the return page: the state shown, whether it is final,
    and the state's HTML to swap in."""
    payment = _payment_or_404(request, pk)
    context = _return_context(request, payment)
    html = render_to_string("payments/_payment_state.html", context, request=request)
    return JsonResponse(
        {
            "status": payment.status,
            "paid": payment.status == PaymentStatus.PAID,
            "state": context["state"],
            "final": context["final"],
            "html": html,
        }
    )


def _receipt_or_404(request, pk):
    payment = receipt_get_for_user(user=request.user, pk=pk)
    if payment is None:
        raise Http404("No such receipt.")
    return payment


@login_required
def receipt(request, pk):
    """A paid payment's printable receipt."""
    payment = _receipt_or_404(request, pk)
    return render(request, "payments/receipt.html", receipt_context(payment))


@login_required
def receipt_download(request, pk):
    """The same receipt as a PDF."""
    payment = _receipt_or_404(request, pk)
    pdf = receipt_pdf(payment, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="receipt-{payment.pk}.pdf"'
    return response
