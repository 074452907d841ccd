"""Forms of the certification back office (staff): revoke with a reason, add an endorsement."""

from django import forms

from certification.models import EndorsementKind


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label="Reason for revoking",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept with the certificate and in its history; sent to the holder.",
    )


class EndorsementForm(forms.Form):
    kind = forms.ChoiceField(label="Endorsement", choices=EndorsementKind.choices)
    earned_on = forms.DateField(
        label="Requirement met on", widget=forms.DateInput(attrs={"type": "date"})
    )
    evidence = forms.CharField(
        label="Evidence",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="E.g. 2 years of BHCM experience and the 6-hour intensive training certificate.",
    )


class ListFilterForm(forms.Form):
    q = forms.CharField(label="Name or number", required=False)
    level = forms.ChoiceField(
        label="Level", required=False, choices=[("", "Any"), ("CM I", "CM I"), ("CM II", "CM II")]
    )
