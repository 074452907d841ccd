"""The applicant's pages: self-check, start, the application form, uploads and the dashboard.

Views only route: reads come from `selectors`, writes go through `services`, and every page about
an application is scoped to its owner by `application_get_for_user` (anyone else: 404).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST
from wagtail import hooks

from enrollment.forms import ApplicationForm, SelfCheckForm, StartForm
from enrollment.models import ApplicationStatus, ApplicationUpload
from enrollment.rules import RuleViolation
from enrollment.selectors.applications import (
    application_answers,
    application_get_for_user,
    application_upload_get_for_user,
    application_uploads_list,
    can_apply,
    days_label,
    policy_get,
    track_options_list,
)
from enrollment.selectors.dashboard import dashboard_get
from enrollment.selfcheck import CM3_NOTE, recommend_track
from enrollment.services.applications import (
    ApplicationIncomplete,
    DuplicatePerson,
    FieldsRefused,
    application_save,
    application_start,
    application_start_refusal,
    application_submit,
)
from enrollment.uploads import private_file_response
from lms import clock
from lms.roles import Capability, can

SELFCHECK_SESSION_KEY = "enrollment.selfcheck"
_NUMBER_WORDS = dict(enumerate("zero one two three four five six seven eight nine ten".split()))


@login_required
def selfcheck(request):
    """ "Which track fits me?": the questions, then the advice and a way to start."""
    form = SelfCheckForm(request.POST if request.method == "POST" else None)
    result = None
    if form.is_bound and form.is_valid():
        # Kept for the application form, which starts from these answers.
        request.session[SELFCHECK_SESSION_KEY] = form.prefill()
        recommendation = recommend_track(form.answers(), policy=policy_get())
        result = {
            "recommendation": recommendation,
            "days_label": days_label(recommendation.days),
            "total_fee": recommendation.training_fee + recommendation.reapplication_fee,
        }
    context = {
        "form": form,
        "result": result,
        "tracks": track_options_list(),
        "can_apply": can_apply(request.user),
        "cm3_note": CM3_NOTE,
        "start_refusal": application_start_refusal(user=request.user, today=clock.today()),
    }
    return render(request, "enrollment/selfcheck.html", context)


@login_required
@require_POST
def start(request):
    """Open a draft application on the chosen track."""
    if not can_apply(request.user):
        raise PermissionDenied("Staff accounts cannot apply; sign in with a personal account.")
    form = StartForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a track to apply under.")
        return redirect("enrollment:selfcheck")
    try:
        application = application_start(
            user=request.user,
            track=form.cleaned_data["track"],
            prefill=request.session.pop(SELFCHECK_SESSION_KEY, None),
        )
    except RuleViolation as exc:
        messages.error(request, str(exc))
        return redirect("enrollment:dashboard")
    messages.success(request, f"Application started as {application.get_track_display()}.")
    return redirect("enrollment:application-detail", pk=application.pk)


def _own_application(request, pk):
    application = application_get_for_user(user=request.user, pk=pk)
    if application is None:
        raise Http404("No such application.")
    return application


@login_required
def application_detail(request, pk):
    """The application on one page: edit while a draft or returned, else read it."""
    application = _own_application(request, pk)
    if not application.is_editable:
        return _read_only(request, application)
    is_post = request.method == "POST"
    form = ApplicationForm(
        request.POST if is_post else None, request.FILES if is_post else None, instance=application
    )
    if is_post and form.is_valid() and _save(request, form):
        if request.POST.get("action") != "submit":
            messages.success(request, "Saved.")
            return redirect("enrollment:application-detail", pk=application.pk)
        if _submit(request, form):
            messages.success(request, "Your application is submitted. Staff will review it.")
            return redirect("enrollment:dashboard")
        return _render_form(request, form, saved_not_submitted=True)
    return _render_form(request, form)


def _save(request, form: ApplicationForm) -> bool:
    """Save the answers and any transcript together; on a refusal put it on the form."""
    try:
        application_save(
            application=form.instance,
            user=request.user,
            transcript=form.cleaned_data.get("transcript"),
            replies=form.replies() if form.corrections else None,
        )
    except DuplicatePerson as exc:
        form.add_duplicate_person(str(exc))
        return False
    except RuleViolation as exc:
        form.add_error(None, str(exc))
        return False
    return True


def _submit(request, form: ApplicationForm) -> bool:
    try:
        application_submit(application=form.instance, user=request.user)
    except ApplicationIncomplete as exc:
        form.add_missing(exc.missing)
        return False
    except FieldsRefused as exc:
        form.add_refused(exc.fields)
        form.add_error(None, str(exc))
        return False
    except DuplicatePerson as exc:
        form.add_duplicate_person(str(exc))
        return False
    except RuleViolation as exc:
        form.add_error(None, str(exc))
        return False
    return True


def _render_form(request, form: ApplicationForm, *, saved_not_submitted: bool = False):
    application = form.instance
    uploads = list(application_uploads_list(application=application))
    has_transcript = any(u.purpose == ApplicationUpload.Purpose.TRANSCRIPT for u in uploads)
    context = {
        "application": application,
        "form": form,
        "sections": form.sections(has_transcript=has_transcript),
        "uploads": uploads,
        "saved_not_submitted": saved_not_submitted,
    }
    return render(request, "enrollment/application_form.html", context)


def _valid_months() -> str:
    months = policy_get().application_valid_months
    return _NUMBER_WORDS.get(months, str(months))


def _read_only(request, application):
    if request.method == "POST":
        messages.error(request, "This application can no longer be changed.")
        return redirect("enrollment:application-detail", pk=application.pk)
    context = {
        "application": application,
        "answers": application_answers(application),
        "uploads": application_uploads_list(application=application),
        "valid_months": _valid_months(),
        "is_expired": application.status == ApplicationStatus.EXPIRED,
        "is_denied": application.status == ApplicationStatus.DENIED,
    }
    return render(request, "enrollment/application_readonly.html", context)


@login_required
def upload_download(request, pk, upload_pk):
    """Stream an upload as an attachment: to its owner and to certification staff only."""
    upload = application_upload_get_for_user(
        user=request.user, application_pk=pk, upload_pk=upload_pk
    )
    if upload is None:
        raise Http404("No such upload.")
    return private_file_response(
        upload.storage_name, filename=upload.original_name, kind=upload.kind
    )


@login_required
def dashboard(request):
    """Where an applicant lands after signing in: the nine steps and the one next thing to do."""
    if not can_apply(request.user):
        context = {"staff": True, "admin_access": can(request.user, Capability.ADMIN)}
        return render(request, "enrollment/dashboard.html", context)
    today = clock.today()
    board = dashboard_get(user=request.user, today=today)
    context = {"board": board, "today": today, "valid_months": _valid_months()}
    # Contribution point "dashboard_notices": fn(application) → [{"text", "url", "label"}]
    # (payments: the reapplication fee due before the first booking).
    if board.application is not None:
        context["notices"] = [
            notice
            for fn in hooks.get_hooks("dashboard_notices")
            for notice in fn(board.application)
        ]
    return render(request, "enrollment/dashboard.html", context)
