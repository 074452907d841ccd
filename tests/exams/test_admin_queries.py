"""The exam's admin lists and exports ask the same number of queries at 10 rows as at 1,000
(related rows come in the same query or one prefetch, never one query per row)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from exams.models import (
    AccommodationRequest,
    AttemptStatus,
    ExamAttempt,
    ExamGrant,
    ExamItem,
)
from exams.rules import AllowanceKind, FeedbackMode
from exams.services.bank import item_create
from tests.factories.enrollment import UserFactory
from tests.factories.exams import T0, make_candidate, signed_in

pytestmark = pytest.mark.django_db

URLS = {
    "attempts": "/admin/exam-attempts/",
    "attempts.csv": "/admin/exam-attempts/?export=csv",
    "grants": "/admin/exam-grants/",
    "accommodations": "/admin/exam-accommodations/",
    "items": "/admin/snippets/exams/examitem/",
    "items.csv": "/admin/snippets/exams/examitem/?export=csv",
    "items.gift": "/admin/snippets/exams/examitem/export/",
}


def _count(client, url) -> int:
    client.get(url)  # warm caches that are per process (content types, permissions)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    if response.streaming:
        b"".join(response.streaming_content)
        # the CSV streams after the view returns; count what it asked for too
    return len(captured)


def _counts(client, keys) -> dict[str, int]:
    return {key: _count(client, URLS[key]) for key in keys}


def _csv_count(client, url) -> tuple[int, int]:
    """(queries, data lines) of a streamed CSV export, the streaming included."""
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
    return len(captured), body.count(b"\n") - 1


def _attempts(n, user, application, definition):
    start = ExamAttempt.objects.count()
    ExamAttempt.objects.bulk_create(
        ExamAttempt(
            user=UserFactory() if i % 100 == 0 else user,
            application=application,
            definition=definition,
            number=start + i + 1,
            status=AttemptStatus.SUBMITTED,
            started_at=T0,
            time_limit_minutes=30,
            deadline_at=T0,
            pass_mark_percent=60,
            feedback=FeedbackMode.REVIEW,
            percent=75,
            passed=True,
        )
        for i in range(n)
    )


def test_attempt_list_and_export_are_flat(exam, cert_staff):
    client = signed_in(cert_staff)
    user, application = make_candidate()
    _attempts(10, user, application, exam)
    few = _counts(client, ["attempts"])
    few_csv, rows = _csv_count(client, URLS["attempts.csv"])
    assert rows == 10
    _attempts(990, user, application, exam)
    many = _counts(client, ["attempts"])
    many_csv, rows = _csv_count(client, URLS["attempts.csv"])
    assert rows == 1000
    assert many == few
    assert many_csv == few_csv


def test_grant_list_is_flat(exam, cert_staff):
    client = signed_in(cert_staff)
    _, application = make_candidate(status="approved")

    def grants(n):
        ExamGrant.objects.bulk_create(
            ExamGrant(application=application, granted_by=cert_staff, reason="Early.")
            for _ in range(n)
        )

    grants(10)
    few = _counts(client, ["grants"])
    grants(990)
    assert _counts(client, ["grants"]) == few


def test_accommodation_list_is_flat(exam, cert_staff):
    client = signed_in(cert_staff)

    def requests(n):
        AccommodationRequest.objects.bulk_create(
            AccommodationRequest(
                user=UserFactory(),
                kind=AllowanceKind.MINUTES,
                amount=15,
                reason="Reading.",
                status="approved",
            )
            for _ in range(n)
        )

    requests(10)
    few = _counts(client, ["accommodations"])
    requests(990)
    assert _counts(client, ["accommodations"]) == few


def test_item_bank_list_and_exports_are_flat(topics, editor):
    client = signed_in(editor)

    def items(n):
        start = ExamItem.objects.count()
        for i in range(n):
            item_create(
                topic=topics[i % 3],
                kind="single",
                title=f"Q{start + i}",
                prompt=f"Question {start + i}?",
                options=[("right", True), ("wrong", False)],
                rationale="Because.",
                status="active",
            )

    items(10)
    few = _counts(client, ["items", "items.gift"])
    few_csv, rows = _csv_count(client, URLS["items.csv"])
    assert rows >= 10
    items(990)
    many = _counts(client, ["items", "items.gift"])
    many_csv, rows = _csv_count(client, URLS["items.csv"])
    assert rows >= 1000
    assert many == few
    assert many_csv == few_csv
