"""The exam page's period: a date range, checked at the field."""

from datetime import date, timedelta

from django import forms

MAX_DAYS = 3 * 366


class PeriodForm(forms.Form):
    start = forms.DateField(
        label="From", widget=forms.DateInput(attrs={"type": "date"}), required=False
    )
    end = forms.DateField(
        label="To", widget=forms.DateInput(attrs={"type": "date"}), required=False
    )

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if self.errors:
            return data
        end = end or self.today
        start = start or end - timedelta(days=365)
        if start > end:
            self.add_error("end", "The end of the period must be on or after its start.")
        elif (end - start).days > MAX_DAYS:
            self.add_error("start", "Choose a period of at most three years.")
        data["start"], data["end"] = start, end
        return data

    def period(self) -> tuple[date, date]:
        """The valid period, or the default (the last 365 days up to today)."""
        if self.is_bound and self.is_valid():
            return self.cleaned_data["start"], self.cleaned_data["end"]
        return self.today - timedelta(days=365), self.today
