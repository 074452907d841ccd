"""Fixtures for the exam tests: a small bank, an active exam, and a candidate whose application
has every classroom day attended."""

import random

import pytest

from tests.factories.exams import make_candidate


@pytest.fixture
def candidate(db):
    return make_candidate()[0]


@pytest.fixture
def other_candidate(db):
    return make_candidate()[0]


@pytest.fixture
def rng():
    return random.Random(1234)
