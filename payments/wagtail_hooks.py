"""Payments in the Wagtail admin: read-only for everyone (no add, edit, delete, refund); and
payments' contributions to the hooks enrollment calls: the fee gate before a booking
(`booking_checks`), each classroom day's fee on the booking page (`classroom_fee_status`), the
reapplication-fee notice on the dashboard (`dashboard_notices`) and the demo payments
(`demo_seeders`)."""

from django.urls import reverse
from wagtail import hooks
from wagtail.admin.ui.tables import BooleanColumn, Column, TitleColumn
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from lms.wagtail_hooks import ReadOnlyPermissionPolicy
from payments import (
    admin_panels,  # noqa: F401  (the admin home's "needs action" items)
    rules,
)
from payments.admin_views import (
    EXPORT_COLUMNS,
    PaymentFilterSet,
    PaymentIndexView,
    PaymentInspectView,
    amount_label,
    application_label,
)
from payments.models import Payment
from payments.selectors import (
    booking_fee_source,
    day_fee_status,
    is_reapplication_fee_due,
    payer_name,
)

register_permission_policy(Payment, ReadOnlyPermissionPolicy(Payment))


class PaymentViewSet(ModelViewSet):
    model = Payment
    # The site's own payment pages hold the "payments" URL namespace.
    name = "payments_admin"
    url_prefix = "payments"
    icon = "tasks"
    menu_label = "Payments"
    menu_order = 300
    add_to_admin_menu = True
    add_to_reference_index = False
    index_view_class = PaymentIndexView
    inspect_view_class = PaymentInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    list_per_page = 50
    ordering = "-created_at"
    list_display = [
        TitleColumn("id", label="No.", url_name="payments_admin:inspect", sort_key="id"),
        Column("application", label="Application", accessor=application_label),
        Column("person", label="Person", accessor=payer_name),
        Column("amount", label="Amount", accessor=amount_label, sort_key="amount_cents"),
        Column("status", label="Status", accessor="get_status_display", sort_key="status"),
        Column("paid_at", label="Paid at", sort_key="paid_at"),
        BooleanColumn("flagged", label="Flagged", sort_key="flagged"),
    ]
    filterset_class = PaymentFilterSet
    search_fields = [
        "checkout_session_id",
        "payment_intent_id",
        "application__legal_last_name",
        "application__user__email",
    ]
    search_backend_name = None  # plain database lookups: Payment is not search-indexed
    list_export = list(EXPORT_COLUMNS)
    export_headings = {field: heading for field, (heading, _) in EXPORT_COLUMNS.items()}
    export_filename = "payments"
    # No add or edit screen is reachable (the permission policy refuses them); this only
    # satisfies ModelViewSet, which builds a form class for its URL patterns.
    form_fields = ["flag_reason"]


@hooks.register("register_admin_viewset")
def register_payment_viewset():
    return PaymentViewSet()


@hooks.register("dashboard_notices")
def reapplication_fee_notice(application) -> list[dict]:
    """The applicant's dashboard: a CM I Upgrade's reapplication fee is due before the first
    classroom booking (spec section 2)."""
    if application.status not in rules.REAPPLICATION_FEE_STATUSES:
        return []
    if not is_reapplication_fee_due(application):
        return []
    return [
        {
            "text": "Your reapplication fee is due: it must be paid before you can book your "
            "first classroom day.",
            "url": reverse("payments:fees"),
            "label": "Pay the reapplication fee",
        }
    ]


hooks.register("booking_checks", booking_fee_source)


@hooks.register("classroom_fee_status")
def classroom_day_fees(*, application) -> dict[int, str]:
    """The booking page: each required day's fee, "paid", "exempt", "free" or "unpaid"."""
    return day_fee_status(application)


@hooks.register("demo_seeders", order=40)
def seed_payments_demo_data(stdout):
    """`seed_demo`'s payments part: the day fees of the demo applicants who book their days."""
    from payments.demo import seed_payments_demo

    seed_payments_demo()
