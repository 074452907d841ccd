"""Classroom sessions in the Wagtail admin: staff schedule sessions (day, date, times, place,
capacity, trainers), see seats left, filter and export the listing, cancel a session, and lock its
attendance once the trainer has marked everyone.

Not registered here: `enrollment/wagtail_hooks.py` registers `register_session_admin()`.
Views only read and call services (`enrollment.services.sessions` and `.roster`).
"""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import path, reverse
from django.views.defaults import permission_denied
from wagtail.admin import messages
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.generic import CreateView, EditView, IndexView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import AdminDateInput, AdminTimeInput, BooleanRadioSelect
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from enrollment.admin.confirm import ConfirmStepMixin, lock_consequences
from enrollment.admin.panels import sessions_to_lock_q
from enrollment.models import ClassroomSession, SessionStatus
from enrollment.rules import RuleViolation
from enrollment.selectors.classroom import roster_get, session_waitlist_get, sessions_with_seats
from enrollment.services.roster import session_attendance_lock, session_attendance_unlock
from enrollment.services.sessions import session_cancel, session_save
from lms import clock
from lms.exports import csv_safe
from lms.models import AuditEvent, User
from lms.roles import Role


class SessionPermissionPolicy(ModelPermissionPolicy):
    """Staff with the change permission also cancel sessions and lock attendance. Nobody deletes
    a session: bookings point at it. A session is cancelled instead."""

    def user_has_permission(self, user, action):
        if action == "delete":
            return False
        if action in ("cancel", "lock"):
            action = "change"
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


register_permission_policy(ClassroomSession, SessionPermissionPolicy(ClassroomSession))


def trainer_users():
    return User.objects.filter(groups__name=Role.TRAINER.value, is_active=True).order_by(
        "last_name", "first_name", "email"
    )


class SessionForm(forms.ModelForm):
    """What staff type when scheduling a session. The status is not here: a session is
    cancelled with the Cancel action, which tells everyone booked."""

    class Meta:
        model = ClassroomSession
        fields = [
            "day",
            "date",
            "start_time",
            "end_time",
            "venue",
            "address",
            "room",
            "capacity",
            "trainers",
        ]
        widgets = {
            "day": forms.Select(choices=[(d, f"Day {d}") for d in (1, 2, 3, 4)]),
            "date": AdminDateInput,
            "start_time": AdminTimeInput,
            "end_time": AdminTimeInput,
            "trainers": forms.CheckboxSelectMultiple,
        }
        help_texts = {"trainers": "People in the Trainer group."}

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trainers"].queryset = trainer_users()

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_time"), cleaned.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", "The session must end after it starts.")
        return cleaned


class SessionFilterSet(WagtailFilterSet):
    day = django_filters.ChoiceFilter(
        choices=[(d, f"Day {d}") for d in (1, 2, 3, 4)], empty_label="All days"
    )
    date = django_filters.DateFromToRangeFilter(label="Date", widget=DateRangePickerWidget)
    status = django_filters.ChoiceFilter(choices=SessionStatus.choices, empty_label="All")
    trainer = django_filters.ModelChoiceFilter(
        field_name="trainers", label="Trainer", queryset=lambda request: trainer_users()
    )

    to_lock = django_filters.BooleanFilter(
        label="Attendance to lock", widget=BooleanRadioSelect, method="filter_to_lock"
    )

    class Meta:
        model = ClassroomSession
        fields = ["day", "date", "status", "trainer"]

    def filter_to_lock(self, queryset, name, value):
        if value is None:
            return queryset
        held = sessions_to_lock_q(clock.today())
        return queryset.filter(held) if value else queryset.exclude(held)


def trainer_names(session: ClassroomSession) -> str:
    return ", ".join(t.get_full_name() or t.email for t in session.trainers.all())


def _time_range(session: ClassroomSession) -> str:
    return f"{session.start_time:%H:%M}–{session.end_time:%H:%M}"


EXPORT_COLUMNS: dict[str, tuple[str, Any]] = {
    "id": ("Session", lambda s: s.pk),
    "day": ("Day", lambda s: s.day),
    "date": ("Date", lambda s: s.date),
    "start_time": ("Starts", lambda s: s.start_time),
    "end_time": ("Ends", lambda s: s.end_time),
    "venue": ("Place", lambda s: csv_safe(s.venue)),
    "address": ("Address", lambda s: csv_safe(s.address)),
    "room": ("Room", lambda s: csv_safe(s.room)),
    "capacity": ("Capacity", lambda s: s.capacity),
    "confirmed_count": ("Booked", lambda s: s.confirmed_count),
    "offered_count": ("Held for waitlist offers", lambda s: s.offered_count),
    "seats_left": ("Seats left", lambda s: s.seats_left),
    "status": ("Status", lambda s: s.get_status_display()),
    "trainers": ("Trainers", trainer_names),
    "attendance_locked_at": (
        "Attendance locked",
        lambda s: "yes" if s.attendance_locked_at else "",
    ),
}


class SessionIndexView(IndexView):
    def get_base_queryset(self):
        return sessions_with_seats(ClassroomSession.objects.prefetch_related("trainers"))

    def to_row_dict(self, item):
        return {field: EXPORT_COLUMNS[field][1](item) for field in self.list_export}


class _SessionFormMixin:
    """Save through `session_save` (checks, audit, calendar updates); a refusal goes on the form."""

    def save_instance(self):
        session = self.form.save(commit=False)
        session_save(session=session, actor=self.request.user, changed=self.form.changed_data)
        self.form.save_m2m()
        return session

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except RuleViolation as refusal:
            form.add_error(None, str(refusal))
            # Wagtail's form_invalid reads this attribute; it is only set when the form's own
            # validation fails, so a refused save must set it (else an AttributeError, a 500).
            self.produced_error_code = "validation_error"
            self.produced_error_message = str(refusal)
            return self.form_invalid(form)


class SessionCreateView(_SessionFormMixin, CreateView):
    pass


class SessionEditView(_SessionFormMixin, EditView):
    pass


class SessionInspectView(InspectView):
    """The session, its roster (with attendance and fee), its waitlist, its audit history, and
    the actions the session allows: cancel (with a reason) and lock attendance."""

    template_name = "enrollment/classroom/admin/session_inspect.html"
    inspect_url_name = None
    cancel_url_name = None
    lock_url_name = None
    unlock_url_name = None

    def get_object(self, queryset=None):
        return sessions_with_seats(ClassroomSession.objects.all()).get(pk=self.pk)

    def get_fields_context(self):
        return []

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        session = self.object
        ct = ContentType.objects.get_for_model(ClassroomSession, for_concrete_model=False)
        can_change = self.permission_policy.user_has_permission(self.request.user, "change")
        context.update(
            session=session,
            rows=roster_get(session),
            waitlist=session_waitlist_get(session),
            trainers=trainer_names(session),
            history=AuditEvent.objects.filter(content_type=ct, object_id=str(session.pk)),
            can_cancel=can_change and session.status == SessionStatus.SCHEDULED,
            can_lock=can_change
            and session.status == SessionStatus.SCHEDULED
            and session.attendance_locked_at is None,
            can_unlock=can_change and session.attendance_locked_at is not None,
            cancel_url=reverse(self.cancel_url_name, args=[session.pk]),
            lock_url=reverse(self.lock_url_name, args=[session.pk]),
            unlock_url=reverse(self.unlock_url_name, args=[session.pk]),
        )
        return context


class _SessionActionView(SessionInspectView):
    """POST only; refuses (403) anyone without the change permission; a refusal of the
    service becomes an error message. Then back to the session's page."""

    http_method_names = ["post"]

    def dispatch(self, request, *args, **kwargs):
        if not self.permission_policy.user_has_permission(request.user, "change"):
            return permission_denied(request, PermissionDenied())
        return super().dispatch(request, *args, **kwargs)

    def act(self) -> str:
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        try:
            done = self.act()
        except RuleViolation as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, done)
        return redirect(self.inspect_url_name, self.object.pk)


class SessionCancelView(_SessionActionView):
    def act(self) -> str:
        session_cancel(
            session=self.object,
            actor=self.request.user,
            reason=self.request.POST.get("reason", ""),
        )
        return f"{self.object} is cancelled; everyone booked or waiting has been emailed."


class SessionAttendanceLockView(ConfirmStepMixin, _SessionActionView):
    confirm_title = "Lock the attendance of %(object)s?"

    def consequences(self) -> list[str]:
        return lock_consequences(self.object)

    def act(self) -> str:
        session_attendance_lock(session=self.object, actor=self.request.user)
        return f"Attendance of {self.object} is locked."


class SessionAttendanceUnlockView(_SessionActionView):
    def act(self) -> str:
        session_attendance_unlock(
            session=self.object,
            actor=self.request.user,
            reason=self.request.POST.get("reason", ""),
        )
        return f"Attendance of {self.object} is unlocked: correct the marks, then lock it again."


class ClassroomSessionViewSet(ModelViewSet):
    """Staff schedule classroom sessions; trainers are chosen among the Trainer group."""

    model = ClassroomSession
    name = "classroom-sessions"
    icon = "date"
    menu_label = "Classroom sessions"
    menu_order = 155
    add_to_admin_menu = True
    add_to_reference_index = False
    index_view_class = SessionIndexView
    add_view_class = SessionCreateView
    edit_view_class = SessionEditView
    inspect_view_class = SessionInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    list_per_page = 50
    ordering = "-date"
    list_display = [
        TitleColumn(
            "date",
            label="Date",
            url_name="classroom-sessions:inspect",
            sort_key="date",
            accessor=lambda s: f"{s.date:%a %b %d, %Y}",
        ),
        Column("day", label="Day", sort_key="day"),
        Column("time", label="Time", accessor=_time_range),
        Column("venue", label="Place", sort_key="venue"),
        Column("capacity", label="Capacity", sort_key="capacity"),
        Column("confirmed_count", label="Booked", sort_key="confirmed_count"),
        Column("seats_left", label="Seats left", sort_key="seats_left"),
        Column("status", label="Status", accessor="get_status_display", sort_key="status"),
        Column("trainers", label="Trainers", accessor=trainer_names),
    ]
    filterset_class = SessionFilterSet
    search_fields = ["venue", "address", "room"]
    search_backend_name = None
    list_export = list(EXPORT_COLUMNS)
    export_headings = {field: heading for field, (heading, _) in EXPORT_COLUMNS.items()}
    export_filename = "classroom-sessions"

    def get_form_class(self, for_update=False):
        return SessionForm

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(
            cancel_url_name=self.get_url_name("cancel"),
            lock_url_name=self.get_url_name("lock"),
            unlock_url_name=self.get_url_name("unlock"),
            **kwargs,
        )

    def _action_view(self, view_class):
        return self.construct_view(view_class, **self.get_inspect_view_kwargs())

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("cancel/<int:pk>/", self._action_view(SessionCancelView), name="cancel"),
            path("lock/<int:pk>/", self._action_view(SessionAttendanceLockView), name="lock"),
            path("unlock/<int:pk>/", self._action_view(SessionAttendanceUnlockView), name="unlock"),
        ]


def register_session_admin() -> ClassroomSessionViewSet:
    """The viewset instance for `@hooks.register("register_admin_viewset")`."""
    return ClassroomSessionViewSet()
