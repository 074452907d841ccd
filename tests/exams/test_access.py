"""Every role against the exam's pages: allowed, refused, or not found."""

import pytest

from exams.models import AccommodationRequest
from exams.selectors import exam_step_get
from exams.services.attempts import attempt_start, attempt_submit
from lms import clock
from tests.factories.exams import T0, later, make_candidate, signed_in

pytestmark = pytest.mark.django_db

OK, REFUSED = 200, (302, 403)


@pytest.fixture
def world(exam, candidate, editor, cert_staff, client):
    attempt = attempt_start(user=candidate, now=T0)
    request = AccommodationRequest.objects.create(
        user=candidate, kind="minutes", amount=10, reason="x"
    )
    item = attempt.items.first().item
    return {
        "people": {
            "anonymous": client,
            "candidate": signed_in(candidate),
            "editor": signed_in(editor),
            "staff": signed_in(cert_staff),
        },
        "ids": {"attempt": attempt.pk, "item": item.pk, "exam": exam.pk, "request": request.pk},
    }


# url, then the expected status for anonymous, candidate, editor, staff
MATRIX = [
    ("/exam/", REFUSED, OK, OK, OK),
    ("/exam/attempt/{attempt}/", REFUSED, OK, 404, 404),
    ("/exam/extra-time/", REFUSED, OK, OK, OK),
    ("/admin/snippets/exams/examitem/", REFUSED, REFUSED, OK, REFUSED),
    ("/admin/snippets/exams/examitem/edit/{item}/", REFUSED, REFUSED, OK, REFUSED),
    ("/admin/snippets/exams/examitem/status/{item}/", REFUSED, REFUSED, OK, REFUSED),
    ("/admin/snippets/exams/examitem/stats/{item}/", REFUSED, REFUSED, OK, OK),
    ("/admin/snippets/exams/examitem/import/", REFUSED, REFUSED, OK, REFUSED),
    ("/admin/snippets/exams/examitem/export/", REFUSED, REFUSED, OK, REFUSED),
    ("/admin/snippets/exams/examtopic/", REFUSED, REFUSED, OK, REFUSED),
    ("/admin/exam-definitions/", REFUSED, REFUSED, REFUSED, OK),
    ("/admin/exam-definitions/new/", REFUSED, REFUSED, REFUSED, OK),
    ("/admin/exam-definitions/edit/{exam}/", REFUSED, REFUSED, REFUSED, OK),
    ("/admin/exam-definitions/stats/{exam}/", REFUSED, REFUSED, OK, OK),
    ("/admin/exam-grants/", REFUSED, REFUSED, REFUSED, OK),
    ("/admin/exam-grants/new/", REFUSED, REFUSED, REFUSED, OK),
    ("/admin/exam-accommodations/", REFUSED, REFUSED, REFUSED, OK),
    ("/admin/exam-accommodations/inspect/{request}/", REFUSED, REFUSED, REFUSED, OK),
    ("/admin/exam-attempts/", REFUSED, REFUSED, REFUSED, OK),
    ("/admin/exam-attempts/inspect/{attempt}/", REFUSED, REFUSED, REFUSED, OK),
]


@pytest.mark.parametrize("row", MATRIX, ids=[row[0] for row in MATRIX])
def test_who_may_open_what(world, row):
    url, *expected = row
    path = url.format(**world["ids"])
    for who, wanted in zip(("anonymous", "candidate", "editor", "staff"), expected, strict=True):
        with clock.frozen_at(later(1)):
            status = world["people"][who].get(path).status_code
        assert status in (wanted if isinstance(wanted, tuple) else (wanted,)), (who, path, status)


def test_the_dashboard_step_follows_the_candidate(exam, rng):
    user, application = make_candidate(status="training_approved")
    assert exam_step_get(user=user, now=T0).state == "locked"
    application.status = "classroom_complete"
    application.save()
    assert exam_step_get(user=user, now=T0).state == "open"
    attempt = attempt_start(user=user, now=T0, rng=rng)
    assert exam_step_get(user=user, now=later(1)).state == "in_progress"
    attempt_submit(attempt=attempt, actor=user, via="candidate", now=later(2))
    step = exam_step_get(user=user, now=later(3))
    assert step.state == "waiting" and "waiting period" in step.detail
    assert step.url == "/exam/"
