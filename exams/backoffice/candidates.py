"""Certification staff's side of candidates: early exam grants, extra-time decisions, attempts.
Nobody (superusers included) edits or deletes these records in the admin: grants and decisions go
through the services, attempts are the candidates'."""

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import path, reverse
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import BooleanColumn, Column, TitleColumn
from wagtail.admin.views.generic import CreateView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy

from enrollment.models import Application
from exams.admin_forms import AccommodationDecisionForm
from exams.models import (
    AccommodationRequest,
    AccommodationStatus,
    AttemptStatus,
    ExamAttempt,
    ExamGrant,
)
from exams.rules import RuleViolation
from exams.selectors import GRANTABLE_STATUSES
from exams.services.access import accommodation_approve, accommodation_deny, exam_grant_create
from lms.admin_lists import related_index_view


class ActionsPolicy(ModelPermissionPolicy):
    """Only the listed actions exist for the model (others are refused to everyone)."""

    def __init__(self, model, actions):
        super().__init__(model)
        self.actions = frozenset(actions)

    def user_has_permission(self, user, action):
        return action in self.actions and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


def email_of(obj) -> str:
    return obj.user.email


# --- grants ----------------------------------------------------------------------------------


class GrantForm(WagtailAdminModelForm):
    application = forms.ModelChoiceField(
        queryset=Application.objects.filter(status__in=GRANTABLE_STATUSES),
        widget=forms.NumberInput,
        label="Application number",
        help_text="An approved application still in progress (the number staff see in the queue).",
        error_messages={"invalid_choice": "No approved application in progress has that number."},
    )

    class Meta:
        model = ExamGrant
        fields = ["application", "reason"]


class GrantCreateView(CreateView):
    def form_valid(self, form):
        self.form = form
        try:
            self.object = exam_grant_create(
                application=form.cleaned_data["application"],
                actor=self.request.user,
                reason=form.cleaned_data["reason"],
            )
        except RuleViolation as refusal:
            form.add_error(None, str(refusal))
            self.produced_error_message = str(refusal)
            return self.form_invalid(form)
        return self.save_action()


class ExamGrantViewSet(ModelViewSet):
    model = ExamGrant
    name = "exam-grants"
    icon = "key"
    menu_label = "Exam grants"
    index_view_class = related_index_view("application", "granted_by")
    add_view_class = GrantCreateView
    copy_view_enabled = False
    inspect_view_enabled = True
    add_to_reference_index = False
    edit_handler = ObjectList(
        [FieldPanel("application"), FieldPanel("reason")], base_form_class=GrantForm
    )
    list_display = [
        Column("application", label="Application"),
        Column("granted_by", label="Granted by"),
        Column("created_at", label="When"),
        Column("reason", label="Reason"),
    ]


# --- accommodations --------------------------------------------------------------------------


class AccommodationInspectView(InspectView):
    template_name = "exams/admin/accommodation_inspect.html"
    decide_url_name = None
    inspect_url_name = None

    def get_context_data(self, **kwargs):
        request = self.object
        can_decide = request.status == AccommodationStatus.PENDING and self.request.user.has_perm(
            "exams.decide_accommodation"
        )
        return super().get_context_data(
            request_obj=request,
            can_decide=can_decide,
            decide_url=reverse(self.decide_url_name, args=[request.pk]),
            form=kwargs.pop("form", None) or AccommodationDecisionForm(),
            document_url=reverse("exams:accommodation-document", args=[request.pk])
            if request.document_storage_name
            else None,
            **kwargs,
        )


class AccommodationDecideView(AccommodationInspectView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        if not request.user.has_perm("exams.decide_accommodation"):
            raise PermissionDenied
        form = AccommodationDecisionForm(request.POST)
        form.is_valid()
        note = form.cleaned_data.get("note", "")
        try:
            if request.POST.get("decision") == "approve":
                accommodation_approve(request=self.object, actor=request.user, note=note)
            else:
                accommodation_deny(request=self.object, actor=request.user, note=note)
        except RuleViolation as refusal:
            messages.error(request, str(refusal))
            return self.render_to_response(self.get_context_data(form=form))
        messages.success(request, "Decision recorded; the candidate has been emailed.")
        return redirect(self.inspect_url_name, self.object.pk)


class AccommodationViewSet(ModelViewSet):
    model = AccommodationRequest
    name = "exam-accommodations"
    icon = "time"
    menu_label = "Extra time requests"
    index_view_class = related_index_view("user")
    inspect_view_enabled = True
    inspect_view_class = AccommodationInspectView
    copy_view_enabled = False
    add_to_reference_index = False
    form_fields = ["reason"]  # no add or edit screen is reachable (see the policy)
    list_display = [
        TitleColumn(
            "user", label="Candidate", accessor=email_of, url_name="exam-accommodations:inspect"
        ),
        Column("allowance_label", label="Asked for"),
        Column("status", label="Status", accessor="get_status_display", sort_key="status"),
        Column("created_at", label="Asked on", sort_key="created_at"),
    ]
    list_filter = ["status"]

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(
            decide_url_name=self.get_url_name("decide"),
            inspect_url_name=self.get_url_name("inspect"),
            **kwargs,
        )

    def get_urlpatterns(self):
        decide = self.construct_view(AccommodationDecideView, **self.get_inspect_view_kwargs())
        return super().get_urlpatterns() + [path("decide/<int:pk>/", decide, name="decide")]


# --- attempts --------------------------------------------------------------------------------


class AttemptInspectView(InspectView):
    template_name = "exams/admin/attempt_inspect.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            attempt=self.object,
            items=self.object.items.select_related("topic"),
            **kwargs,
        )


class AttemptFilterSet(WagtailFilterSet):
    # a paper drawn ahead (READY) is nobody's attempt: the list never holds one to filter for
    status = django_filters.ChoiceFilter(
        choices=[c for c in AttemptStatus.choices if c[0] != AttemptStatus.READY],
        empty_label="All",
    )

    class Meta:
        model = ExamAttempt
        fields = ["status", "passed", "definition"]


class ExamAttemptViewSet(ModelViewSet):
    model = ExamAttempt
    name = "exam-attempts"
    icon = "doc-full"
    menu_label = "Exam attempts"
    index_view_class = related_index_view("user", "application")
    inspect_view_enabled = True
    inspect_view_class = AttemptInspectView
    copy_view_enabled = False
    add_to_reference_index = False
    form_fields = ["last_position"]  # no add or edit screen is reachable (see the policy)
    list_display = [
        TitleColumn("user", label="Candidate", accessor=email_of, url_name="exam-attempts:inspect"),
        Column("application", label="Application"),
        Column("number", label="Attempt"),
        Column("status", label="Status", accessor="get_status_display", sort_key="status"),
        Column("started_at", label="Started", sort_key="started_at"),
        Column("percent", label="Score (%)"),
        BooleanColumn("passed", label="Passed"),
    ]
    filterset_class = AttemptFilterSet
    list_export = [
        "pk",
        "user",
        "application",
        "number",
        "status",
        "started_at",
        "percent",
        "passed",
    ]
    export_filename = "exam-attempts"
