"""The dashboard is assembled from the step definitions each app registers (hook
`dashboard_steps`): a new step appears without editing another app, and a step whose app does not
register it is gone (with its detail)."""

from datetime import date

import pytest
from wagtail import hooks

from courses.wagtail_hooks import training_dashboard_step
from enrollment.models import ApplicationStatus
from enrollment.selectors.dashboard import StepContent, StepDefinition, dashboard_get
from tests.factories.enrollment import application_at

pytestmark = pytest.mark.django_db
S = ApplicationStatus
TODAY = date(2026, 12, 1)


def test_the_nine_steps_come_from_four_apps():
    contributors = {
        fn.__module__.split(".")[0]: [d.order for d in fn()]
        for fn in hooks.get_hooks("dashboard_steps")
    }
    assert contributors == {
        "enrollment": [1, 2, 3, 5, 6],
        "courses": [4],
        "exams": [7],
        "certification": [8, 9],
    }


def test_a_registered_step_appears_in_its_place_without_editing_another_app(client):
    def orientation_step():
        return [
            StepDefinition(
                4.5,
                "Orientation call",
                is_done=lambda c: c.reached(S.TRAINING_APPROVED),
                is_current=lambda c: False,
                done="Orientation call held",
                locked=lambda c: StepContent("Opens once your training is approved"),
            )
        ]

    application = application_at(S.APPROVED, expires_on=date(2027, 3, 1))
    with hooks.register_temporarily("dashboard_steps", orientation_step):
        steps = dashboard_get(user=application.user, today=TODAY).steps
        client.force_login(application.user)
        html = client.get("/dashboard/").content.decode()
    titles = [s.title for s in steps]
    assert len(steps) == 10
    assert titles[3:6] == ["Web-based training", "Orientation call", "Classroom registration"]
    assert [s.number for s in steps] == list(range(1, 11))
    new = steps[4]
    assert (new.state, new.detail) == ("locked", "Opens once your training is approved")
    assert "Orientation call" in html and html.count('<li class="step ') == 10
    assert steps[3].state == "current"  # the training is still the one current step
    # and once unregistered, the nine steps are back
    assert len(dashboard_get(user=application.user, today=TODAY).steps) == 9


def test_without_courses_registration_step_4_and_its_detail_are_gone(monkeypatch, client):
    application = application_at(S.APPROVED, expires_on=date(2027, 3, 1))
    with_courses = dashboard_get(user=application.user, today=TODAY).steps
    assert with_courses[3].title == "Web-based training"
    assert with_courses[3].detail.startswith("Your application is approved: take the web-based")
    registered = hooks._hooks["dashboard_steps"]
    monkeypatch.setitem(
        hooks._hooks,
        "dashboard_steps",
        [(fn, order) for fn, order in registered if fn is not training_dashboard_step],
    )
    steps = dashboard_get(user=application.user, today=TODAY).steps
    assert "Web-based training" not in [s.title for s in steps] and len(steps) == 8
    assert not any("take the web-based training" in s.detail for s in steps)
    # with no step current, the next action falls back to the application itself
    assert not any(s.state == "current" for s in steps)
    client.force_login(application.user)
    html = client.get("/dashboard/").content.decode()
    assert "Start the web-based training" not in html and "Web-based training" not in html
