import pytest

from enrollment.models import ApplicationStatus
from tests.factories.courses import build_training_tree, course, module
from tests.factories.enrollment import application_at


@pytest.fixture
def tree(db):
    return build_training_tree()


@pytest.fixture
def approved(applicant):
    """An approved CM I application (the `applicant` fixture's)."""
    return application_at(ApplicationStatus.APPROVED, user=applicant, track="cm1")


@pytest.fixture
def cm_module(db):
    return module(course())


@pytest.fixture
def big_decks(settings):
    """Every deck counts as big: a PowerPoint import goes through the tasks."""
    settings.PPTX_IMPORT_ASYNC_BYTES = 1
