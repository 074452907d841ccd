"""Forms of the exam's back office (Wagtail admin)."""

import re

from django import forms
from wagtail.admin.forms import WagtailAdminModelForm

from exams.rules import item_problems

MAX_IMPORT_BYTES = 1024 * 1024


class ExamItemForm(WagtailAdminModelForm):
    """The item editor: refuses options that do not fit the item's kind, and never changes the
    item's status (only the status services do, with an audit entry)."""

    def clean(self):
        cleaned = super().clean()
        formset = self.formsets.get("options")
        if formset is None or not formset.is_valid():
            return cleaned
        options = [
            (form.cleaned_data.get("text") or "", bool(form.cleaned_data.get("is_correct")))
            for form in formset.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        for problem in item_problems(cleaned.get("kind") or "", options):
            self.add_error(None, problem)
        return cleaned

    def save(self, commit=True):
        instance = self.instance
        if instance.pk:  # a revert restores old content, never an old status
            stored = type(instance).objects.filter(pk=instance.pk).values_list("status", flat=True)
            instance.status = stored.first() or instance.status
        return super().save(commit=commit)


_AIKEN_ANSWER = re.compile(r"^\s*ANSWER\s*:\s*[A-Z]\s*$", re.MULTILINE)


def detect_format(name: str, text: str) -> str:
    """ "gift" or "aiken": a .gift name, else `ANSWER: X` lines mean Aiken (whose text may hold
    braces), else an answer block in braces means GIFT."""
    if name.lower().endswith(".gift"):
        return "gift"
    if _AIKEN_ANSWER.search(text):
        return "aiken"
    return "gift" if "{" in text else "aiken"


class ImportForm(forms.Form):
    FORMATS = [("auto", "Detect from the file name"), ("gift", "Moodle GIFT"), ("aiken", "Aiken")]

    file = forms.FileField(help_text="A GIFT (.gift, .txt) or Aiken (.txt) file, at most 1 MB.")
    format = forms.ChoiceField(choices=FORMATS, initial="auto")
    topic = forms.ModelChoiceField(
        queryset=None,
        required=False,
        help_text="For questions without a $CATEGORY line naming a topic.",
    )

    def __init__(self, *args, **kwargs):
        from exams.models import ExamTopic

        super().__init__(*args, **kwargs)
        self.fields["topic"].queryset = ExamTopic.objects.all()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError("The file is larger than 1 MB.")
        raw = upload.read()
        try:
            self.cleaned_data["text"] = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError("The file is not UTF-8 text.") from None
        return upload

    def detected_format(self) -> str:
        chosen = self.cleaned_data["format"]
        if chosen != "auto":
            return chosen
        return detect_format(self.cleaned_data["file"].name, self.cleaned_data["text"])


class ImportConfirmForm(forms.Form):
    """The preview's second step: the same text comes back, is parsed again, and only then saved."""

    # A hidden textarea, not a hidden input: it keeps the file's line breaks (and line numbers).
    text = forms.CharField(
        widget=forms.Textarea(attrs={"hidden": True}), strip=False, max_length=MAX_IMPORT_BYTES
    )
    format = forms.ChoiceField(
        choices=[("gift", "GIFT"), ("aiken", "Aiken")], widget=forms.HiddenInput
    )
    topic = forms.IntegerField(required=False, widget=forms.HiddenInput)
    import_valid = forms.BooleanField(
        required=False, label="Import the valid items and skip the ones with errors"
    )
    activate = forms.BooleanField(
        required=False,
        label="Make complete items active at once (otherwise they arrive as drafts)",
    )


class StatusForm(forms.Form):
    to = forms.CharField()
    reason = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class AccommodationDecisionForm(forms.Form):
    note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Sent to the candidate. Required when denying.",
    )
