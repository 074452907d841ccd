"""Fixtures for the exam tests: a small bank, an active exam, and a candidate whose application
has every classroom day attended."""

import random
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client

from exams.models import BlueprintRow, ExamDefinition, ExamTopic, ItemStatus
from exams.rules import FeedbackMode
from tests.exams.helpers import make_candidate, make_item
from tests.factories import PASSWORD

T0 = datetime(2026, 5, 4, 15, 0, tzinfo=UTC)  # a Monday, 10:00 in Chicago


@pytest.fixture
def topics(db):
    return [
        ExamTopic.objects.create(code=code, name=name)
        for code, name in (("DOC", "Documentation"), ("BIL", "Billing"), ("ETH", "Ethics"))
    ]


@pytest.fixture
def bank(topics):
    """Five active items per topic, plus one draft, one in review and one retired each."""
    items = {}
    for topic in topics:
        items[topic.code] = [make_item(topic, n) for n in range(1, 6)]
        for n, status in ((6, ItemStatus.DRAFT), (7, ItemStatus.NEEDS_REVIEW)):
            make_item(topic, n, status=status)
        make_item(topic, 8, status=ItemStatus.RETIRED)
    return items


@pytest.fixture
def exam(bank, topics):
    """3 DOC + 2 BIL + 1 ETH items, 30 minutes, pass at 60%, two attempts a day apart."""
    definition = ExamDefinition.objects.create(
        title="Competency exam",
        is_active=True,
        time_limit_minutes=30,
        pass_mark_percent=60,
        attempts_allowed=2,
        retake_wait_hours=24,
        feedback=FeedbackMode.REVIEW,
    )
    for topic, count in zip(topics, (3, 2, 1), strict=True):
        BlueprintRow.objects.create(definition=definition, topic=topic, item_count=count)
    return definition


@pytest.fixture
def candidate(db):
    return make_candidate()[0]


@pytest.fixture
def other_candidate(db):
    return make_candidate()[0]


@pytest.fixture
def rng():
    return random.Random(1234)


def signed_in(user) -> Client:
    client = Client()
    assert client.login(email=user.email, password=PASSWORD)
    return client


def later(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)
