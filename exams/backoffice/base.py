"""Small building blocks for the exam's custom admin pages."""

from django.core.exceptions import PermissionDenied
from django.urls import reverse_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin


class AdminPage(WagtailAdminTemplateMixin, TemplateView):
    """A Wagtail admin page guarded by one Django permission ("app.codename")."""

    permission: str = ""
    header_icon = "form"
    breadcrumbs_items = [{"url": reverse_lazy("wagtailadmin_home"), "label": "Home"}]

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated or not request.user.has_perm(self.permission):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]
