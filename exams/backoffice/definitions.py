"""Exam definitions (certification staff) and the exam's statistics page with its chart."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy

from exams.backoffice.base import AdminPage
from exams.chart import score_histogram_png
from exams.models import ExamDefinition
from exams.stats import histogram, item_statistics, score_percents


class DefinitionPermissionPolicy(ModelPermissionPolicy):
    """Definitions are never deleted (attempts point at them): make one inactive instead."""

    def user_has_permission(self, user, action):
        return action != "delete" and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


def stats_url(definition: ExamDefinition) -> str:
    return reverse("exam-definitions:stats", args=[definition.pk])


class DefinitionIndexView(IndexView):
    def get_list_more_buttons(self, instance):
        buttons = list(super().get_list_more_buttons(instance))
        if self.request.user.has_perm("exams.view_statistics"):
            buttons.append(MenuItem("Statistics", url=stats_url(instance), icon_name="table"))
        return buttons


class DefinitionStatsView(AdminPage):
    """The score distribution (a picture and its numbers) and every item's statistics."""

    permission = "exams.view_statistics"
    template_name = "exams/admin/definition_stats.html"
    page_title = "Exam statistics"
    header_icon = "table"

    @cached_property
    def definition(self):
        return get_object_or_404(ExamDefinition, pk=self.kwargs["pk"])

    def get_page_subtitle(self):
        return str(self.definition)

    def get_context_data(self, **kwargs):
        percents = score_percents(self.definition)
        rows = item_statistics(definition=self.definition)
        return super().get_context_data(
            definition=self.definition,
            count=len(percents),
            passed=sum(p >= self.definition.pass_mark_percent for p in percents),
            bins=histogram(percents),
            rows=rows,
            dubious=[row for row in rows if row.dubious],
            chart_url=reverse("exam-definitions:chart", args=[self.definition.pk]),
            **kwargs,
        )


class DefinitionChartView(DefinitionStatsView):
    def get(self, request, *args, **kwargs):
        png = score_histogram_png(
            score_percents(self.definition),
            pass_mark=self.definition.pass_mark_percent,
            title=f"{self.definition.title}: score distribution",
        )
        response = HttpResponse(png, content_type="image/png")
        response["Cache-Control"] = "private, no-store"
        return response


class ExamDefinitionViewSet(ModelViewSet):
    model = ExamDefinition
    name = "exam-definitions"
    icon = "list-ol"
    menu_label = "Exam definitions"
    index_view_class = DefinitionIndexView
    copy_view_enabled = False
    list_display = [
        "title",
        BooleanColumn("is_active", label="Active", sort_key="is_active"),
        Column("time_limit_minutes", label="Minutes"),
        Column("pass_mark_percent", label="Pass mark (%)"),
        Column("attempts_allowed", label="Attempts"),
        Column("item_count", label="Items"),
        Column(
            "statistics",
            label="Statistics",
            accessor=lambda d: format_html(
                '<a href="{}">Score chart and item statistics</a>', stats_url(d)
            ),
        ),
    ]

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("stats/<int:pk>/", DefinitionStatsView.as_view(), name="stats"),
            path("stats/<int:pk>/chart.png", DefinitionChartView.as_view(), name="chart"),
        ]
