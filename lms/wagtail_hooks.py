from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.views.defaults import permission_denied
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.ui.components import Component
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from lms.admin_lists import related_index_view
from lms.exports import csv_safe
from lms.models import AuditEvent, OutboxMessage, OutboxStatus
from lms.services import OutboxRetryRefused, outbox_retry


class ReadOnlyPermissionPolicy(ModelPermissionPolicy):
    """Lets people with the view permission look; nobody, superusers included, may change."""

    def user_has_permission(self, user, action):
        return action == "view" and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


class OutboxPermissionPolicy(ReadOnlyPermissionPolicy):
    """Outgoing email: look (view), and send a failed one again (retry); nothing else."""

    def user_has_permission(self, user, action):
        if action == "retry":
            return ModelPermissionPolicy.user_has_permission(self, user, action)
        return super().user_has_permission(user, action)


register_permission_policy(AuditEvent, ReadOnlyPermissionPolicy(AuditEvent))
register_permission_policy(OutboxMessage, OutboxPermissionPolicy(OutboxMessage))


class AuditEventViewSet(ModelViewSet):
    model = AuditEvent
    icon = "history"
    menu_label = "Audit log"
    menu_order = 900
    add_to_admin_menu = True
    index_view_class = related_index_view("actor", "content_type")
    inspect_view_enabled = True
    copy_view_enabled = False
    # Written on every state change; nothing ever asks Wagtail's "usage" of an audit event.
    add_to_reference_index = False
    list_display = ["created_at", "actor_label", "verb", "content_type", "object_id", "to_state"]
    list_filter = {"verb": ["exact"], "content_type": ["exact"], "created_at": ["date__gte"]}
    list_export = [
        "created_at",
        "actor_label",
        "verb",
        "content_type",
        "object_id",
        "from_state",
        "to_state",
        "reason",
    ]
    export_filename = "audit-log"
    # No add or edit screen is reachable (the permission policy refuses them); this only
    # satisfies ModelViewSet, which builds a form class for its URL patterns.
    form_fields = ["reason"]
    inspect_view_fields = [
        "created_at",
        "actor",
        "verb",
        "content_type",
        "object_id",
        "from_state",
        "to_state",
        "reason",
    ]


class OutboxIndexView(IndexView):
    custom_value_preprocess = {
        **IndexView.custom_value_preprocess,
        str: {IndexView.FORMAT_CSV: csv_safe},
    }


class OutboxInspectView(InspectView):
    template_name = "lms/admin/outbox_inspect.html"
    retry_url_name = None
    inspect_url_name = None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_retry"] = self.object.status == OutboxStatus.FAILED and (
            self.permission_policy.user_has_permission(self.request.user, "retry")
        )
        context["retry_url"] = reverse(self.retry_url_name, args=[self.object.pk])
        return context


class OutboxRetryView(OutboxInspectView):
    """POST only: a failed email goes back to the outbox (audited) and is sent after commit."""

    http_method_names = ["post"]

    def dispatch(self, request, *args, **kwargs):
        if not self.permission_policy.user_has_permission(request.user, "retry"):
            return permission_denied(request, PermissionDenied())
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        message = get_object_or_404(OutboxMessage, pk=self.pk)
        try:
            outbox_retry(message=message, actor=request.user)
        except OutboxRetryRefused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, f"Email #{message.pk} is being sent again.")
        return redirect(self.inspect_url_name, message.pk)


class OutboxViewSet(ModelViewSet):
    """Every email the platform sends, its delivery status and last error. Read-only; a failed
    email can be sent again."""

    model = OutboxMessage
    icon = "mail"
    menu_label = "Outgoing email"
    menu_order = 910
    add_to_admin_menu = True
    add_to_reference_index = False
    index_view_class = OutboxIndexView
    inspect_view_class = OutboxInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    list_display = ["created_at", "subject", "recipients_label", "status", "attempts", "sent_at"]
    list_filter = {"status": ["exact"], "template": ["exact"], "created_at": ["date__gte"]}
    list_export = [
        "created_at",
        "message_id",
        "template",
        "recipients_label",
        "subject",
        "status",
        "attempts",
        "last_error",
        "sent_at",
    ]
    export_filename = "outgoing-email"
    form_fields = ["subject"]  # no add or edit screen is reachable (see the permission policy)
    inspect_view_fields = [
        "created_at",
        "message_id",
        "template",
        "recipients_label",
        "subject",
        "status",
        "attempts",
        "last_error",
        "next_attempt_at",
        "sent_at",
        "text",
    ]

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(retry_url_name=self.get_url_name("retry"), **kwargs)

    def get_urlpatterns(self):
        retry = self.construct_view(OutboxRetryView, **self.get_inspect_view_kwargs())
        return super().get_urlpatterns() + [path("retry/<int:pk>/", retry, name="retry")]


@hooks.register("register_admin_viewset")
def register_audit_viewset():
    return AuditEventViewSet("audit")


@hooks.register("register_admin_viewset")
def register_outbox_viewset():
    return OutboxViewSet("outbox")


# --- The admin home: what needs action ------------------------------------------------------------
# The contribution point "needs_action": each app registers `fn(request) -> list[NeedsAction]`
# (only the items the person may open); this panel shows them, each a count and a link.


@dataclass(frozen=True)
class NeedsAction:
    label: str  # "Applications awaiting review"
    count: int
    url: str  # the filtered list


class NeedsActionPanel(Component):
    name = "needs_action"
    order = 50  # above Wagtail's own panels
    template_name = "lms/admin/needs_action_panel.html"

    def __init__(self, items: list[NeedsAction]):
        self.items = items

    def get_context_data(self, parent_context=None):
        return {"items": self.items, "total": sum(item.count for item in self.items)}


def needs_action_items(request) -> list[NeedsAction]:
    items: list[NeedsAction] = []
    for contribute in hooks.get_hooks("needs_action"):
        items.extend(contribute(request))
    return items


@hooks.register("construct_homepage_panels")
def add_needs_action_panel(request, panels):
    items = needs_action_items(request)
    if items:
        panels.insert(0, NeedsActionPanel(items))
