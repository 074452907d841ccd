"""The certification back office in the Wagtail admin: the applications review queue, the
qualifying agencies (certification staff) and the Approved Degree List (content editors)."""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.ui.tables import BooleanColumn, Column, TitleColumn
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from enrollment import home_facts  # noqa: F401  (registers the fee and deadline on the home page)
from enrollment.admin import panels  # noqa: F401  (registers the admin home's "needs action" items)
from enrollment.admin.applications import (
    EXPORT_COLUMNS,
    ApplicationApproveView,
    ApplicationDenyView,
    ApplicationEmployeeConfirmView,
    ApplicationEmployeeRevokeView,
    ApplicationIndexView,
    ApplicationInspectView,
    ApplicationPermissionPolicy,
    ApplicationReturnView,
    ApplicationTrackChangeView,
    ApplicationTrainingApproveView,
    ReferenceDeleteView,
    agency_name,
    delete_refusal,
)
from enrollment.admin.forms import ApplicationFilterSet
from enrollment.admin.sessions import register_session_admin
from enrollment.models import Application, ApprovedDegree, QualifyingAgency
from enrollment.selectors.applications import application_person_name
from enrollment.selectors.dashboard import enrollment_steps

# Before any viewset asks for a policy (and Wagtail would create the default one).
register_permission_policy(Application, ApplicationPermissionPolicy(Application))


class ApplicationViewSet(ModelViewSet):
    """Staff look at applications and decide; there is no add, edit, copy or delete."""

    model = Application
    name = "applications"
    icon = "form"
    menu_label = "Applications"
    # Applicant data stays out of Wagtail's reference index (its "usage" pages would show
    # applications to anyone who may edit a degree or an agency).
    add_to_reference_index = False
    index_view_class = ApplicationIndexView
    inspect_view_class = ApplicationInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    list_per_page = 50
    ordering = "last_submitted_at"  # the queue's order, see ApplicationIndexView
    list_display = [
        Column("id", label="No.", sort_key="id"),
        TitleColumn(
            "applicant",
            label="Applicant",
            accessor=application_person_name,
            url_name="applications:inspect",
            sort_key="legal_last_name",
        ),
        Column("track", label="Track", accessor="get_track_display", sort_key="track"),
        Column("status", label="Status", accessor="get_status_display", sort_key="status"),
        Column("agency", label="Agency", accessor=agency_name),
        BooleanColumn(
            "needs_transcript_review",
            label="Transcript review",
            sort_key="needs_transcript_review",
        ),
        Column("submitted_on", label="Submitted on", sort_key="submitted_on"),
        Column("expires_on", label="Expires on", sort_key="expires_on"),
    ]
    filterset_class = ApplicationFilterSet
    search_fields = ["legal_last_name", "legal_first_name", "user__email"]
    search_backend_name = None  # plain database lookups: Application is not search-indexed
    list_export = list(EXPORT_COLUMNS)
    export_headings = {field: heading for field, (heading, _) in EXPORT_COLUMNS.items()}
    export_filename = "applications"
    # No add or edit screen is reachable (the permission policy refuses them); this only
    # satisfies ModelViewSet, which builds a form class for its URL patterns.
    form_fields = ["track"]

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(
            approve_url_name=self.get_url_name("approve"),
            deny_url_name=self.get_url_name("deny"),
            return_url_name=self.get_url_name("return"),
            training_approve_url_name=self.get_url_name("training-approve"),
            employee_confirm_url_name=self.get_url_name("employee-confirm"),
            employee_revoke_url_name=self.get_url_name("employee-revoke"),
            track_change_url_name=self.get_url_name("track-change"),
            **kwargs,
        )

    def _decision_view(self, view_class):
        return self.construct_view(view_class, **self.get_inspect_view_kwargs())

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("approve/<int:pk>/", self._decision_view(ApplicationApproveView), name="approve"),
            path("deny/<int:pk>/", self._decision_view(ApplicationDenyView), name="deny"),
            path("return/<int:pk>/", self._decision_view(ApplicationReturnView), name="return"),
            path(
                "training-approve/<int:pk>/",
                self._decision_view(ApplicationTrainingApproveView),
                name="training-approve",
            ),
            path(
                "employee-confirm/<int:pk>/",
                self._decision_view(ApplicationEmployeeConfirmView),
                name="employee-confirm",
            ),
            path(
                "employee-revoke/<int:pk>/",
                self._decision_view(ApplicationEmployeeRevokeView),
                name="employee-revoke",
            ),
            path(
                "track-change/<int:pk>/",
                self._decision_view(ApplicationTrackChangeView),
                name="track-change",
            ),
        ]


class AgencyDeleteView(ReferenceDeleteView):
    application_field = "agency"


class QualifyingAgencyViewSet(ModelViewSet):
    """Certification staff keep the list of qualifying employers (add and change; no delete)."""

    model = QualifyingAgency
    name = "qualifying-agencies"
    icon = "group"
    menu_label = "Qualifying agencies"
    delete_view_class = AgencyDeleteView
    copy_view_enabled = False
    inspect_view_enabled = True
    list_display = ["name", "contract_type", "city", BooleanColumn("active", sort_key="active")]
    list_filter = ["contract_type", "active"]
    list_export = ["name", "contract_type", "get_contract_type_display", "city", "active"]
    export_headings = {
        "contract_type": "Contract type code",
        "get_contract_type_display": "Contract type",
    }
    export_filename = "qualifying-agencies"


class CertificationGroup(ViewSetGroup):
    menu_label = "Certification"
    menu_icon = "clipboard-list"
    menu_order = 150
    items = (ApplicationViewSet, QualifyingAgencyViewSet)


@hooks.register("register_admin_viewset")
def register_certification_viewsets():
    return CertificationGroup()


class ApprovedDegreeViewSet(SnippetViewSet):
    """The Approved Degree List, kept by content editors (staff may look)."""

    model = ApprovedDegree
    icon = "doc-full"
    menu_label = "Approved degrees"
    menu_order = 160
    add_to_admin_menu = True
    copy_view_enabled = False
    list_display = ["name", BooleanColumn("active", sort_key="active")]
    list_filter = ["active"]
    list_export = ["name", "active"]
    export_filename = "approved-degrees"


register_snippet(ApprovedDegreeViewSet)


@hooks.register("before_delete_snippet")
def refuse_deleting_degrees_in_use(request, instances):
    if instances and isinstance(instances[0], ApprovedDegree):
        index_url = reverse(ApprovedDegree.snippet_viewset.get_url_name("list"))
        return delete_refusal(request, list(instances), "degree", index_url)
    return None


hooks.register("register_admin_viewset", register_session_admin)


# --- Policy changes are audited (old and new values) ----------------------------------------------


@hooks.register("before_edit_setting")
def _policy_before_edit(request, instance):
    from enrollment.models import CertificationPolicy
    from enrollment.services.policy import policy_values

    if isinstance(instance, CertificationPolicy) and request.method == "POST":
        stored = CertificationPolicy.objects.get(pk=instance.pk)
        request.policy_before_edit = policy_values(stored)


@hooks.register("after_edit_setting")
def _policy_after_edit(request, instance):
    from enrollment.services.policy import policy_change_record

    before = getattr(request, "policy_before_edit", None)
    if before is not None:
        policy_change_record(before=before, row=instance, actor=request.user)


# The applicant dashboard: enrollment's own steps (1-3, 5 and 6).
hooks.register("dashboard_steps", enrollment_steps)


@hooks.register("demo_seeders", order=10)
def seed_enrollment_demo_data(stdout):
    """`seed_demo`'s enrollment part: agencies, sessions, one application at each step."""
    from enrollment.demo import seed_enrollment_demo

    seed_enrollment_demo()


@hooks.register("demo_seeders", order=50)
def seed_booking_demo_data(stdout):
    """`seed_demo`'s bookings, once payments' seeder (order 40) has paid the days."""
    from enrollment.demo import seed_booking_demo

    seed_booking_demo()
