"""The "Training" admin menu (learning objectives, PowerPoint import, classroom decks) and the
PowerPoint buttons on lesson and module pages; and courses' contributions to the hooks the lower
apps call: step 4 of the applicant dashboard (`dashboard_steps`), the training percent on the
staff application page (`application_summary_rows`) and the demo curriculum (`demo_seeders`)."""

from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.admin.widgets import Button
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from courses import admin_views
from courses.models import LearningObjective, LessonPage, ModulePage
from courses.selectors import training_percent, training_resume_url
from enrollment.models import ApplicationStatus
from enrollment.selectors.dashboard import StepContent, StepContext, StepDefinition

TRAINING_MENU_HOOK = "register_training_menu_item"

app_name = "courses_admin"
urlpatterns = [
    path("import/", admin_views.LessonImportView.as_view(), name="lesson-import"),
    path(
        "import/<int:pk>/",
        admin_views.LessonImportStatusView.as_view(),
        name="lesson-import-status",
    ),
    path("decks/", admin_views.ClassroomDecksView.as_view(), name="decks"),
    path("lesson/<int:lesson_id>/export.pptx", admin_views.lesson_export, name="lesson-export"),
    path("day/<int:day>/export.pptx", admin_views.day_export, name="day-export"),
]


@hooks.register("register_admin_urls")
def register_training_urls():
    return [path("training/", include((urlpatterns, app_name), namespace=app_name))]


class LearningObjectiveViewSet(SnippetViewSet):
    """What learners can do after a lesson; exam items link to them. Kept by content editors."""

    model = LearningObjective
    icon = "tick"
    menu_label = "Learning objectives"
    menu_order = 100
    menu_hook = TRAINING_MENU_HOOK
    copy_view_enabled = False
    list_display = ["code", "text"]
    list_export = ["code", "text"]
    export_filename = "learning-objectives"


register_snippet(LearningObjectiveViewSet)


class ImportMenuItem(MenuItem):
    def is_shown(self, request):
        return admin_views.importable_modules(request.user).exists()


@hooks.register("register_admin_menu_item")
def register_training_menu():
    return SubmenuMenuItem(
        "Training",
        Menu(register_hook_name=TRAINING_MENU_HOOK),
        name="training",
        icon_name="folder-open-inverse",
        order=140,
    )


@hooks.register(TRAINING_MENU_HOOK)
def register_import_menu_item():
    return ImportMenuItem(
        "Import PowerPoint",
        reverse("courses_admin:lesson-import"),
        name="import-powerpoint",
        icon_name="upload",
        order=200,
    )


@hooks.register(TRAINING_MENU_HOOK)
def register_decks_menu_item():
    return MenuItem(
        "Classroom decks",
        reverse("courses_admin:decks"),
        name="classroom-decks",
        icon_name="download",
        order=300,
    )


def _powerpoint_buttons(page, user, priority: int):
    if page.specific_class is LessonPage:
        url = reverse("courses_admin:lesson-export", args=[page.pk])
        yield Button("Export PowerPoint", url, icon_name="download", priority=priority)
    elif page.specific_class is ModulePage and page.permissions_for_user(user).can_add_subpage():
        url = reverse("courses_admin:lesson-import") + f"?module={page.pk}"
        yield Button("Import PowerPoint", url, icon_name="upload", priority=priority)


@hooks.register("register_page_listing_more_buttons")
def page_listing_powerpoint_buttons(page, user, next_url=None):
    yield from _powerpoint_buttons(page, user, priority=70)


@hooks.register("register_page_header_buttons")
def page_header_powerpoint_buttons(page, user, view_name, next_url=None):
    yield from _powerpoint_buttons(page, user, priority=75)


# --- Contributions to enrollment's hooks ---------------------------------------------------------

TRAINING_URL = "/training/"


def _training_current(context: StepContext) -> StepContent:
    application = context.application
    if application.status == ApplicationStatus.TRAINING_COMPLETE:
        return StepContent("100% complete; certification staff are checking your training.")
    percent = training_percent(application)
    if percent == 0:
        return StepContent(
            "Your application is approved: take the web-based training (0% complete).",
            TRAINING_URL,
            "Start the web-based training",
        )
    return StepContent(
        f"Web-based training: {percent}% complete.",
        training_resume_url(application) or TRAINING_URL,
        "Resume where you left off",
    )


@hooks.register("dashboard_steps")
def training_dashboard_step():
    """Step 4 of the applicant dashboard: the web-based training, from approval until staff
    approve the finished training."""
    S = ApplicationStatus
    return [
        StepDefinition(
            4,
            "Web-based training",
            is_done=lambda c: c.reached(S.TRAINING_APPROVED),
            is_current=lambda c: c.status in (S.APPROVED, S.TRAINING_COMPLETE),
            done=lambda c: StepContent(
                f"Training complete; approved by staff{c.on(S.TRAINING_APPROVED)}"
            ),
            current=_training_current,
            locked="Opens once your application is approved",
        )
    ]


@hooks.register("application_summary_rows")
def training_percent_row(*, application):
    """The staff application page: how far the applicant has got in the web-based training
    (from submission on)."""
    if application.status == ApplicationStatus.DRAFT:
        return []
    return [("Web-based training", f"{training_percent(application)}% complete")]


@hooks.register("demo_seeders", order=20)
def seed_courses_demo_data(stdout):
    """`seed_demo`'s courses part: the demo curriculum under the home page."""
    from courses.demo import seed_curriculum
    from lms.models import HomePage

    seed_curriculum(HomePage.objects.first())
