"""The confirmation step of the back office's consequential buttons (approve, deny, change the
track, lock attendance): the first POST shows what will happen, a second one with
`confirmed=yes` does it. Views only: the services decide and refuse."""

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse

CONFIRM_TEMPLATE = "enrollment/admin/decision_confirm.html"


def is_confirmed(request: HttpRequest) -> bool:
    return request.POST.get("confirmed") == "yes"


def confirm_page(view, *, title: str, consequences: list[str]) -> HttpResponse:
    """The confirmation page of an inspect-view action: `title`, what will happen, the POSTed
    fields carried along, a button to go ahead and a way back to the object's page."""
    request = view.request
    hidden = [
        (name, value)
        for name, values in request.POST.lists()
        if name not in ("csrfmiddlewaretoken", "confirmed")
        for value in values
    ]
    context = view.get_context_data()
    context.update(
        confirm_title=title,
        consequences=consequences,
        hidden=hidden,
        action_url=request.path,
        cancel_url=reverse(view.inspect_url_name, args=[view.object.pk]),
    )
    return TemplateResponse(request, CONFIRM_TEMPLATE, context)


class ConfirmStepMixin:
    """Put before an inspect-based POST view: its `post` runs only once confirmed."""

    confirm_title = ""

    def consequences(self) -> list[str]:
        return []

    def post(self, request, *args, **kwargs):
        if not is_confirmed(request):
            title = self.confirm_title % {"object": self.object}
            return confirm_page(self, title=title, consequences=self.consequences())
        return super().post(request, *args, **kwargs)


def lock_consequences(session) -> list[str]:
    """What locking a session's attendance will do, counted from its roster."""
    from enrollment.models import RegistrationStatus
    from enrollment.selectors.classroom import ATTENDED, MISSED

    confirmed = session.registrations.filter(status=RegistrationStatus.CONFIRMED)
    attended = confirmed.filter(attendance__in=ATTENDED).count()
    missed = confirmed.filter(attendance__in=MISSED).count()
    unmarked = confirmed.filter(attendance="").count()
    lines = [
        "The trainers can no longer change the attendance marks.",
        f"{attended} attended: the day counts for them; whoever has now attended every "
        "required day moves on to the exam and is emailed.",
        f"{missed} missed: their booking closes, which frees the seat; they pay and book that "
        "day again.",
    ]
    if unmarked:
        lines.append(f"{unmarked} not marked yet: the lock will be refused until they are.")
    return lines
