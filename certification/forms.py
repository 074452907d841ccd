"""Forms for the agency portal and the applicant's verification page. They check shapes only;
the rules live in the services, whose RuleViolation messages the views put on the form."""

from django import forms

from enrollment.models import QualifyingAgency
from enrollment.uploads import validate_upload

YES_NO = [("yes", "Yes"), ("no", "No")]


class DateInput(forms.DateInput):
    input_type = "date"


def _checked_file(file):
    if file:
        validate_upload(file)
        file.seek(0)
    return file


class ConfirmForm(forms.Form):
    employed_since = forms.DateField(label="Employed since", widget=DateInput)
    position = forms.CharField(label="Position (job title)", max_length=200)
    is_case_management = forms.ChoiceField(
        label="Is the role case management?", choices=YES_NO, widget=forms.RadioSelect
    )
    attester_name = forms.CharField(
        label="Your full name (typed signature)", max_length=200, help_text="As on your ID."
    )
    attested = forms.BooleanField(
        label="I attest that this information is true and that I am authorised by the agency "
        "to verify employment.",
        required=True,
    )
    document = forms.FileField(
        label="Signed form (optional: PDF, PNG or JPEG, at most 10 MB)", required=False
    )

    def clean_document(self):
        return _checked_file(self.cleaned_data.get("document"))


class RefuseForm(forms.Form):
    reason = forms.CharField(
        label="Why can you not confirm?",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The applicant will read this.",
        max_length=2000,
    )


class EmploymentEndForm(forms.Form):
    ended_on = forms.DateField(
        label="First day no longer employed",
        widget=DateInput,
        help_text="From this day the person may not bill T1017 for your agency.",
    )


class RosterForm(forms.Form):
    file = forms.FileField(
        label="Roster CSV",
        help_text="Columns: email, certificate_number, staff_id, action (add or remove).",
    )


class AlertsForm(forms.Form):
    status_changes = forms.BooleanField(
        label="Email me when one of our people's status changes", required=False
    )
    weekly_digest = forms.BooleanField(
        label="Email me a weekly digest of renewals due and suspensions", required=False
    )


class EmployerChangeForm(forms.Form):
    agency = forms.ModelChoiceField(
        label="Your employer",
        queryset=QualifyingAgency.objects.filter(active=True),
        required=False,
        empty_label="(my employer is not listed)",
    )
    unlisted_name = forms.CharField(
        label="If it is not listed, the employer's name", max_length=200, required=False
    )

    def clean(self):
        data = super().clean()
        if not data.get("agency") and not (data.get("unlisted_name") or "").strip():
            self.add_error("agency", "Choose your employer, or name it below if it is not listed.")
        return data
