"""Extra-time requests and exam attempts open from their admin lists, and the score chart is
linked from the exam definitions list (it could only be reached by typing its address)."""

import pytest

from exams.models import AccommodationRequest
from exams.services.attempts import attempt_start
from tests.factories.exams import T0, signed_in

pytestmark = pytest.mark.django_db


def test_an_extra_time_request_opens_from_its_list(cert_staff, candidate):
    request = AccommodationRequest.objects.create(
        user=candidate, kind="minutes", amount=15, reason="Dyslexia."
    )
    client = signed_in(cert_staff)
    listing = client.get("/admin/exam-accommodations/").content.decode()
    link = f'href="/admin/exam-accommodations/inspect/{request.pk}/"'
    assert link in listing
    assert client.get(f"/admin/exam-accommodations/inspect/{request.pk}/").status_code == 200


def test_an_attempt_opens_from_its_list(cert_staff, candidate, exam, rng):
    attempt = attempt_start(user=candidate, now=T0, rng=rng)
    client = signed_in(cert_staff)
    listing = client.get("/admin/exam-attempts/").content.decode()
    assert f'href="/admin/exam-attempts/inspect/{attempt.pk}/"' in listing
    assert client.get(f"/admin/exam-attempts/inspect/{attempt.pk}/").status_code == 200


def test_the_score_chart_is_linked_from_the_exam_definition(cert_staff, exam):
    client = signed_in(cert_staff)
    listing = client.get("/admin/exam-definitions/").content.decode()
    assert f'<a href="/admin/exam-definitions/stats/{exam.pk}/">Score chart' in listing
    stats = client.get(f"/admin/exam-definitions/stats/{exam.pk}/").content.decode()
    assert f"/admin/exam-definitions/stats/{exam.pk}/chart.png" in stats
