from dataclasses import dataclass

from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from lms.models import AuditEvent


class ReadOnlyPermissionPolicy(ModelPermissionPolicy):
    """Lets people with the view permission look; nobody, superusers included, may change."""

    def user_has_permission(self, user, action):
        return action == "view" and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


register_permission_policy(AuditEvent, ReadOnlyPermissionPolicy(AuditEvent))


class AuditEventViewSet(ModelViewSet):
    model = AuditEvent
    icon = "history"
    menu_label = "Audit log"
    menu_order = 900
    add_to_admin_menu = True
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


@hooks.register("register_admin_viewset")
def register_audit_viewset():
    return AuditEventViewSet("audit")


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
