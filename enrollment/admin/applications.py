"""Staff back office for applications in the Wagtail admin: the review queue, the detail page
and the three decisions. Views only read and call services; every rule and write is in
`enrollment.services.applications`.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db.models import Case, F, IntegerField, Model, QuerySet, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import NoReverseMatch, reverse
from django.utils.functional import cached_property
from django.views.defaults import permission_denied
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.views.generic import DeleteView, IndexView, InspectView
from wagtail.permission_policies import ModelPermissionPolicy

from enrollment.admin.confirm import confirm_page, is_confirmed
from enrollment.admin.forms import DenyForm, EmployeeRevokeForm, ReturnForm, TrackChangeForm
from enrollment.corrections import answers_snapshot, changes_since_return
from enrollment.models import Application, ApplicationStatus, ApplicationUpload
from enrollment.models.applications import CLOCK_RUNNING, TRANSITIONS
from enrollment.rules import RuleViolation
from enrollment.sections import SECTIONS, TRANSCRIPT
from enrollment.selectors.applications import (
    application_field_label,
    application_person_name,
    employee_confirmation_latest,
)
from enrollment.services.applications import (
    application_approve,
    application_deny,
    application_employee_confirm,
    application_employee_revoke,
    application_return,
    application_training_approve,
)
from enrollment.services.track_change import CHANGEABLE, application_track_change, track_fees
from lms import clock
from lms.exports import csv_safe
from lms.models import AuditEvent

S = ApplicationStatus
EMPTY = "—"
_STATUS_LABELS = dict(S.choices)


class ApplicationPermissionPolicy(ModelPermissionPolicy):
    """Staff look ("view") and decide ("decide"); nobody, superusers included, adds, edits,
    copies or deletes an application: it is the applicant's."""

    allowed_actions = frozenset({"view", "decide"})

    def user_has_permission(self, user, action):
        return action in self.allowed_actions and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


def staff_applications() -> QuerySet[Application]:
    """Every application staff may see: everything ever submitted (a draft is the applicant's
    unfinished work)."""
    return Application.objects.exclude(status=S.DRAFT).select_related("user", "agency", "degree")


def agency_name(application: Application) -> str:
    return application.agency.name if application.agency else ""


def _local(moment: datetime | None) -> datetime | None:
    """A stored (UTC) moment as a naive America/Chicago time, for spreadsheets."""
    return moment.astimezone(clock.LOCAL_TZ).replace(tzinfo=None) if moment else None


# Export column → (heading, value). Spreadsheets get plain values, not model objects.
EXPORT_COLUMNS: dict[str, tuple[str, Any]] = {
    "id": ("Application", lambda a: a.pk),
    "legal_last_name": ("Legal last name", lambda a: a.legal_last_name),
    "legal_first_name": ("Legal first name", lambda a: a.legal_first_name),
    "email": ("Email", lambda a: a.user.email),
    "track": ("Track", lambda a: a.get_track_display()),
    "status": ("Status", lambda a: a.get_status_display()),
    "agency": ("Agency", agency_name),
    "needs_transcript_review": (
        "Needs transcript review",
        lambda a: "yes" if a.needs_transcript_review else "no",
    ),
    "submitted_on": ("Submitted on", lambda a: a.submitted_on),
    "last_submitted_at": ("Last submitted at", lambda a: _local(a.last_submitted_at)),
    "expires_on": ("Expires on", lambda a: a.expires_on),
    "decided_at": ("Decided at", lambda a: _local(a.decided_at)),
}


class ApplicationIndexView(IndexView):
    """The review queue. By default, applications awaiting review come first, oldest
    submission first; a column header orders by that column instead."""

    custom_value_preprocess = {
        **IndexView.custom_value_preprocess,
        str: {IndexView.FORMAT_CSV: csv_safe},
    }

    def get_base_queryset(self):
        return staff_applications()

    def order_queryset(self, queryset):
        if self.ordering != self.default_ordering:
            return super().order_queryset(queryset)
        awaiting_first = Case(
            When(status=S.SUBMITTED, then=Value(0)), default=Value(1), output_field=IntegerField()
        )
        return queryset.order_by(awaiting_first, F("last_submitted_at").asc(nulls_last=True), "pk")

    def to_row_dict(self, item):
        return {field: EXPORT_COLUMNS[field][1](item) for field in self.list_export}


@dataclass(frozen=True)
class FieldRow:
    name: str
    label: str
    value: Any
    correction: str


def _display_value(application: Application, name: str, transcripts: int) -> Any:
    """What staff read for one field; "—" when the applicant left it empty."""
    if name == TRANSCRIPT:
        return f"{transcripts} uploaded" if transcripts else EMPTY
    if Application._meta.get_field(name).choices:
        value = getattr(application, f"get_{name}_display")()
    else:
        value = getattr(application, name)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return EMPTY if value is None or value == "" else value


def _label(name: str) -> str:
    try:
        return application_field_label(name)
    except FieldDoesNotExist:  # a correction saved under a field that no longer exists
        return name


def _download_url(upload: ApplicationUpload) -> str | None:
    try:
        return reverse("enrollment:upload-download", args=[upload.application_id, upload.pk])
    except NoReverseMatch:  # the applicant-side download route is not installed
        return None


def audit_history(application: Application) -> QuerySet[AuditEvent]:
    """The audit events about this application, newest first."""
    content_type = ContentType.objects.get_for_model(Application, for_concrete_model=False)
    return AuditEvent.objects.filter(
        content_type=content_type, object_id=str(application.pk)
    ).select_related("actor")


class ApplicationInspectView(InspectView):
    """Everything staff need to decide: the four sections, the clock, uploads, corrections,
    the audit history, and (for those who may decide) the decisions the status allows."""

    template_name = "enrollment/admin/application_inspect.html"
    page_title = "Review"
    inspect_url_name = None
    approve_url_name = None
    deny_url_name = None
    return_url_name = None
    training_approve_url_name = None
    employee_confirm_url_name = None
    employee_revoke_url_name = None
    track_change_url_name = None

    def get_object(self, queryset=None):
        return get_object_or_404(staff_applications(), pk=self.pk)

    def get_page_subtitle(self):
        return f"#{self.object.pk} {application_person_name(self.object)}"

    def get_fields_context(self):
        return []  # the template lays the application out by section

    @cached_property
    def latest_employee_confirmation(self):
        return employee_confirmation_latest(self.object)

    @cached_property
    def employee_confirmation(self):
        """The standing confirmation of ODMHSAS employment, if any."""
        latest = self.latest_employee_confirmation
        return latest if latest is not None and latest.revoked_at is None else None

    @cached_property
    def can_decide(self) -> bool:
        return self.user_has_permission("decide")

    def _sections(self, uploads: list[ApplicationUpload]) -> list[tuple[str, str, list[FieldRow]]]:
        app = self.object
        transcripts = sum(1 for u in uploads if u.purpose == ApplicationUpload.Purpose.TRANSCRIPT)
        corrections = app.corrections or {}
        sections = []
        for section in SECTIONS:
            names = [*section.fields, TRANSCRIPT] if section.key == "education" else section.fields
            rows = [
                FieldRow(
                    name,
                    _label(name),
                    _display_value(app, name, transcripts),
                    corrections.get(name, ""),
                )
                for name in names
            ]
            sections.append((section.key, section.title, rows))
        return sections

    def _changes(self, uploads: list[ApplicationUpload]) -> list[tuple[str, str, str]]:
        """(label, before, after) of each answer changed since the application was returned."""
        app = self.object
        if not app.returned_values:
            return []
        transcripts = sum(1 for u in uploads if u.purpose == ApplicationUpload.Purpose.TRANSCRIPT)
        now = answers_snapshot(app, transcripts=transcripts)
        return [(_label(n), was, is_) for n, was, is_ in changes_since_return(app, now=now)]

    def _clock(self) -> dict[str, Any]:
        app = self.object
        days_left = None
        if app.expires_on and app.status in CLOCK_RUNNING:
            days_left = (app.expires_on - clock.today()).days
        return {"days_left": days_left, "clock_running": app.status in CLOCK_RUNNING}

    def _decisions(self, forms: dict[str, Any]) -> dict[str, Any]:
        if not self.can_decide:
            return {}
        allowed = TRANSITIONS[S(self.object.status)]
        pk = self.object.pk
        decisions = {}
        if S.APPROVED in allowed:
            decisions["approve_url"] = reverse(self.approve_url_name, args=[pk])
        if S.DENIED in allowed:
            decisions["deny_url"] = reverse(self.deny_url_name, args=[pk])
            decisions["deny_form"] = forms.get("deny_form") or DenyForm()
        if S.RETURNED in allowed:
            decisions["return_url"] = reverse(self.return_url_name, args=[pk])
            decisions["return_form"] = forms.get("return_form") or ReturnForm()
        if self.object.status in CHANGEABLE:
            decisions["track_change_url"] = reverse(self.track_change_url_name, args=[pk])
            decisions["track_change_form"] = forms.get("track_change_form") or TrackChangeForm(
                current=self.object.track
            )
        if S.TRAINING_APPROVED in allowed:
            decisions["training_approve_url"] = reverse(self.training_approve_url_name, args=[pk])
        if self.employee_confirmation is not None:
            decisions["employee_revoke_url"] = reverse(self.employee_revoke_url_name, args=[pk])
        elif self.object.odmhsas_employee:
            decisions["employee_confirm_url"] = reverse(self.employee_confirm_url_name, args=[pk])
        return decisions

    def get_context_data(self, **kwargs):
        names = ("deny_form", "return_form", "track_change_form")
        forms = {k: kwargs.pop(k) for k in names if k in kwargs}
        context = super().get_context_data(**kwargs)
        app = self.object
        uploads = list(app.uploads.all())
        context.update(
            application=app,
            applicant_name=application_person_name(app),
            status_label=app.get_status_display(),
            sections=self._sections(uploads),
            uploads=[(upload, _download_url(upload)) for upload in uploads],
            corrections=[(_label(f), reason) for f, reason in (app.corrections or {}).items()],
            history=[
                (
                    event,
                    _STATUS_LABELS.get(event.from_state, event.from_state),
                    _STATUS_LABELS.get(event.to_state, event.to_state),
                )
                for event in audit_history(app)
            ],
            decisions=self._decisions(forms),
            changes=self._changes(uploads),
            replies=[
                (_label(f), reply) for f, reply in (app.correction_replies or {}).items() if reply
            ],
            summary_rows=_summary_rows(app),
            employee_confirmation=self.employee_confirmation,
            employee_revoked=self.latest_employee_confirmation,
            **self._clock(),
        )
        return context


def _summary_rows(application: Application) -> list[tuple[str, str]]:
    """Hook `application_summary_rows`: each registered `fn(*, application)` gives (label, text)
    rows a higher app adds to the Summary panel of the staff application page (courses: the
    web-based training's percent complete)."""
    return [
        row
        for contribute in hooks.get_hooks("application_summary_rows")
        for row in contribute(application=application)
    ]


class _DecisionView(ApplicationInspectView):
    """POST only. Refuses (403) anyone who may not decide; a refused form re-renders the
    detail page with its errors; a `RuleViolation` becomes an error message. Either way,
    nothing changes unless the service accepted the decision."""

    http_method_names = ["post"]
    form_class: type | None = None
    form_context_name = ""
    target: ApplicationStatus
    success_message = ""
    # A decision with a confirmation step names it (empty: none) and says what will happen.
    confirm_title = ""

    def consequences(self, form) -> list[str]:
        return []

    def needs_confirmation(self) -> bool:
        """Ask only when the decision would change something: a refusal or a repeat is told at
        once, without a step in between."""
        status = S(self.object.status)
        return bool(self.confirm_title) and (
            self.target is None or self.target in TRANSITIONS[status]
        )

    def get_form(self):
        return self.form_class(self.request.POST) if self.form_class else None

    def dispatch(self, request, *args, **kwargs):
        if not self.user_has_permission("decide"):
            return permission_denied(request, PermissionDenied())
        return super().dispatch(request, *args, **kwargs)

    def decide(self, form) -> Application:
        raise NotImplementedError

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        form = self.get_form()
        if form is not None and not form.is_valid():
            messages.error(request, "Nothing was recorded: correct the errors below.")
            context = self.get_context_data(**{self.form_context_name: form})
            return self.render_to_response(context)
        if self.needs_confirmation() and not is_confirmed(request):
            title = self.confirm_title % {"pk": self.object.pk}
            return confirm_page(self, title=title, consequences=self.consequences(form))
        already = self.target is not None and self.object.status == self.target
        try:
            self.decide(form)
        except RuleViolation as refusal:
            messages.error(request, str(refusal))
        else:
            if already:  # the service does nothing twice (a double click, another reviewer)
                messages.warning(
                    request,
                    f"Application #{self.object.pk} already was "
                    f"{self.target.label.lower()}; nothing changed.",
                )
            else:
                messages.success(request, self.success_message % {"pk": self.object.pk})
        return redirect(self.inspect_url_name, self.object.pk)


class ApplicationApproveView(_DecisionView):
    target = S.APPROVED
    success_message = "Application #%(pk)s approved; the applicant has been emailed."
    confirm_title = "Approve application #%(pk)s?"

    def consequences(self, form) -> list[str]:
        return [
            "The web-based training opens for the applicant.",
            "The applicant is emailed that the application is approved.",
            "The track can no longer be changed, and the approval cannot be undone here.",
        ]

    def decide(self, form) -> Application:
        return application_approve(application=self.object, actor=self.request.user)


class ApplicationDenyView(_DecisionView):
    form_class = DenyForm
    form_context_name = "deny_form"
    target = S.DENIED
    success_message = "Application #%(pk)s denied; the applicant has been emailed the reason."
    confirm_title = "Deny application #%(pk)s?"

    def consequences(self, form) -> list[str]:
        return [
            "The application closes for good: it cannot be reopened or resubmitted.",
            f"The applicant is emailed this reason: “{form.cleaned_data['reason']}”",
            "To be certified, the person must start a new application from the beginning.",
        ]

    def decide(self, form) -> Application:
        return application_deny(
            application=self.object, actor=self.request.user, reason=form.cleaned_data["reason"]
        )


class ApplicationReturnView(_DecisionView):
    form_class = ReturnForm
    form_context_name = "return_form"
    target = S.RETURNED
    success_message = "Application #%(pk)s returned for correction; the applicant has been emailed."

    def decide(self, form) -> Application:
        return application_return(
            application=self.object, actor=self.request.user, corrections=form.corrections
        )


class ApplicationTrainingApproveView(_DecisionView):
    target = S.TRAINING_APPROVED
    success_message = (
        "Training of application #%(pk)s approved; classroom registration is open and the "
        "applicant has been emailed."
    )

    def decide(self, form) -> Application:
        return application_training_approve(application=self.object, actor=self.request.user)


class ApplicationTrackChangeView(_DecisionView):
    """Move the application to another track before approval (the fees follow the track)."""

    form_class = TrackChangeForm
    form_context_name = "track_change_form"
    target = None
    success_message = (
        "Track of application #%(pk)s changed; the applicant has been emailed the new days "
        "and fees."
    )
    confirm_title = "Change the track of application #%(pk)s?"

    def get_form(self):
        return TrackChangeForm(self.request.POST, current=self.object.track)

    def needs_confirmation(self) -> bool:
        return self.object.status in CHANGEABLE

    def consequences(self, form) -> list[str]:
        track = form.cleaned_data["track"]
        before, after = track_fees(self.object, self.object.track), track_fees(self.object, track)
        return [
            f"The track changes from {self.object.get_track_display()} to "
            f"{dict(form.fields['track'].choices)[track]}.",
            f"Classroom days: {before.days} become {after.days}.",
            f"Fees: ${before.total:.2f} become ${after.total:.2f}.",
            "The applicant is emailed the change, your reason and the new fees.",
        ]

    def decide(self, form) -> Application:
        return application_track_change(
            application=self.object,
            actor=self.request.user,
            track=form.cleaned_data["track"],
            reason=form.cleaned_data["reason"],
        )


class ApplicationEmployeeConfirmView(_DecisionView):
    """Confirm the applicant's ODMHSAS employment: the classroom day fees are waived."""

    target = None
    success_message = "ODMHSAS employment of application #%(pk)s confirmed; day fees are waived."

    def decide(self, form) -> Application:
        application_employee_confirm(application=self.object, actor=self.request.user)
        return self.object


class ApplicationEmployeeRevokeView(_DecisionView):
    """Revoke a standing ODMHSAS employment confirmation, with a reason: GET asks to confirm
    (saying what it changes), POST revokes. The unpaid day fees become due again."""

    http_method_names = ["get", "post"]
    page_title = "Revoke ODMHSAS employment confirmation"
    form_class = EmployeeRevokeForm
    form_context_name = "revoke_form"
    target = None
    success_message = (
        "ODMHSAS employment confirmation of application #%(pk)s revoked; the unpaid classroom "
        "day fees are due again."
    )

    def get_template_names(self):
        return ["enrollment/admin/employee_revoke.html"]  # the viewset sets the inspect one

    def get_context_data(self, **kwargs):
        revoke_form = kwargs.pop("revoke_form", None) or EmployeeRevokeForm()
        cancel_url = reverse(self.inspect_url_name, args=[self.object.pk])
        context = super().get_context_data(**kwargs)
        return {**context, "revoke_form": revoke_form, "cancel_url": cancel_url}

    def decide(self, form) -> Application:
        revoked = application_employee_revoke(
            application=self.object, actor=self.request.user, reason=form.cleaned_data["reason"]
        )
        if not revoked:
            raise RuleViolation(
                f"No ODMHSAS employment confirmation stands for application #{self.object.pk}; "
                "nothing changed."
            )
        return self.object


# Reference lists: applications point at degrees and agencies with PROTECT, so deleting one in
# use would fail with a server error. Refuse up front, and say what to do instead.
def delete_refusal(
    request: HttpRequest, objects: list[Model], field: str, back_to: str
) -> HttpResponse | None:
    """A redirect with an error when any of `objects` is named on an application, else None."""
    pks = [o.pk for o in objects]
    if not pks or not Application.objects.filter(**{f"{field}__in": pks}).exists():
        return None
    opts = objects[0]._meta
    if len(pks) == 1:
        what = f"This {opts.verbose_name} is"
    else:
        what = f"Some of these {opts.verbose_name_plural} are"
    messages.error(
        request, f"{what} named on applications, so it cannot be deleted. Mark it inactive instead."
    )
    return redirect(back_to)


class ReferenceDeleteView(DeleteView):
    """The generic delete view, refusing rows that applications still point at."""

    application_field = ""

    def run_before_hook(self):
        return delete_refusal(
            self.request, [self.object], self.application_field, reverse(self.index_url_name)
        )
