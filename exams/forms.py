"""Candidate-facing forms of the exam."""

from django import forms

from enrollment.uploads import MAX_UPLOAD_BYTES, validate_upload
from exams.rules import AllowanceKind, choices


class AccommodationForm(forms.Form):
    kind = forms.ChoiceField(
        label="How would you like the extra time counted?",
        choices=choices(AllowanceKind),
        widget=forms.RadioSelect,
        initial=AllowanceKind.PERCENT,
    )
    amount = forms.IntegerField(
        label="How much extra time?",
        min_value=1,
        max_value=300,
        help_text="For example 50 (percent) or 30 (minutes).",
    )
    reason = forms.CharField(
        label="Why do you need it?",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
    )
    document = forms.FileField(
        label="Supporting document (optional)",
        required=False,
        help_text=f"PDF, PNG or JPEG, at most {MAX_UPLOAD_BYTES // (1024 * 1024)} MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
    )

    def clean_document(self):
        document = self.cleaned_data.get("document")
        if document:
            validate_upload(document)
        return document
