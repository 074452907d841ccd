"""Admin views of the training back office: PowerPoint import into a module, lesson and
classroom-day exports. Wagtail's admin URLs already require `wagtailadmin.access_admin`."""

import uuid

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.views.generic import FormView, TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.permission_policies.pages import PagePermissionPolicy

from courses.admin_forms import LessonImportForm
from courses.deck_imports import (
    deck_import_cancel,
    deck_import_confirm,
    deck_import_start,
    deck_preview_import,
    deck_preview_store,
)
from courses.models import DeckImport, LessonPage, ModulePage
from courses.pptx_export import (
    CLASSROOM_DAYS,
    PPTX_CONTENT_TYPE,
    classroom_day_export_pptx,
    classroom_day_lesson_list,
    lesson_export_pptx,
)
from courses.pptx_import.package import deck_needs_task
from courses.pptx_import.slides import deck_read
from courses.pptx_report import DeckReport

_PREVIEWS = "pptx_import_previews"  # session key: token → the stored deck and the choices


def importable_modules(user: AbstractBaseUser) -> QuerySet[ModulePage]:
    """The modules `user` may add lessons to, in tree order."""
    pages = PagePermissionPolicy().instances_user_has_permission_for(user, "add")
    return ModulePage.objects.filter(pk__in=pages.values("pk")).order_by("path")


def forbidden(request, message: str) -> TemplateResponse:
    # Wagtail turns a raised PermissionDenied into a redirect to the dashboard; say 403 instead.
    context = {"page_title": "Not allowed", "header_icon": "warning", "message": message}
    return TemplateResponse(request, "courses/admin/forbidden.html", context, status=403)


class LessonImportView(WagtailAdminTemplateMixin, FormView):
    template_name = "courses/admin/pptx_import.html"
    form_class = LessonImportForm
    page_title = "Import PowerPoint"
    header_icon = "upload"

    def dispatch(self, request, *args, **kwargs):
        self.modules = importable_modules(request.user)
        chosen = ModulePage.objects.filter(pk=_int_or_none(request.POST.get("module"))).first()
        if chosen and not _can_import_into(chosen, request.user):
            return forbidden(request, "You may not add lessons to this module.")
        if not self.modules.exists():
            return forbidden(request, "There is no module you may add lessons to.")
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"module": _int_or_none(self.request.GET.get("module"))}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "modules": self.modules}

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            action_url=reverse("courses_admin:lesson-import"),
            submit_button_label="Preview the import",
            submit_button_active_label="Reading the deck…",
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        if "preview" in request.POST:
            return self._confirm(request)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        """A big deck goes to a task at once; a small one is read and its import report shown,
        and nothing is saved until the editor confirms."""
        data = form.cleaned_data
        try:
            if deck_needs_task(data["file"]):
                result = deck_import_start(
                    file=data["file"],
                    module=data["module"],
                    user=self.request.user,
                    title=data["title"],
                )
                return redirect("courses_admin:lesson-import-status", result.pk)
            report = DeckReport()
            deck_read(data["file"], report=report)
        except ValidationError as error:
            form.add_error("file", error.messages)  # a slug clash is a dict of errors
            return self.form_invalid(form)
        except PermissionDenied as error:
            return forbidden(self.request, str(error))
        token = uuid.uuid4().hex
        previews = self.request.session.get(_PREVIEWS, {})
        previews[token] = {
            "storage_name": deck_preview_store(file=data["file"]),
            "file_name": (getattr(data["file"], "name", "") or "deck.pptx")[:255],
            "module": data["module"].pk,
            "title": data["title"],
        }
        self.request.session[_PREVIEWS] = previews
        context = {
            "report": report,
            "token": token,
            "module": data["module"],
            "page_title": "Import report",
        }
        return TemplateResponse(
            self.request, "courses/admin/pptx_import_report.html", self.get_context_data(**context)
        )

    def _confirm(self, request):
        previews = request.session.get(_PREVIEWS, {})
        kept = previews.pop(request.POST["preview"], None)
        request.session[_PREVIEWS] = previews
        module = ModulePage.objects.filter(pk=(kept or {}).get("module")).first()
        if kept is None or module is None:
            messages.error(request, "This preview has expired: upload the deck again.")
            return redirect("courses_admin:lesson-import")
        try:
            lesson = deck_preview_import(
                storage_name=kept["storage_name"],
                file_name=kept["file_name"],
                module=module,
                user=request.user,
                title=kept["title"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("courses_admin:lesson-import")
        except PermissionDenied as error:
            return forbidden(request, str(error))
        return _imported(request, lesson)


def _imported(request, lesson: LessonPage):
    slides = len(lesson.body)
    messages.success(
        request,
        f"“{lesson.title}” was imported as a draft lesson with {slides} slide"
        f"{'s' if slides != 1 else ''}. Review it, then publish.",
    )
    return redirect("wagtailadmin_pages:edit", lesson.pk)


class LessonImportStatusView(WagtailAdminTemplateMixin, TemplateView):
    """How far the tasks importing a big deck have got. The page reloads itself every few
    seconds while a task is at work; once the deck is read it shows the import report with
    Confirm and Cancel (nothing is saved before Confirm); then it links to the draft lesson, or
    says why the deck was refused. Only the editor who started the import sees it."""

    template_name = "courses/admin/pptx_import_status.html"
    page_title = "Importing PowerPoint"
    header_icon = "upload"
    poll_seconds = 2

    def dispatch(self, request, *args, **kwargs):
        self.deck_import = get_object_or_404(
            DeckImport.objects.select_related("lesson", "module"),
            pk=kwargs["pk"],
            user=request.user,
        )
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        """Confirm (save the draft lesson) or cancel (keep nothing) a read deck."""
        cancel = "cancel" in request.POST
        service = deck_import_cancel if cancel else deck_import_confirm
        try:
            service(deck_import=self.deck_import, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        except PermissionDenied as error:
            return forbidden(request, str(error))
        else:
            if cancel:
                messages.success(request, "The import was cancelled: nothing was saved.")
                url = reverse("courses_admin:lesson-import")
                return redirect(f"{url}?module={self.deck_import.module_id}")
        return redirect("courses_admin:lesson-import-status", self.deck_import.pk)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("courses_admin:lesson-import"), "label": "Import PowerPoint"},
            {"url": "", "label": self.page_title},
        ]

    def get_context_data(self, **kwargs):
        deck_import = self.deck_import
        return super().get_context_data(
            deck_import=deck_import,
            report=DeckReport.from_dict(deck_import.report),
            poll_seconds=self.poll_seconds if deck_import.is_working else None,
            **kwargs,
        )


def lesson_export(request, lesson_id: int):
    """The lesson as a deck. Those who may edit it get its latest draft, others what is live."""
    lesson = get_object_or_404(LessonPage, pk=lesson_id)
    if lesson.permissions_for_user(request.user).can_edit():
        lesson = lesson.get_latest_revision_as_object()
    elif not lesson.live:
        raise Http404("This lesson is not published.")
    return _pptx_response(lesson_export_pptx(lesson), slugify(lesson.title) or "lesson")


def day_export(request, day: int):
    if day not in CLASSROOM_DAYS:
        raise Http404("There is no such classroom day.")
    return _pptx_response(classroom_day_export_pptx(day), f"classroom-day-{day}")


class ClassroomDecksView(WagtailAdminTemplateMixin, TemplateView):
    """The four classroom days, the published lessons each deck holds, and download links."""

    template_name = "courses/admin/classroom_decks.html"
    page_title = "Classroom decks"
    header_icon = "download"

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        days = [
            {
                "day": day,
                "panel_id": f"day-{day}",
                "heading": f"Classroom day {day}",
                "lessons": classroom_day_lesson_list(day),
                "url": reverse("courses_admin:day-export", args=[day]),
            }
            for day in CLASSROOM_DAYS
        ]
        return super().get_context_data(days=days, **kwargs)


def _pptx_response(data: bytes, stem: str) -> HttpResponse:
    return HttpResponse(
        data,
        content_type=PPTX_CONTENT_TYPE,
        headers={"Content-Disposition": content_disposition_header(True, f"{stem}.pptx")},
    )


def _can_import_into(module: ModulePage, user) -> bool:
    return module.permissions_for_user(user).can_add_subpage()


def _int_or_none(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None
