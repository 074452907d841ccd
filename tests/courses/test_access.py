"""Who sees which course and who opens its lessons: every role against the training pages and
the progress endpoints. A lesson body is recognised by a sentence only it contains."""

import pytest

from courses.selectors import course_access, training_application_for
from enrollment.models import ApplicationStatus
from tests.factories.courses import BODY_A1, BODY_REHAB, KC_ID
from tests.factories.enrollment import ApplicationFactory

pytestmark = pytest.mark.django_db
S = ApplicationStatus
AWAITING = "Opens when your application is approved"


def _html(client, page):
    response = client.get(page.url)
    return response.status_code, response.content.decode()


def test_anonymous_sees_the_public_catalogue_but_no_lesson_body(client, tree):
    status, html = _html(client, tree.index)
    assert status == 200
    assert tree.course.title in html and tree.other_course.title in html

    status, html = _html(client, tree.course)
    assert status == 200
    assert tree.course.summary in html
    for title in ("Documentation", "Billing", "Progress notes", "What is not billable"):
        assert title in html
    assert "<progress" not in html

    status, html = _html(client, tree.a1)
    assert status == 200
    assert BODY_A1 not in html and "Check answers" not in html
    assert "Sign in to open the lessons." in html
    assert "/accounts/login/?next=" in html
    assert "lesson.js" not in html


@pytest.mark.parametrize("status", [S.DRAFT, S.SUBMITTED, S.RETURNED])
def test_applicant_before_approval_sees_the_outline_only(client, tree, applicant, status):
    ApplicationFactory(user=applicant, track="cm1", status=status)
    client.force_login(applicant)

    code, html = _html(client, tree.course)
    assert code == 200 and AWAITING in html and "Progress notes" in html
    code, html = _html(client, tree.a1)
    assert code == 200 and AWAITING in html and BODY_A1 not in html

    # The cm2 course is not in a cm1 applicant's catalogue.
    code, html = _html(client, tree.index)
    assert tree.course.title in html and tree.other_course.title not in html
    assert client.get(tree.other_course.url).status_code == 404
    assert client.get(tree.other_lesson.url).status_code == 404


def test_approved_applicant_opens_their_tracks_course_and_not_another(client, tree, approved):
    client.force_login(approved.user)
    code, html = _html(client, tree.a1)
    assert code == 200 and BODY_A1 in html
    assert "Check answers" in html and "lesson.js" in html and "training.css" in html
    assert "no-cache" in client.get(tree.a1.url)["Cache-Control"]

    code, html = _html(client, tree.index)
    assert tree.course.title in html and tree.other_course.title not in html
    for page in (tree.other_course, tree.other_lesson, tree.other_lesson.get_parent()):
        assert client.get(page.url).status_code == 404


def test_an_expired_application_opens_nothing(client, tree, applicant):
    ApplicationFactory(user=applicant, track="cm1", status=S.EXPIRED)
    client.force_login(applicant)
    code, html = _html(client, tree.a1)
    assert code == 200 and BODY_A1 not in html
    assert training_application_for(applicant) is None


@pytest.mark.parametrize("who", ["cert_staff", "editor", "superuser"])
def test_staff_open_every_lesson(client, tree, who, request):
    client.force_login(request.getfixturevalue(who))
    assert BODY_A1 in _html(client, tree.a1)[1]
    assert BODY_REHAB in _html(client, tree.other_lesson)[1]
    code, html = _html(client, tree.index)
    assert tree.course.title in html and tree.other_course.title in html


@pytest.mark.parametrize("who", ["trainer", "agency_user"])
def test_trainers_and_agencies_see_the_catalogue_only(client, tree, who, request):
    client.force_login(request.getfixturevalue(who))
    code, html = _html(client, tree.index)
    assert code == 200 and tree.other_course.title in html
    code, html = _html(client, tree.a1)
    assert code == 200 and BODY_A1 not in html
    assert "Lessons open to applicants whose application is approved." in html
    assert BODY_REHAB not in _html(client, tree.other_lesson)[1]


def test_an_unpublished_lesson_is_not_served(client, tree, approved):
    url = tree.a2.url
    tree.a2.unpublish()
    client.force_login(approved.user)
    assert client.get(url).status_code == 404


def test_training_application_is_the_newest_approved_or_later(tree, applicant):
    assert training_application_for(applicant) is None
    old = ApplicationFactory(user=applicant, status=S.EXPIRED)
    assert training_application_for(applicant) is None
    current = ApplicationFactory(user=applicant, status=S.TRAINING_COMPLETE)
    assert training_application_for(applicant) == current
    assert course_access(applicant, tree.course).application == current
    assert old != current


# --- The progress endpoints -----------------------------------------------------------------


def _read_url(lesson):
    return f"/training-api/lessons/{lesson.pk}/read/"


def _check_url(lesson, block_id=KC_ID):
    return f"/training-api/lessons/{lesson.pk}/check/{block_id}/"


JSON = {"HTTP_ACCEPT": "application/json"}


def test_anonymous_posts_are_refused(client, tree):
    response = client.post(_read_url(tree.a1))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.post(_check_url(tree.a1), {"q0": "0"}, **JSON).status_code == 403


def test_endpoints_only_take_post(client, tree, approved):
    client.force_login(approved.user)
    assert client.get(_read_url(tree.a1)).status_code == 405


def test_applicant_before_approval_cannot_record(client, tree, applicant):
    ApplicationFactory(user=applicant, track="cm1", status=S.SUBMITTED)
    client.force_login(applicant)
    response = client.post(_read_url(tree.a1), **JSON)
    assert response.status_code == 403 and AWAITING in response.json()["error"]
    assert client.post(_check_url(tree.a1), {"q0": "0"}, **JSON).status_code == 403


def test_another_tracks_lesson_and_unknown_blocks_are_404(client, tree, approved):
    client.force_login(approved.user)
    assert client.post(_read_url(tree.other_lesson), **JSON).status_code == 404
    assert client.post(_check_url(tree.a1, "no-such-block"), **JSON).status_code == 404
    assert client.post(_read_url(tree.course), **JSON).status_code == 404


@pytest.mark.parametrize("who", ["trainer", "agency_user"])
def test_trainers_and_agencies_cannot_record(client, tree, who, request):
    client.force_login(request.getfixturevalue(who))
    assert client.post(_read_url(tree.a1), **JSON).status_code == 403


def test_staff_can_try_a_check_without_recording_anything(client, tree, editor):
    client.force_login(editor)
    data = client.post(_check_url(tree.a1), {"q0": "0", "q1": "1"}, **JSON).json()
    assert data["passed"] is True and data["recorded"] is False
    assert client.post(_read_url(tree.a1), **JSON).json() == {"recorded": False}
