"""The item bank in the admin: topics and items (snippets with revisions), each item's status
actions and its statistics per revision."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.widgets import Button, HeaderButton
from wagtail.snippets.views.snippets import EditView, IndexView, SnippetViewSet

from exams import rules
from exams.admin_forms import StatusForm
from exams.backoffice.base import AdminPage
from exams.backoffice.imports import ExportView, ImportView
from exams.models import ExamItem, ExamTopic, ItemStatus
from exams.models.bank import ITEM_TRANSITIONS
from exams.rules import RuleViolation
from exams.services.bank import item_status_set
from exams.stats import item_statistics

IS = ItemStatus
ACTION_LABELS = {
    IS.ACTIVE: "Make active (drawn into exams)",
    IS.NEEDS_REVIEW: "Mark as needing review",
    IS.RETIRED: "Retire",
    IS.DRAFT: "Back to draft",
}


def item_url(name: str, item: ExamItem) -> str:
    return reverse(ExamItem.snippet_viewset.get_url_name(name), args=[item.pk])


class ExamTopicViewSet(SnippetViewSet):
    model = ExamTopic
    icon = "tag"
    menu_label = "Exam topics"
    list_display = ["code", "name"]
    search_fields = ["code", "name"]
    search_backend_name = None
    copy_view_enabled = False


class ItemIndexView(IndexView):
    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if self.request.user.has_perm("exams.import_items"):
            viewset = ExamItem.snippet_viewset
            buttons += [
                HeaderButton(
                    "Import", url=reverse(viewset.get_url_name("import")), icon_name="upload"
                ),
                HeaderButton(
                    "Export GIFT", url=reverse(viewset.get_url_name("export")), icon_name="download"
                ),
            ]
        return buttons

    def get_list_more_buttons(self, instance):
        buttons = list(super().get_list_more_buttons(instance))
        user = self.request.user
        if user.has_perm("exams.change_examitem"):
            buttons.append(
                MenuItem("Status", url=item_url("status", instance), icon_name="tasks", priority=15)
            )
        if user.has_perm("exams.view_statistics"):
            buttons.append(
                MenuItem(
                    "Statistics", url=item_url("stats", instance), icon_name="table", priority=16
                )
            )
        return buttons


class ItemEditView(EditView):
    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        buttons.append(
            Button("Status", url=item_url("status", self.object), icon_name="tasks", priority=40)
        )
        if self.request.user.has_perm("exams.view_statistics"):
            buttons.append(
                Button(
                    "Statistics", url=item_url("stats", self.object), icon_name="table", priority=50
                )
            )
        return buttons

    def get_page_subtitle(self):
        return f"{self.object} ({self.object.get_status_display().lower()})"


class ItemStatusView(AdminPage):
    """The item's status and the moves it allows (activate, retire, clear a review, …)."""

    permission = "exams.change_examitem"
    template_name = "exams/admin/item_status.html"
    page_title = "Item status"
    header_icon = "tasks"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.item = get_object_or_404(ExamItem.objects.prefetch_related("options"), pk=kwargs["pk"])

    def get_page_subtitle(self):
        return str(self.item)

    def get_context_data(self, **kwargs):
        item = self.item
        allowed = ITEM_TRANSITIONS[IS(item.status)]
        return super().get_context_data(
            item=item,
            actions=[(to.value, ACTION_LABELS[to]) for to in IS if to in allowed],
            problems=rules.activation_problems(
                item.kind, item.option_pairs(), prompt=item.prompt, rationale=item.rationale
            ),
            edit_url=item_url("edit", item),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        form = StatusForm(request.POST)
        if form.is_valid() and form.cleaned_data["to"] in IS.values:
            try:
                item_status_set(
                    item=self.item,
                    to=form.cleaned_data["to"],
                    actor=request.user,
                    reason=form.cleaned_data["reason"],
                )
            except RuleViolation as refusal:
                messages.error(request, str(refusal))
            else:
                messages.success(
                    request, f"“{self.item}” is now {IS(form.cleaned_data['to']).label.lower()}."
                )
        return redirect(item_url("status", self.item))


class ItemStatsView(AdminPage):
    """Facility, discrimination and option distribution of one item, per revision served."""

    permission = "exams.view_statistics"
    template_name = "exams/admin/item_stats.html"
    page_title = "Item statistics"
    header_icon = "table"

    def get_context_data(self, **kwargs):
        item = get_object_or_404(ExamItem, pk=self.kwargs["pk"])
        self.page_subtitle = str(item)
        return super().get_context_data(
            item=item, rows=item_statistics(item=item), edit_url=item_url("edit", item), **kwargs
        )


class ExamItemViewSet(SnippetViewSet):
    """Editors keep the bank: items with revisions, filters by status, topic and kind."""

    model = ExamItem
    icon = "help"
    menu_label = "Exam items"
    index_view_class = ItemIndexView
    edit_view_class = ItemEditView
    list_display = [
        "__str__",
        "topic",
        Column("kind", label="Kind", accessor="get_kind_display", sort_key="kind"),
        Column("status", label="Status", accessor="get_status_display", sort_key="status"),
    ]
    list_filter = ["status", "topic", "kind"]
    list_per_page = 50
    search_fields = ["title", "prompt"]
    search_backend_name = None
    list_export = ["pk", "title", "topic", "kind", "status", "prompt", "rationale"]
    export_filename = "exam-items"

    def get_queryset(self, request):
        # the topic column and export read each item's topic: joined, not one query per row
        return ExamItem.objects.select_related("topic")

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("status/<int:pk>/", ItemStatusView.as_view(), name="status"),
            path("stats/<int:pk>/", ItemStatsView.as_view(), name="stats"),
            path("import/", ImportView.as_view(), name="import"),
            path("export/", ExportView.as_view(), name="export"),
        ]
