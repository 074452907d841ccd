"""The insight pages' place in the Wagtail admin: `/admin/insights/`, a menu item only
certification staff see (the views refuse everyone else)."""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSet

from certification.insights import views
from lms.roles import Capability, can


class InsightsMenuItem(MenuItem):
    def is_shown(self, request):
        return can(request.user, Capability.ALL_APPLICANT_RECORDS)


class InsightsViewSet(ViewSet):
    name = "insights"
    url_prefix = "insights"
    icon = "view"
    menu_label = "Insights"
    menu_order = 205
    add_to_admin_menu = True
    menu_item_class = InsightsMenuItem

    @property
    def menu_url(self):
        return reverse("insights:index")

    def get_urlpatterns(self):
        return [
            path("", views.index, name="index"),
            path("pipeline/", views.pipeline, name="pipeline"),
            path("renewals/", views.renewals, name="renewals"),
            path("classroom/", views.classroom, name="classroom"),
            path("exam/", views.exam, name="exam"),
            path("agencies/", views.agencies, name="agencies"),
        ]


@hooks.register("register_admin_viewset")
def register_insights():
    return InsightsViewSet()
