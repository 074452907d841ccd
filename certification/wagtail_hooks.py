"""Certification in the Wagtail admin (staff back office): the employment verifications and
agency users, the "ready to certify" list with its issue confirmation and the certificates
(list, CSV export, history, endorsements, revoke), the T1017 billing limits as a snippet; and
certification's contributions to the hooks the lower apps call (`application_approved`,
`application_exam_passed`, `application_missing_items`, `track_start_checks`,
`application_start_refusals`, `demo_seeders`, and steps 8 and 9 of the applicant dashboard
through `dashboard_steps`)."""

from django.urls import path
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.generic import DeleteView as _DeleteView
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from certification.admin import agencies as admin_views
from certification.admin import certificates as certificate_views
from certification.admin import renewals as renewal_views
from certification.insights import admin as insights_admin  # noqa: F401 (its hooks)
from certification.models import (
    AgencyMembership,
    AuditSeed,
    BillingLimit,
    CeuCap,
    CeuCategory,
    CeuConversion,
    VerificationRequest,
)
from certification.selectors.agency import person_name
from certification.selectors.certificates import certification_dashboard_step
from certification.selectors.verification import (
    application_missing_items,
    application_missing_items_prefetch,
    verification_dashboard_step,
)
from certification.services.ceus import ceu_rule_delete
from certification.services.verification import (
    application_exam_passed_check,
    verification_request_open,
    verification_requests_close_expired,
)
from enrollment.models import ApplicationStatus
from enrollment.selectors.dashboard import StepContent, StepContext, StepDefinition
from enrollment.services.expiry import expiry_hook
from lms.roles import Capability, can


@hooks.register("application_approved")
def ask_employer_to_verify(application, actor):
    verification_request_open(application=application, actor=actor)


@hooks.register("application_exam_passed")
def employment_verified_at_exam_pass(application):
    application_exam_passed_check(application)


hooks.register("application_missing_items", application_missing_items)
hooks.register("application_missing_items_prefetch", application_missing_items_prefetch)
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


# --- The back office: certificates -------------------------------------------------------------


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
            path("", certificate_views.ready_list, name="ready"),
            path("issue/<int:pk>/", certificate_views.issue_confirm, name="issue"),
            path("certificates/", certificate_views.certificate_list, name="certificates"),
            path(
                "certificates/<int:pk>/", certificate_views.certificate_detail, name="certificate"
            ),
            path("renewals/", renewal_views.renewal_list, name="renewals"),
            path("renewals/<int:pk>/", renewal_views.renewal_detail, name="renewal"),
            path(
                "renewals/<int:pk>/document/<int:ceu_pk>/",
                renewal_views.renewal_document_file,
                name="renewal-document",
            ),
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


@hooks.register("application_start_refusals")
def terminated_holders_wait_before_reapplying(*, user, today):
    """Spec section 4: after termination a new application waits until `reapply_allowed_on`."""
    from certification.selectors.calendar import reapplication_refusal

    return reapplication_refusal(user=user, today=today)


@hooks.register("demo_seeders", order=90)
def seed_certification_demo_data(stdout):
    """`seed_demo`'s certification part: the demo agency's attester and pending verification,
    `certified@`, `lapsed@` and `ready@` (see `certification/demo.py`)."""
    from certification.demo import seed_certification_demo

    for email, number in seed_certification_demo().items():
        stdout.write(f"  {email:<28} certificate {number or '(ready to certify)'}")


def _verification_content(context: StepContext) -> StepContent:
    content = verification_dashboard_step(context.application)
    return StepContent(content.detail, content.action_url, content.action_label)


def _verification_locked(context: StepContext) -> StepContent:
    if context.application is None:
        return StepContent("Opens once you have passed the competency exam")
    return _verification_content(context)


def _certification_content(context: StepContext) -> StepContent:
    content = certification_dashboard_step(context.application.user)
    return StepContent(content["detail"], content["action_url"], content["action_label"])


@hooks.register("dashboard_steps")
def certification_dashboard_steps():
    """Steps 8 (verification of employment) and 9 (certification) of the applicant dashboard:
    where the request to the employer stands, and the certificate once issued."""
    S = ApplicationStatus
    return [
        StepDefinition(
            8,
            "Verification of employment",
            is_done=lambda c: c.reached(S.EMPLOYMENT_VERIFIED),
            is_current=lambda c: c.status is S.EXAM_PASSED,
            done=lambda c: StepContent(f"Employment verified{c.on(S.EMPLOYMENT_VERIFIED)}"),
            current=_verification_content,
            locked=_verification_locked,
        ),
        StepDefinition(
            9,
            "Certification",
            is_done=lambda c: c.reached(S.CERTIFIED),
            is_current=lambda c: c.status is S.EMPLOYMENT_VERIFIED,
            done=_certification_content,
            current=_certification_content,
            locked="Opens once a qualifying agency has verified your employment",
        ),
    ]


# --- CEU rules and the year's audit seed (renewal) ---------------------------------------------


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


# --- Renewals: pay-and-submit through payments' hooks, and the holder's notices -----------------


@hooks.register("payment_paid")
def submit_renewal_when_paid(payment):
    from certification.services.renewals import renewal_payment_paid

    renewal_payment_paid(payment)


@hooks.register("payment_closed_reason")
def renewal_payment_closed(payment) -> str:
    from certification.services.renewals import renewal_payment_closed_reason

    return renewal_payment_closed_reason(payment)


@hooks.register("dashboard_notices")
def renewal_dashboard_notice(application) -> list[dict]:
    from certification.selectors.renewals import renewal_notice
    from lms import clock

    notice = renewal_notice(application.user, clock.today())
    return [notice] if notice else []
