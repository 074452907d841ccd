"""Certification staff's back office for agencies and employment verification (Wagtail admin):
every verification request (filters, search, CSV export) with the staff decisions (paper form,
reject, add or refuse an unlisted employer), and the agency users (invite, role, remove).
Views only route: the services decide, check and audit."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from wagtail.admin.auth import permission_denied
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.views.generic.models import CreateView, DeleteView, EditView, InspectView

from certification.forms import YES_NO, DateInput, _checked_file
from certification.models import AgencyMembership, AgencyRole
from certification.services.agencies import (
    agency_user_invite,
    agency_user_remove,
    agency_user_role_change,
)
from certification.services.verification import (
    Answer,
    verification_paper_accept,
    verification_reject,
    verification_unlisted_accept,
    verification_unlisted_refuse,
)
from enrollment.models.reference import ContractType
from enrollment.rules import RuleViolation


class PaperForm(forms.Form):
    employed_since = forms.DateField(widget=DateInput)
    position = forms.CharField(max_length=200)
    is_case_management = forms.ChoiceField(choices=YES_NO, widget=forms.RadioSelect)
    document = forms.FileField(label="Signed Verification of Employment form")

    def clean_document(self):
        return _checked_file(self.cleaned_data.get("document"))


class ReasonForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class UnlistedAcceptForm(forms.Form):
    contract_type = forms.ChoiceField(choices=ContractType.choices)
    city = forms.CharField(max_length=100, required=False)


class VerificationInspectView(InspectView):
    template_name = "certification/admin/verification_inspect.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            paper_form=PaperForm(prefix="paper"),
            reject_form=ReasonForm(prefix="reject"),
            refuse_form=ReasonForm(prefix="refuse"),
            unlisted_form=UnlistedAcceptForm(prefix="add"),
            **kwargs,
        )


class VerificationActionView(InspectView):
    """POST only, staff who may change requests only; the service's refusal or the form's
    errors become an error message, and nothing changes then."""

    http_method_names = ["post"]
    form_class: type[forms.Form]
    prefix = ""
    success_message = ""

    def dispatch(self, request, *args, **kwargs):
        if not self.permission_policy.user_has_permission(request.user, "change"):
            return permission_denied(request, PermissionDenied())
        return super().dispatch(request, *args, **kwargs)

    def act(self, data) -> None:
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        form = self.form_class(request.POST, request.FILES, prefix=self.prefix)
        if not form.is_valid():
            errors = "; ".join(f"{e}" for errs in form.errors.values() for e in errs)
            messages.error(request, f"Nothing was recorded: {errors}")
        else:
            try:
                self.act(form.cleaned_data)
            except (RuleViolation, ValidationError) as refusal:
                messages.error(request, " ".join(getattr(refusal, "messages", [str(refusal)])))
            else:
                messages.success(request, self.success_message)
        return redirect("employment-verifications:inspect", self.object.pk)


class PaperAcceptView(VerificationActionView):
    form_class, prefix = PaperForm, "paper"
    success_message = "Paper verification accepted on the agency's behalf."

    def act(self, data):
        answer = Answer(
            data["employed_since"], data["position"], data["is_case_management"] == "yes"
        )
        verification_paper_accept(
            request=self.object, actor=self.request.user, answer=answer, document=data["document"]
        )


class RejectView(VerificationActionView):
    form_class, prefix = ReasonForm, "reject"
    success_message = "Confirmation rejected; the agency has been asked again."

    def act(self, data):
        verification_reject(request=self.object, actor=self.request.user, reason=data["reason"])


class UnlistedAcceptView(VerificationActionView):
    form_class, prefix = UnlistedAcceptForm, "add"
    success_message = "Employer added to the qualifying agencies; the request went to it."

    def act(self, data):
        verification_unlisted_accept(
            request=self.object,
            actor=self.request.user,
            contract_type=data["contract_type"],
            city=data["city"],
        )


class UnlistedRefuseView(VerificationActionView):
    form_class, prefix = ReasonForm, "refuse"
    success_message = "Employer refused; the applicant has been told why."

    def act(self, data):
        verification_unlisted_refuse(
            request=self.object, actor=self.request.user, reason=data["reason"]
        )


# --- Agency users --------------------------------------------------------------------------


class InviteForm(WagtailAdminModelForm):
    email = forms.EmailField(help_text="They get an email with a link to set their password.")

    class Meta:
        model = AgencyMembership
        fields = ["agency", "role"]


class RoleForm(WagtailAdminModelForm):
    class Meta:
        model = AgencyMembership
        fields = ["role"]


class _ServiceSaveMixin:
    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except RuleViolation as refusal:
            form.add_error(None, str(refusal))
            self.produced_error_message = str(refusal)
            return self.form_invalid(form)


class MembershipCreateView(_ServiceSaveMixin, CreateView):
    def get_form_class(self):
        return InviteForm

    def save_instance(self):
        data = self.form.cleaned_data
        return agency_user_invite(
            email=data["email"], agency=data["agency"], role=data["role"], actor=self.request.user
        )


class MembershipEditView(_ServiceSaveMixin, EditView):
    def get_form_class(self):
        return RoleForm

    def save_instance(self):
        original = AgencyMembership.objects.get(pk=self.object.pk)
        return agency_user_role_change(
            membership=original,
            role=AgencyRole(self.form.cleaned_data["role"]),
            actor=self.request.user,
        )


class MembershipDeleteView(DeleteView):
    def delete_action(self):
        agency_user_remove(membership=self.object, actor=self.request.user)


class DocumentView(InspectView):
    """The signed form attached to a request, for staff who may see requests."""

    def get(self, request, *args, **kwargs):
        from django.http import Http404

        from enrollment.uploads import private_file_response

        if not self.object.document_storage_name:
            raise Http404
        return private_file_response(
            self.object.document_storage_name,
            filename=self.object.document_original_name,
            kind=self.object.document_kind,
        )
