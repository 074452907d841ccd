import pytest

from enrollment.models import ApplicationStatus
from tests.factories.courses import build_training_tree
from tests.factories.enrollment import application_at


@pytest.fixture
def tree(db):
    return build_training_tree()


@pytest.fixture
def approved(applicant):
    """An approved CM I application (the `applicant` fixture's)."""
    return application_at(ApplicationStatus.APPROVED, user=applicant, track="cm1")
