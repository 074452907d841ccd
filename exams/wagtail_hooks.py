"""The exam in the Wagtail admin: the item bank (Content editors) and the exam's back office
(certification staff). The views live in `exams.backoffice`. And the exam's contributions to the
hooks the lower apps call: step 7 of the applicant dashboard (`dashboard_steps`) and the demo
item bank (`demo_seeders`)."""

from django.shortcuts import redirect
from django.urls import reverse
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from enrollment.models import ApplicationStatus
from enrollment.selectors.dashboard import StepContent, StepContext, StepDefinition
from exams import admin_panels  # noqa: F401  (the admin home's "needs action" items)
from exams.backoffice.candidates import (
    AccommodationViewSet,
    ActionsPolicy,
    ExamAttemptViewSet,
    ExamGrantViewSet,
)
from exams.backoffice.definitions import DefinitionPermissionPolicy, ExamDefinitionViewSet
from exams.backoffice.items import ExamItemViewSet, ExamTopicViewSet
from exams.models import (
    AccommodationRequest,
    AttemptItem,
    AttemptStatus,
    ExamAttempt,
    ExamDefinition,
    ExamGrant,
    ExamItem,
)
from exams.selectors import exam_step_get
from exams.services.attempts import ready_papers_drop_holding
from lms import clock

# Before any viewset asks for a policy (and Wagtail would create the default one).
register_permission_policy(ExamDefinition, DefinitionPermissionPolicy(ExamDefinition))
register_permission_policy(ExamGrant, ActionsPolicy(ExamGrant, {"view", "add"}))
register_permission_policy(AccommodationRequest, ActionsPolicy(AccommodationRequest, {"view"}))
register_permission_policy(ExamAttempt, ActionsPolicy(ExamAttempt, {"view"}))


class ExamBankGroup(SnippetViewSetGroup):
    menu_label = "Exam bank"
    menu_icon = "help"
    menu_order = 170
    items = (ExamItemViewSet, ExamTopicViewSet)


register_snippet(ExamBankGroup)


class ExamOfficeGroup(ViewSetGroup):
    menu_label = "Competency exam"
    menu_icon = "list-ol"
    menu_order = 155
    items = (ExamDefinitionViewSet, ExamGrantViewSet, AccommodationViewSet, ExamAttemptViewSet)


@hooks.register("register_admin_viewset")
def register_exam_office():
    return ExamOfficeGroup()


@hooks.register("before_delete_snippet")
def refuse_deleting_items_in_use(request, instances):
    """Items served in an attempt stay (the attempt points at them): retire them instead. Papers
    drawn ahead (not started) that hold them are drawn again."""
    if not instances or not isinstance(instances[0], ExamItem):
        return None
    pks = [i.pk for i in instances]
    held = AttemptItem.objects.filter(item_id__in=pks)
    if not held.exclude(attempt__status=AttemptStatus.READY).exists():
        if request.method == "POST":
            ready_papers_drop_holding(pks)
        return None
    messages.error(
        request,
        "Items that candidates have been served cannot be deleted; retire them instead.",
    )
    return redirect(reverse(ExamItem.snippet_viewset.get_url_name("list")))


# --- Contributions to enrollment's hooks ---------------------------------------------------------


def _exam_current(context: StepContext) -> StepContent:
    step = exam_step_get(user=context.application.user, now=clock.now())
    label = {"open": "Take the competency exam", "in_progress": "Continue your exam"}.get(
        step.state, "See the exam"
    )
    return StepContent(
        step.detail or "Take the web-based competency exam.",
        reverse("exams:exam-overview"),
        label,
    )


@hooks.register("dashboard_steps")
def exam_dashboard_step():
    """Step 7 of the applicant dashboard: the competency exam, once every classroom day is
    attended."""
    S = ApplicationStatus
    return [
        StepDefinition(
            7,
            "Competency exam",
            is_done=lambda c: c.reached(S.EXAM_PASSED),
            is_current=lambda c: c.status is S.CLASSROOM_COMPLETE,
            done=lambda c: StepContent(f"Passed{c.on(S.EXAM_PASSED)}"),
            current=_exam_current,
            locked="Opens once you have attended every required classroom day",
        )
    ]


@hooks.register("demo_seeders", order=30)
def seed_exams_demo_data(stdout):
    """`seed_demo`'s exams part: the demo item bank and exam (after the curriculum, order 20:
    items link to its learning objectives)."""
    from exams.demo import seed_exam_bank

    seed_exam_bank()
