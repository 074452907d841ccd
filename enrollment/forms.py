"""The applicant's forms: the track self-check, choosing a track, and the application itself.

Forms collect and check input; the rules (what is required before submission, which track fits)
live in `sections.py`, `selfcheck.py` and the services.
"""

import re
from datetime import date

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Q
from django.forms.boundfield import BoundField
from django.urls import reverse
from django.utils.html import format_html

from enrollment.models import Application, ApprovedDegree, QualifyingAgency
from enrollment.rules import Track
from enrollment.sections import SECTION_OF_FIELD, SECTIONS, completeness, required_fields
from enrollment.selectors.applications import application_field_label
from enrollment.selfcheck import Answers, Education
from enrollment.uploads import MAX_UPLOAD_BYTES, validate_upload
from lms import clock

REQUIRED_TO_SUBMIT = "Required before you can submit."
MIN_AGE_YEARS = 18
REPLY_PREFIX = "reply__"

US_STATES = (
    ("AL", "Alabama"), ("AK", "Alaska"), ("AZ", "Arizona"), ("AR", "Arkansas"),
    ("CA", "California"), ("CO", "Colorado"), ("CT", "Connecticut"), ("DE", "Delaware"),
    ("DC", "District of Columbia"), ("FL", "Florida"), ("GA", "Georgia"), ("HI", "Hawaii"),
    ("ID", "Idaho"), ("IL", "Illinois"), ("IN", "Indiana"), ("IA", "Iowa"), ("KS", "Kansas"),
    ("KY", "Kentucky"), ("LA", "Louisiana"), ("ME", "Maine"), ("MD", "Maryland"),
    ("MA", "Massachusetts"), ("MI", "Michigan"), ("MN", "Minnesota"), ("MS", "Mississippi"),
    ("MO", "Missouri"), ("MT", "Montana"), ("NE", "Nebraska"), ("NV", "Nevada"),
    ("NH", "New Hampshire"), ("NJ", "New Jersey"), ("NM", "New Mexico"), ("NY", "New York"),
    ("NC", "North Carolina"), ("ND", "North Dakota"), ("OH", "Ohio"), ("OK", "Oklahoma"),
    ("OR", "Oregon"), ("PA", "Pennsylvania"), ("RI", "Rhode Island"), ("SC", "South Carolina"),
    ("SD", "South Dakota"), ("TN", "Tennessee"), ("TX", "Texas"), ("UT", "Utah"),
    ("VT", "Vermont"), ("VA", "Virginia"), ("WA", "Washington"), ("WV", "West Virginia"),
    ("WI", "Wisconsin"), ("WY", "Wyoming"),
)  # fmt: skip
_ZIP = re.compile(r"^(\d{5})(?:-?(\d{4}))?$")


def _years_between(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def clean_us_phone(value: str) -> str:
    """A US phone number as 405-555-0100; raises ValidationError for anything else."""
    value = (value or "").strip()
    if not value:
        return ""
    digits = re.sub(r"[\s().+-]", "", value)
    if digits.startswith("1") and len(digits) == 11:
        digits = digits[1:]
    if not digits.isdigit() or len(digits) != 10 or digits[0] in "01" or digits[3] in "01":
        raise forms.ValidationError(
            "Enter a US phone number with its area code, for example 405-555-0100."
        )
    return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"


def clean_zip(value: str) -> str:
    """A ZIP code of 5 digits or ZIP+4 (73069 or 73069-1234); raises ValidationError otherwise."""
    value = (value or "").strip()
    if not value:
        return ""
    match = _ZIP.match(value)
    if not match:
        raise forms.ValidationError("Enter a ZIP code of 5 digits, or 9 as in 73069-1234.")
    return f"{match[1]}-{match[2]}" if match[2] else match[1]


ACCEPTED_UPLOADS = ".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"


class SelfCheckForm(forms.Form):
    """ "Which track fits me?": the answers `selfcheck.recommend_track` needs."""

    label_suffix = ""

    education = forms.ChoiceField(
        label="What is the highest education you have completed?",
        choices=[(e.value, e.label) for e in Education],
        widget=forms.RadioSelect,
    )
    behavioral_health_degree = forms.BooleanField(
        label="My degree is in a behavioral-health field",
        required=False,
        help_text="For example psychology, social work or counseling: a field on the Approved "
        "Degree List. Tick it only for a degree you have been awarded.",
    )
    college_credit_hours = forms.IntegerField(
        label="College credit hours earned", min_value=0, required=False, initial=0
    )
    months_experience = forms.IntegerField(
        label="Months of verifiable mental-health work experience",
        min_value=0,
        required=False,
        initial=0,
        help_text="Paid work you can show with an employer's letter. 3 years = 36 months.",
    )
    rn_license = forms.BooleanField(
        label="I am an RN licensed in Oklahoma with behavioral-health experience", required=False
    )
    adc_certified = forms.BooleanField(
        label="I am a certified alcohol and drug counselor in Oklahoma", required=False
    )
    cprp_certified = forms.BooleanField(
        label="I hold a current CPRP, CPRC or CFRP certification", required=False
    )
    cm1_certified = forms.BooleanField(label="I am already a certified CM I", required=False)
    licensed_professional = forms.BooleanField(
        label="I am a licensed behavioral health professional (or under supervision for licensure)",
        required=False,
    )

    FIELDSETS = (
        ("Education", ("education", "behavioral_health_degree", "college_credit_hours")),
        ("Work experience", ("months_experience",)),
        (
            "Licences and certifications",
            ("rn_license", "adc_certified", "cprp_certified", "cm1_certified")
            + ("licensed_professional",),
        ),
    )

    def fieldsets(self) -> list[tuple[str, list[BoundField]]]:
        return [(legend, [self[name] for name in names]) for legend, names in self.FIELDSETS]

    def prefill(self) -> dict:
        """The answers as application fields, to start the application from them."""
        data = self.cleaned_data
        return {
            "highest_education": data["education"],
            "college_credit_hours": data["college_credit_hours"] or None,
            "months_experience": data["months_experience"] or None,
            "adc_certified": data["adc_certified"],
            "cprp_certified": data["cprp_certified"],
        }

    def answers(self) -> Answers:
        data = self.cleaned_data
        return Answers(
            education=Education(data["education"]),
            behavioral_health_degree=data["behavioral_health_degree"],
            college_credit_hours=data["college_credit_hours"] or 0,
            months_experience=data["months_experience"] or 0,
            rn_license=data["rn_license"],
            adc_certified=data["adc_certified"],
            cprp_certified=data["cprp_certified"],
            cm1_certified=data["cm1_certified"],
            licensed_professional=data["licensed_professional"],
        )


class StartForm(forms.Form):
    track = forms.ChoiceField(choices=[(t.value, t.label) for t in Track])


class ApplicationBoundField(BoundField):
    """A field that knows staff's correction note and whether submission needs it."""

    @property
    def correction(self) -> str:
        return self.form.corrections.get(self.name, "")

    @property
    def reply(self) -> BoundField | None:
        """The applicant's reply box for staff's correction note, when there is a note."""
        name = f"{REPLY_PREFIX}{self.name}"
        return self.form[name] if name in self.form.fields else None

    @property
    def required_to_submit(self) -> bool:
        return self.name in self.form.required_names

    @property
    def aria_describedby(self) -> str | None:
        described = super().aria_describedby
        if self.correction and described is not None and self.auto_id:
            described = f"{self.auto_id}_correction {described}".strip()
        return described


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


_AUTOCOMPLETE = {
    "legal_first_name": "given-name",
    "legal_middle_name": "additional-name",
    "legal_last_name": "family-name",
    "date_of_birth": "bday",
    "phone": "tel",
    "address_line1": "address-line1",
    "address_line2": "address-line2",
    "city": "address-level2",
    "state": "address-level1",
    "postal_code": "postal-code",
}


class ApplicationForm(forms.ModelForm):
    """The four sections on one page. Every field is optional here, so a draft saves as it is;
    `application_submit` decides what submission needs."""

    bound_field_class = ApplicationBoundField
    label_suffix = ""

    transcript = forms.FileField(
        label="Transcript",
        required=False,
        help_text=f"Your official transcript: a PDF, PNG or JPEG of up to "
        f"{MAX_UPLOAD_BYTES // (1024 * 1024)} MB.",
        widget=forms.FileInput(attrs={"accept": ACCEPTED_UPLOADS}),
    )

    class Meta:
        model = Application
        fields = [name for section in SECTIONS for name in section.fields]
        widgets = {
            "date_of_birth": _date_input(),
            "employment_start_date": _date_input(),
            "phone": forms.TextInput(attrs={"type": "tel"}),
        }
        help_texts = {
            "degree": "Choose your degree field from the Approved Degree List.",
            "degree_other": "Not on the list? Type your degree field; staff review your "
            "transcript case by case.",
            "phone": "A US number with its area code, for example 405-555-0100.",
            "postal_code": "5 digits, or 9 as in 73069-1234.",
            "county": "The county you live in.",
            "college_credit_hours": "Needed when you have college credits but no bachelor's.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        app = self.instance
        for name, field in self.fields.items():
            field.required = False
            if name in _AUTOCOMPLETE:
                field.widget.attrs["autocomplete"] = _AUTOCOMPLETE[name]
        self.fields["degree"].queryset = ApprovedDegree.objects.filter(
            Q(active=True) | Q(pk=app.degree_id)
        )
        self.fields["degree"].empty_label = "Not on the list / no degree"
        self.fields["agency"].queryset = QualifyingAgency.objects.filter(
            Q(active=True) | Q(pk=app.agency_id)
        )
        self.fields["agency"].empty_label = "Choose your employer"
        self.fields["highest_education"].choices = [("", "Choose one")] + [
            (e.value, e.label) for e in Education
        ]
        self.fields["state"] = forms.ChoiceField(
            label="State",
            choices=[("", "Choose a state")] + list(US_STATES),
            required=False,
            widget=forms.Select(attrs={"autocomplete": "address-level1"}),
        )
        if app.track != Track.CM1_UPGRADE:
            del self.fields["cm1_certificate_number"]
        else:  # found from the person's own CM I when the upgrade started, never typed
            number = self.fields["cm1_certificate_number"]
            number.disabled = True
            number.help_text = "From your CM I certificate on this account."
        self.corrections = dict(app.corrections or {})
        replies = app.correction_replies or {}
        for name in self.corrections:
            if name in self.fields:
                self.fields[f"{REPLY_PREFIX}{name}"] = forms.CharField(
                    label=f"Your reply to staff about “{application_field_label(name)}”",
                    required=False,
                    max_length=1000,
                    initial=replies.get(name, ""),
                    help_text="If the answer is right as it is, say why here.",
                    widget=forms.Textarea(attrs={"rows": 2}),
                )

    def replies(self) -> dict[str, str]:
        """Field name → the applicant's reply to staff's correction (empty ones included)."""
        return {
            name[len(REPLY_PREFIX) :]: value
            for name, value in self.cleaned_data.items()
            if name.startswith(REPLY_PREFIX)
        }

    def add_refused(self, fields: dict[str, str]) -> None:
        """Put each refusal at its field (or in the summary when the field is not on the form)."""
        for name, message in fields.items():
            if name in self.fields:
                self.add_error(name, message)
            else:
                self.add_error(None, f"{application_field_label(name)}: {message}")

    def clean_date_of_birth(self) -> date | None:
        born = self.cleaned_data.get("date_of_birth")
        if born is None:
            return None
        today = clock.today()
        if born >= today:
            raise forms.ValidationError("Your date of birth must be in the past.")
        if _years_between(born, today) < MIN_AGE_YEARS:
            raise forms.ValidationError(
                f"You must be at least {MIN_AGE_YEARS} years old to apply; check the year."
            )
        if _years_between(born, today) > 120:
            raise forms.ValidationError("Check the year of your date of birth.")
        return born

    def clean_employment_start_date(self) -> date | None:
        started = self.cleaned_data.get("employment_start_date")
        if started and started > clock.today():
            raise forms.ValidationError(
                "The date you started with your employer cannot be in the future."
            )
        return started

    def clean_phone(self) -> str:
        return clean_us_phone(self.cleaned_data.get("phone", ""))

    def clean_postal_code(self) -> str:
        return clean_zip(self.cleaned_data.get("postal_code", ""))

    @property
    def required_names(self) -> set[str]:
        """The fields submission needs, for the answers as they now stand (typed ones included)."""
        return {n for names in required_fields(self.instance).values() for n in names}

    def clean_transcript(self) -> UploadedFile | None:
        upload = self.cleaned_data.get("transcript")
        if upload:
            validate_upload(upload)
        return upload

    def add_missing(self, missing: dict[str, list[str]]) -> None:
        """Put "Required before you can submit." at each missing field (pseudo-fields included:
        `degree` and `transcript` are form fields of the same name)."""
        for names in missing.values():
            for name in names:
                if name in self.fields:
                    self.add_error(name, REQUIRED_TO_SUBMIT)
                else:
                    self.add_error(None, f"{application_field_label(name)}: {REQUIRED_TO_SUBMIT}")

    def add_duplicate_person(self, message: str) -> None:
        recover = reverse("account_reset_password")
        self.add_error(
            "legal_last_name",
            format_html('{} <a href="{}">Recover your account</a>.', message, recover),
        )

    def sections(self, *, has_transcript: bool) -> list[dict]:
        """Each section with its fields, completeness and errors, in `SECTIONS` order."""
        counts = completeness(self.instance, has_transcript=has_transcript)
        result = []
        for section in SECTIONS:
            names = [n for n in section.fields if n in self.fields]
            if section.key == "education":
                names.append("transcript")
            filled, total = counts[section.key]
            fields = [self[n] for n in names]
            result.append(
                {
                    "key": section.key,
                    "title": section.title,
                    "fields": fields,
                    "filled": filled,
                    "total": total,
                    "complete": filled == total,
                    "errors": [f for f in fields if f.errors],
                }
            )
        return result

    def corrections_list(self) -> list[tuple[str, str, str]]:
        """(anchor, label, what to correct) for each note staff left, for the summary box; the
        anchor is the field's input, or its section when the field is not on this form."""
        return [
            (
                f"id_{name}" if name in self.fields else f"section-{SECTION_OF_FIELD[name]}",
                application_field_label(name),
                reason,
            )
            for name, reason in self.corrections.items()
            if name in SECTION_OF_FIELD
        ]
