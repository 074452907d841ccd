"""The holder's renewal forms: one profile section (the application's own fields, checks and
labels), a CEU, the audit document, the signature; and staff's decision forms."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django import forms
from django.db import models

from certification.models import CeuCap, CeuCategory, CeuConversion, CorrectionTarget
from certification.renewal_rules import CEU_HOURS, OTHER_PROVIDER
from enrollment.forms import ACCEPTED_UPLOADS, ApplicationForm
from enrollment.models import Application
from enrollment.sections import DEGREE, SECTION_BY_KEY, TRANSCRIPT, required_fields
from enrollment.uploads import MAX_UPLOAD_BYTES, validate_upload

REQUIRED = "Required to renew."
_FK = ("agency", "degree")


def profile_application(application: Application | None, profile: dict) -> Application:
    """An unsaved application holding the renewal's profile values (for the form's checks)."""
    app = Application(track=application.track if application else "cm2")
    if application is not None:
        app.user_id = application.user_id
    for values in (profile or {}).values():
        for name, value in values.items():
            if name in _FK:
                setattr(app, f"{name}_id", value)
            elif isinstance(value, str) and name in ("date_of_birth", "employment_start_date"):
                setattr(app, name, date.fromisoformat(value) if value else None)
            else:
                setattr(app, name, value if value is not None else _blank(name))
    return app


def _blank(name: str):
    field = Application._meta.get_field(name)
    return "" if isinstance(field, models.CharField | models.TextField) else None


class RenewalSectionForm(ApplicationForm):
    """One of the four sections, every required field filled or refused at the field."""

    def __init__(self, *args, section: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.section = SECTION_BY_KEY[section]
        for name in list(self.fields):
            if name not in self.section.fields:
                del self.fields[name]
        self.instance.validate_constraints = lambda *a, **k: None
        self.instance.validate_unique = lambda *a, **k: None

    @property
    def required_names(self) -> set[str]:
        names = set(required_fields(self.instance)[self.section.key]) - {TRANSCRIPT}
        return {"degree" if n == DEGREE else n for n in names}

    def clean(self):
        data = super().clean()
        for name in sorted(self.required_names):
            if name == "degree":
                if not data.get("degree") and not (data.get("degree_other") or "").strip():
                    self.add_error("degree", REQUIRED)
                continue
            if name in self.fields and data.get(name) in (None, ""):
                if name not in self.errors:
                    self.add_error(name, REQUIRED)
        return data

    def values(self) -> dict:
        """The section's answers as JSON values (a choice of a row → its id, a date → ISO)."""
        out = {}
        for name in self.section.fields:
            if name not in self.cleaned_data:
                continue
            value = self.cleaned_data[name]
            if isinstance(value, models.Model):
                value = value.pk
            elif isinstance(value, date):
                value = value.isoformat()
            elif isinstance(value, Decimal):
                value = str(value)
            out[name] = value
        return out


def _document_field() -> forms.FileField:
    return forms.FileField(
        label="Certificate or transcript",
        required=False,
        help_text=f"A PDF, PNG or JPEG of up to {MAX_UPLOAD_BYTES // (1024 * 1024)} MB.",
        widget=forms.FileInput(attrs={"accept": ACCEPTED_UPLOADS}),
    )


class CeuForm(forms.Form):
    category = forms.ChoiceField()
    title = forms.CharField(max_length=200)
    provider = forms.CharField(max_length=200)
    provider_type = forms.ChoiceField(label="Kind of provider")
    unit = forms.ChoiceField(label="Counted in")
    hours = forms.DecimalField(
        min_value=Decimal("0.25"), max_value=Decimal("99"), decimal_places=2, max_digits=5
    )
    completed_on = forms.DateField(
        label="Date completed", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    document = _document_field()

    def __init__(self, *args, today: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["category"].choices = [(c.key, c.label) for c in CeuCategory.objects.all()]
        self.fields["provider_type"].choices = [(OTHER_PROVIDER, "Any other provider")] + [
            (c.provider_type, c.label) for c in CeuCap.objects.all()
        ]
        self.fields["unit"].choices = [(CEU_HOURS, "CEU hours")] + [
            (c.unit, c.label) for c in CeuConversion.objects.all()
        ]

    def clean_completed_on(self):
        done = self.cleaned_data["completed_on"]
        if self.today and done > self.today:
            raise forms.ValidationError("The date completed cannot be in the future.")
        return done

    def clean_document(self):
        upload = self.cleaned_data.get("document")
        if upload:
            validate_upload(upload)
        return upload


class DocumentForm(forms.Form):
    document = _document_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"].required = True

    def clean_document(self):
        upload = self.cleaned_data.get("document")
        if upload:
            validate_upload(upload)
        return upload


class SignForm(forms.Form):
    signed_name = forms.CharField(label="Your full name", max_length=200)
    attested = forms.BooleanField(
        label="I attest that the information in this renewal is true and complete, and that I "
        "completed every CEU listed.",
        error_messages={"required": "Tick the attestation to sign."},
    )


# --- Staff --------------------------------------------------------------------------------------


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(required=False)
    year = forms.IntegerField(required=False, min_value=2000, max_value=2100)
    drawn = forms.ChoiceField(
        required=False, choices=[("", "Drawn or not"), ("yes", "Drawn"), ("no", "Not drawn")]
    )
    late = forms.ChoiceField(
        required=False, choices=[("", "Late or not"), ("yes", "Late"), ("no", "On time")]
    )

    def __init__(self, *args, **kwargs):
        from certification.models import RenewalStatus

        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", "Any status (not drafts)")] + list(
            RenewalStatus.choices
        )


class CorrectionForm(forms.Form):
    """One correction; the target names a profile field, a CEU or a CEU's document."""

    target = forms.ChoiceField(choices=CorrectionTarget.choices)
    field_name = forms.ChoiceField(required=False, label="Field")
    ceu = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, label="CEU")
    message = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label="What to fix")
    note = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), label="Note to the holder"
    )

    def __init__(self, *args, renewal, **kwargs):
        super().__init__(*args, **kwargs)
        from enrollment.selectors.applications import application_field_label

        fields = [f for key in SECTION_BY_KEY for f in SECTION_BY_KEY[key].fields]
        self.fields["field_name"].choices = [("", "—")] + [
            (f, application_field_label(f)) for f in fields
        ]
        self.fields["ceu"].choices = [("", "—")] + [(c.pk, c.title) for c in renewal.ceus.all()]

    def clean(self):
        data = super().clean()
        target = data.get("target")
        if target == CorrectionTarget.FIELD and not data.get("field_name"):
            self.add_error("field_name", "Choose the field to correct.")
        if target in (CorrectionTarget.CEU, CorrectionTarget.DOCUMENT) and not data.get("ceu"):
            self.add_error("ceu", "Choose the CEU.")
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))


class DocumentReviewForm(forms.Form):
    ceu = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(choices=[("accept", "Accept"), ("reject", "Reject")])
    reason = forms.CharField(required=False, max_length=1000)

    def clean(self):
        data = super().clean()
        if data.get("decision") == "reject" and not (data.get("reason") or "").strip():
            self.add_error("reason", "Give the reason for rejecting the document.")
        return data
