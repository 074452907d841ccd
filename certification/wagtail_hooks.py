"""Certification in the Wagtail admin (staff back office): the "ready to certify" list with its
issue confirmation and the certificates (list, CSV export, history, endorsements, revoke), for
certification staff only; the T1017 billing limits as a snippet."""

from django.urls import path
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSet
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from certification import admin_views
from certification.models import BillingLimit
from lms.roles import Capability, can


class StaffMenuItem(MenuItem):
    def is_shown(self, request):
        return can(request.user, Capability.ALL_APPLICANT_RECORDS)


class CertificationAdminViewSet(ViewSet):
    """`/admin/certification/`: ready to certify, issue, certificates, one certificate."""

    name = "certification_admin"
    url_prefix = "certification"
    icon = "success"
    menu_label = "Certification"
    menu_order = 210
    add_to_admin_menu = True
    menu_item_class = StaffMenuItem

    @property
    def menu_url(self):
        from django.urls import reverse

        return reverse("certification_admin:ready")

    def get_urlpatterns(self):
        return [
            path("", admin_views.ready_list, name="ready"),
            path("issue/<int:pk>/", admin_views.issue_confirm, name="issue"),
            path("certificates/", admin_views.certificate_list, name="certificates"),
            path("certificates/<int:pk>/", admin_views.certificate_detail, name="certificate"),
        ]


@hooks.register("register_admin_viewset")
def register_certification_admin():
    return CertificationAdminViewSet()


class BillingLimitViewSet(SnippetViewSet):
    model = BillingLimit
    icon = "table"
    menu_label = "T1017 limits"
    list_display = ["contract_type", "code", "unit_minutes", "daily_units", "monthly_units"]
    add_to_admin_menu = False


register_snippet(BillingLimitViewSet)


@hooks.register("track_start_checks")
def cm1_upgrade_starts_from_an_active_cm1(*, user, track):
    """The CM I Upgrade is a reapplication from the person's own active CM I certificate: found
    here (never typed), its number filled into the application; refused without one."""
    from certification.selectors.certificates import active_cm1_of
    from enrollment.rules import RuleViolation, Track
    from lms import clock

    if Track(track) != Track.CM1_UPGRADE:
        return {}
    cm1 = active_cm1_of(user, clock.today())
    if cm1 is None:
        raise RuleViolation(
            "The CM I Upgrade is for people who hold an active CM I certification, and we "
            "found none on your account. Apply as a CM II New Applicant (or CM II CPRP) instead, "
            "or renew your CM I first if it is suspended."
        )
    return {"cm1_certificate_number": cm1.number}
