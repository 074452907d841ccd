"""Payments in the Wagtail admin, read-only: the listing (filters, CSV/XLSX export) and the
inspect page with line items, the audit history and the provider events."""

from datetime import datetime
from typing import Any

import django_filters
from django import forms
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.widgets import AdminDateInput, BooleanRadioSelect

from lms import clock
from lms.models import AuditEvent
from payments.models import Payment, PaymentStatus, StripeEvent
from payments.receipts import PROVIDER_LABELS
from payments.selectors import payer_name, provider_reference


def staff_payments() -> QuerySet[Payment]:
    return Payment.objects.select_related("application__user")


def amount_label(payment: Payment) -> str:
    return f"${payment.amount_cents / 100:,.2f} {payment.currency.upper()}"


def application_label(payment: Payment) -> str:
    return f"#{payment.application_id}"


def _local(moment: datetime | None) -> datetime | None:
    """A stored (UTC) moment as a naive America/Chicago time, for spreadsheets."""
    return moment.astimezone(clock.LOCAL_TZ).replace(tzinfo=None) if moment else None


# Export column → (heading, value). Spreadsheets get plain values, not model objects.
EXPORT_COLUMNS: dict[str, tuple[str, Any]] = {
    "id": ("Payment", lambda p: p.pk),
    "application": ("Application", lambda p: p.application_id),
    "person": ("Person", payer_name),
    "email": ("Email", lambda p: p.application.user.email),
    "amount": ("Amount", lambda p: p.amount_cents / 100),
    "currency": ("Currency", lambda p: p.currency.upper()),
    "status": ("Status", lambda p: p.get_status_display()),
    "provider": ("Provider", lambda p: PROVIDER_LABELS.get(p.provider, p.provider)),
    "reference": ("Provider reference", provider_reference),
    "created_at": ("Created at", lambda p: _local(p.created_at)),
    "paid_at": ("Paid at", lambda p: _local(p.paid_at)),
    "flagged": ("Flagged", lambda p: "yes" if p.flagged else "no"),
    "flag_reason": ("Flag reason", lambda p: p.flag_reason),
}


class PaymentFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        choices=PaymentStatus.choices, widget=forms.RadioSelect, empty_label="All"
    )
    provider = django_filters.ChoiceFilter(
        choices=list(PROVIDER_LABELS.items()), widget=forms.RadioSelect, empty_label="All"
    )
    flagged = django_filters.BooleanFilter(
        label="Needs action (flagged)", widget=BooleanRadioSelect
    )
    created_from = django_filters.DateFilter(
        field_name="created_at",
        lookup_expr="date__gte",
        label="Created on or after",
        widget=AdminDateInput,
    )
    created_to = django_filters.DateFilter(
        field_name="created_at",
        lookup_expr="date__lte",
        label="Created on or before",
        widget=AdminDateInput,
    )

    class Meta:
        model = Payment
        fields = ["status", "provider", "flagged"]


class PaymentIndexView(IndexView):
    def get_base_queryset(self):
        return staff_payments()

    def to_row_dict(self, item):
        return {field: EXPORT_COLUMNS[field][1](item) for field in self.list_export}


def provider_events(payment: Payment) -> QuerySet[StripeEvent]:
    """The provider events stored about `payment`, oldest first."""
    about = Q(payload__data__object__metadata__payment_id=str(payment.pk)) | Q(
        payload__payment_id=payment.pk
    )
    if payment.checkout_session_id:
        about |= Q(payload__data__object__id=payment.checkout_session_id) | Q(
            payload__session_id=payment.checkout_session_id
        )
    return StripeEvent.objects.filter(about).order_by("received_at", "pk")


def audit_history(payment: Payment) -> QuerySet[AuditEvent]:
    content_type = ContentType.objects.get_for_model(Payment, for_concrete_model=False)
    return AuditEvent.objects.filter(
        content_type=content_type, object_id=str(payment.pk)
    ).select_related("actor")


class PaymentInspectView(InspectView):
    template_name = "payments/admin/payment_inspect.html"

    def get_object(self, queryset=None):
        return get_object_or_404(staff_payments(), pk=self.pk)

    def get_page_subtitle(self):
        return f"#{self.object.pk} {payer_name(self.object)}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        payment = self.object
        context.update(
            payment=payment,
            person=payer_name(payment),
            amount=amount_label(payment),
            reference=provider_reference(payment),
            provider_label=PROVIDER_LABELS.get(payment.provider, payment.provider),
            items=list(payment.items.order_by("pk")),
            history=list(audit_history(payment)),
            events=list(provider_events(payment)),
        )
        return context
