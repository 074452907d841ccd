"""Certification in the Wagtail admin (staff back office): viewsets, listing filters and
exports for certificates, renewals, CEU audits and employment verifications are registered
here with `wagtail.hooks.register`, and so are certification's contributions to the hooks the
lower apps call (`application_approved`, `application_exam_passed`,
`application_missing_items`)."""

from django.urls import path
from wagtail import hooks
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from certification import admin_views
from certification.models import AgencyMembership, VerificationRequest
from certification.selectors.agency import person_name
from certification.selectors.verification import application_missing_items
from certification.services.verification import (
    application_exam_passed_check,
    verification_request_open,
    verification_requests_close_expired,
)
from enrollment.services.expiry import expiry_hook


@hooks.register("application_approved")
def ask_employer_to_verify(application, actor):
    verification_request_open(application=application, actor=actor)


@hooks.register("application_exam_passed")
def employment_verified_at_exam_pass(application):
    application_exam_passed_check(application)


hooks.register("application_missing_items", application_missing_items)
expiry_hook(verification_requests_close_expired)


# --- The back office: employment verifications and agency users --------------------------------


class VerificationPermissionPolicy(ModelPermissionPolicy):
    """Staff look and decide; nobody adds, edits or deletes a request through the admin."""

    def user_has_permission(self, user, action):
        return action in ("view", "change") and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


def _employer(request: VerificationRequest) -> str:
    return request.employer_name


def _person(request: VerificationRequest) -> str:
    return person_name(request.person)


register_permission_policy(VerificationRequest, VerificationPermissionPolicy(VerificationRequest))


class VerificationRequestViewSet(ModelViewSet):
    model = VerificationRequest
    name = "employment-verifications"
    icon = "tick-inverse"
    menu_label = "Employment verifications"
    add_to_reference_index = False
    inspect_view_enabled = True
    inspect_view_class = admin_views.VerificationInspectView
    copy_view_enabled = False
    form_fields = ["status"]  # no add or edit screen is reachable (the policy refuses them)
    list_per_page = 50
    ordering = "-created_at"
    list_display = [
        TitleColumn("id", label="No.", url_name="employment-verifications:inspect", sort_key="id"),
        Column("person", label="Applicant", accessor=_person),
        Column("employer", label="Employer", accessor=_employer),
        Column("status", label="Status", accessor="get_status_display", sort_key="status"),
        Column("application", label="Application", accessor="application_id"),
        Column("created_at", label="Requested", sort_key="created_at"),
        Column("decided_at", label="Decided", sort_key="decided_at"),
    ]
    list_filter = ["status", "agency", "on_paper"]
    search_fields = ["person__email", "person__last_name", "unlisted_agency_name"]
    search_backend_name = None
    list_export = [
        "id",
        "application_id",
        "person_email",
        "employer_name",
        "status",
        "created_at",
        "employed_since",
        "position",
        "is_case_management",
        "attester_name",
        "on_paper",
        "decided_at",
        "reason",
    ]
    export_headings = {"person_email": "Applicant email", "employer_name": "Employer"}
    export_filename = "employment-verifications"

    def get_queryset(self, request):
        return VerificationRequest.objects.select_related("person", "agency")

    def _action(self, view_class):
        return self.construct_view(view_class, **self.get_inspect_view_kwargs())

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("paper/<int:pk>/", self._action(admin_views.PaperAcceptView), name="paper"),
            path("reject/<int:pk>/", self._action(admin_views.RejectView), name="reject"),
            path(
                "add/<int:pk>/", self._action(admin_views.UnlistedAcceptView), name="unlisted-add"
            ),
            path(
                "refuse/<int:pk>/",
                self._action(admin_views.UnlistedRefuseView),
                name="unlisted-refuse",
            ),
            path("document/<int:pk>/", self._action(admin_views.DocumentView), name="document"),
        ]


class AgencyMembershipViewSet(ModelViewSet):
    model = AgencyMembership
    name = "agency-users"
    icon = "user"
    menu_label = "Agency users"
    add_to_reference_index = False
    add_view_class = admin_views.MembershipCreateView
    edit_view_class = admin_views.MembershipEditView
    delete_view_class = admin_views.MembershipDeleteView
    copy_view_enabled = False
    form_fields = ["agency", "role"]
    list_display = ["user", "agency", "role", "alert_status_changes", "alert_weekly_digest"]
    list_filter = ["agency", "role"]
    search_fields = ["user__email"]
    search_backend_name = None
    list_export = ["user", "agency", "role", "alert_status_changes", "alert_weekly_digest"]
    export_filename = "agency-users"


class AgencyGroup(ViewSetGroup):
    menu_label = "Agencies"
    menu_icon = "group"
    menu_order = 155
    items = (VerificationRequestViewSet, AgencyMembershipViewSet)


@hooks.register("register_admin_viewset")
def register_agency_viewsets():
    return AgencyGroup()


# --- CEU rules and the year's audit seed (renewal) ---------------------------------------------

from wagtail.admin.views.generic import DeleteView as _DeleteView  # noqa: E402

from certification.models import AuditSeed, CeuCap, CeuCategory, CeuConversion  # noqa: E402
from certification.services.ceus import ceu_rule_delete  # noqa: E402


class CeuRuleDeleteView(_DeleteView):
    """Deletes through the service, so the deletion is audited (and a drawn seed stays)."""

    def delete_action(self):
        ceu_rule_delete(instance=self.object, actor=self.request.user)


class _CeuRuleViewSet(ModelViewSet):
    add_to_reference_index = False
    copy_view_enabled = False
    delete_view_class = CeuRuleDeleteView
    search_backend_name = None


class CeuCategoryViewSet(_CeuRuleViewSet):
    model = CeuCategory
    name = "ceu-categories"
    icon = "list-ul"
    menu_label = "CEU categories"
    list_display = ["label", "key", "minimum_hours", "order"]
    list_export = ["key", "label", "minimum_hours", "order"]
    export_filename = "ceu-categories"


class CeuCapViewSet(_CeuRuleViewSet):
    model = CeuCap
    name = "ceu-caps"
    icon = "arrow-up"
    menu_label = "CEU caps"
    list_display = ["label", "provider_type", "max_hours_per_year"]
    list_export = ["provider_type", "label", "max_hours_per_year"]
    export_filename = "ceu-caps"


class CeuConversionViewSet(_CeuRuleViewSet):
    model = CeuConversion
    name = "ceu-conversions"
    icon = "resubmit"
    menu_label = "CEU conversions"
    list_display = ["label", "unit", "factor"]
    list_export = ["unit", "label", "factor"]
    export_filename = "ceu-conversions"


class AuditSeedViewSet(_CeuRuleViewSet):
    model = AuditSeed
    name = "audit-seeds"
    icon = "key"
    menu_label = "Audit seeds"
    list_display = ["year", "rate", "recorded_by", "recorded_at", "drawn_at", "published_on"]
    list_filter = ["year"]
    list_export = ["year", "rate", "recorded_at", "drawn_at", "published_on"]
    export_filename = "audit-seeds"


class RenewalRulesGroup(ViewSetGroup):
    menu_label = "Renewal rules"
    menu_icon = "tasks"
    menu_order = 156
    items = (CeuCategoryViewSet, CeuCapViewSet, CeuConversionViewSet, AuditSeedViewSet)


@hooks.register("register_admin_viewset")
def register_renewal_rule_viewsets():
    return RenewalRulesGroup()
