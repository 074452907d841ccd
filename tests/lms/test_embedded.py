"""What broke on the embedded SQLite default (`make run`) and in the sessions admin: these run on
PostgreSQL and again on SQLite (marker `embedded`, make test's second pass)."""

from datetime import timedelta

import pytest

from courses.selectors import required_courses
from enrollment.models import ClassroomSession
from lms import clock
from lms.models import AuditEvent
from tests.factories.courses import build_training_tree

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]

ADMIN = "/admin/classroom-sessions/"


def test_required_courses_of_a_track_on_either_database():
    tree = build_training_tree()
    assert required_courses("cm1") == [tree.course]
    assert required_courses("cm2") == [tree.other_course]
    assert required_courses("cm1_upgrade") == []


def _session_form(on):
    return {
        "day": "1",
        "date": on.isoformat(),
        "start_time": "09:00",
        "end_time": "16:00",
        "venue": "Lawton Center",
        "address": "1 Main St, Lawton, OK",
        "room": "",
        "capacity": "25",
    }


def test_a_session_in_the_past_is_refused_with_a_message_not_a_500(client, cert_staff):
    client.force_login(cert_staff)
    response = client.post(ADMIN + "new/", _session_form(clock.today() - timedelta(days=3)))
    assert response.status_code == 200
    assert "A session must be scheduled in the future." in response.content.decode()
    assert not ClassroomSession.objects.exists()
    assert not AuditEvent.objects.filter(verb="session.scheduled").exists()


def test_moving_a_session_into_the_past_is_refused_with_a_message(client, cert_staff):
    client.force_login(cert_staff)
    on = clock.today() + timedelta(days=20)
    assert client.post(ADMIN + "new/", _session_form(on)).status_code == 302
    session = ClassroomSession.objects.get()
    response = client.post(
        ADMIN + f"edit/{session.pk}/", _session_form(clock.today() - timedelta(days=1))
    )
    assert response.status_code == 200
    assert "A session cannot be moved into the past." in response.content.decode()
    session.refresh_from_db()
    assert session.date == on
