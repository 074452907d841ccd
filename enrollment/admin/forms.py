"""Forms and listing filters of the staff back office for applications (Wagtail admin).

The forms only collect what staff type; the decisions themselves (and every rule about them)
are in `enrollment.services.applications`.
"""

from collections.abc import Iterator

import django_filters
from django import forms
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.widgets import BooleanRadioSelect

from enrollment.admin.panels import RESUBMITTED
from enrollment.models import Application, ApplicationStatus, QualifyingAgency
from enrollment.rules import Track
from enrollment.sections import SECTIONS, TRANSCRIPT, Section
from enrollment.selectors.applications import application_field_label

REASON_MAX_LENGTH = 1000


class ApplicationFilterSet(WagtailFilterSet):
    """The review queue's filters. Drafts are never listed, so they are not offered either."""

    status = django_filters.ChoiceFilter(
        choices=[c for c in ApplicationStatus.choices if c[0] != ApplicationStatus.DRAFT],
        widget=forms.RadioSelect,
        empty_label="All",
    )
    agency = django_filters.ModelChoiceFilter(
        queryset=QualifyingAgency.objects.all(), label="Agency"
    )
    needs_transcript_review = django_filters.BooleanFilter(
        label="Needs transcript review", widget=BooleanRadioSelect
    )
    resubmitted = django_filters.BooleanFilter(
        label="Resubmitted after return", widget=BooleanRadioSelect, method="filter_resubmitted"
    )

    class Meta:
        model = Application
        fields = ["status", "track", "agency", "needs_transcript_review"]

    def filter_resubmitted(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(RESUBMITTED) if value else queryset.exclude(RESUBMITTED)


class DenyForm(forms.Form):
    reason = forms.CharField(
        label="Reason for the denial",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=REASON_MAX_LENGTH,
        help_text="The applicant reads this in the denial email.",
        error_messages={"required": "Give the reason for the denial; the applicant will read it."},
    )


def section_fields(section: Section) -> tuple[str, ...]:
    """The fields staff may ask to correct in `section` (the transcript belongs to Education)."""
    if section.key == "education":
        return (*section.fields, TRANSCRIPT)
    return section.fields


class ReturnForm(forms.Form):
    """One optional "what to correct" input per application field, grouped by section."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for section in SECTIONS:
            for name in section_fields(section):
                self.fields[name] = forms.CharField(
                    label=application_field_label(name),
                    required=False,
                    max_length=REASON_MAX_LENGTH,
                )

    def sections(self) -> Iterator[tuple[Section, list[forms.BoundField]]]:
        for section in SECTIONS:
            yield section, [self[name] for name in section_fields(section)]

    def clean(self):
        cleaned = super().clean()
        if not any(value for value in cleaned.values()):
            raise forms.ValidationError("Say what to correct for at least one field.")
        return cleaned

    @property
    def corrections(self) -> dict[str, str]:
        """Field name → what to correct, for the fields staff filled in."""
        return {name: value for name, value in self.cleaned_data.items() if value}


class EmployeeRevokeForm(forms.Form):
    """Revoking a confirmation of ODMHSAS employment: the reason is required (it is kept with
    the confirmation and in the audit log)."""

    reason = forms.CharField(
        label="Reason for revoking",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=REASON_MAX_LENGTH,
        help_text="Kept with the confirmation and in the audit history.",
        error_messages={"required": "Give the reason for revoking the confirmation."},
    )


class TrackChangeForm(forms.Form):
    """Staff move an application to another track before approval, saying why."""

    track = forms.ChoiceField(label="New track")
    reason = forms.CharField(
        label="Reason for the change",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=REASON_MAX_LENGTH,
        help_text="The applicant reads this in the email, with the new days and fees.",
        error_messages={"required": "Give the reason for the change; the applicant will read it."},
    )

    def __init__(self, *args, current: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["track"].choices = [(t.value, t.label) for t in Track if t.value != current]
