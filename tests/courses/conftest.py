import pytest

from enrollment.models import ApplicationStatus
from tests.courses.tree import build_training_tree
from tests.factories import ApplicationFactory


@pytest.fixture
def tree(db):
    return build_training_tree()


@pytest.fixture
def approved(applicant):
    """An approved CM I application (the `applicant` fixture's)."""
    return ApplicationFactory(user=applicant, track="cm1", status=ApplicationStatus.APPROVED)
