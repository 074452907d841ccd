"""Import GIFT or Aiken with a preview that saves nothing, and export the bank to GIFT."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from exams import gift
from exams.admin_forms import ImportConfirmForm, ImportForm
from exams.backoffice.base import AdminPage
from exams.models import ExamItem, ExamTopic
from exams.rules import RuleViolation
from exams.selectors import import_plan, items_for_export
from exams.services.bank import items_import
from lms import clock


def _list_url() -> str:
    return reverse(ExamItem.snippet_viewset.get_url_name("list"))


class ImportView(AdminPage):
    """Step 1: upload. Step 2 (preview): what would be created and every error, nothing saved.
    Step 3 (confirm): the same text is parsed again and imported, all or nothing, unless the
    editor chose to import the valid items only."""

    permission = "exams.import_items"
    template_name = "exams/admin/import.html"
    page_title = "Import exam items"
    header_icon = "upload"

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=ImportForm()))

    def post(self, request, *args, **kwargs):
        if "text" in request.POST:
            return self._confirm(request)
        form = ImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        fmt = form.detected_format()
        topic = form.cleaned_data["topic"]
        plan = import_plan(text=form.cleaned_data["text"], fmt=fmt, default_topic=topic)
        confirm = ImportConfirmForm(
            initial={"text": form.cleaned_data["text"], "format": fmt, "topic": topic and topic.pk}
        )
        return self._preview(plan, confirm, fmt)

    def _preview(self, plan, confirm, fmt):
        context = self.get_context_data(plan=plan, confirm=confirm, fmt=fmt.upper())
        return self.render_to_response(context)

    def _confirm(self, request):
        confirm = ImportConfirmForm(request.POST)
        if not confirm.is_valid():
            messages.error(request, "The import could not be read; upload the file again.")
            return redirect(reverse(ExamItem.snippet_viewset.get_url_name("import")))
        data = confirm.cleaned_data
        topic = ExamTopic.objects.filter(pk=data["topic"]).first() if data["topic"] else None
        plan = import_plan(text=data["text"], fmt=data["format"], default_topic=topic)
        try:
            created = items_import(
                plan=plan,
                actor=request.user,
                import_valid=data["import_valid"],
                activate=data["activate"],
            )
        except RuleViolation as refusal:
            messages.error(request, str(refusal))
            return self._preview(plan, confirm, data["format"])
        skipped = len(plan.duplicates)
        messages.success(
            request,
            f"Imported {len(created)} item{'s' if len(created) != 1 else ''}"
            + (f"; {skipped} duplicate(s) were skipped" if skipped else "")
            + (f"; {len(plan.errors)} with errors were left out" if plan.errors else "")
            + ".",
        )
        return redirect(_list_url())


class ExportView(AdminPage):
    """The bank (without retired items unless asked) as a GIFT file."""

    permission = "exams.import_items"

    def get(self, request, *args, **kwargs):
        topic = ExamTopic.objects.filter(pk=request.GET.get("topic") or 0).first()
        items = items_for_export(topic=topic, include_retired=bool(request.GET.get("retired")))
        stamp = clock.now().astimezone(clock.LOCAL_TZ)
        text = gift.dump(
            items,
            header=f"BHCM exam bank, {len(items)} items, exported {stamp:%Y-%m-%d %H:%M %Z}.",
        )
        response = HttpResponse(text, content_type="text/plain; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="exam-bank-{stamp:%Y%m%d}.gift"'
        return response
