"""The applicant's choice of which payable fees to pay now (one checkout for the chosen ones)."""

from __future__ import annotations

from django import forms

from payments import rules
from payments.selectors import FeeDue


def fee_key(fee: FeeDue) -> str:
    return f"{fee.kind}:{fee.day or ''}"


class FeeChoiceForm(forms.Form):
    """Checkboxes for the fees payable now, all ticked at first. `items()` gives the chosen
    (kind, day) pairs once valid; anything not payable now is an error at the field."""

    fee = forms.MultipleChoiceField(
        label="Fees to pay now",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose at least one fee to pay.",
            "invalid_choice": "“%(value)s” is not a fee you can pay now; refresh the page.",
        },
    )

    def __init__(self, *args, payable: list[FeeDue], **kwargs):
        super().__init__(*args, **kwargs)
        self.payable = {fee_key(fee): fee for fee in payable}
        field = self.fields["fee"]
        field.choices = [(key, fee.description) for key, fee in self.payable.items()]
        field.initial = list(self.payable)

    def options(self) -> list[dict]:
        """Each payable fee as a checkbox: key, label, amount in cents, ticked or not."""
        chosen = set(self.data.getlist("fee")) if self.is_bound else set(self.payable)
        return [
            {
                "key": key,
                "label": fee.description,
                "cents": fee.amount_cents,
                "checked": key in chosen,
            }
            for key, fee in self.payable.items()
        ]

    def items(self) -> list[rules.FeeItem]:
        return [self.payable[key].item for key in self.cleaned_data["fee"]]
