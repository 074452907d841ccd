"""Forms of the training back office (Wagtail admin). They only collect what staff choose; the
import itself and its refusals are in `courses.pptx_import`."""

from django import forms
from django.db.models import QuerySet

from courses.models import CoursePage, ModulePage
from courses.pptx_export import PPTX_CONTENT_TYPE
from courses.pptx_import.lesson import LESSON_TITLE_MAX_LENGTH
from courses.pptx_import.package import MAX_UPLOAD_BYTES


class ModuleChoiceField(forms.ModelChoiceField):
    """Modules labelled "Course › Module", as the same module name can appear in two courses."""

    course_titles: dict[str, str] | None = None  # by path, read once per form

    def label_from_instance(self, obj: ModulePage) -> str:
        if self.course_titles is None:
            self.course_titles = dict(CoursePage.objects.values_list("path", "title"))
        course = self.course_titles.get(obj.path[: -ModulePage.steplen], "")
        return f"{course} › {obj.title}" if course else obj.title


class LessonImportForm(forms.Form):
    module = ModuleChoiceField(
        queryset=ModulePage.objects.none(),
        help_text="The new lesson is added to this module as a draft.",
    )
    title = forms.CharField(
        max_length=LESSON_TITLE_MAX_LENGTH,
        required=False,
        help_text="Leave empty to use the first slide's title.",
    )
    file = forms.FileField(
        label="PowerPoint file",
        help_text=f"A .pptx presentation of up to {MAX_UPLOAD_BYTES // 1024**2} MB. Each slide "
        "becomes a slide block with its title, bullets, pictures and speaker notes.",
        widget=forms.ClearableFileInput(attrs={"accept": f".pptx,{PPTX_CONTENT_TYPE}"}),
    )

    def __init__(self, *args, modules: QuerySet[ModulePage], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["module"].queryset = modules
