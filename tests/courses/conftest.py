import pytest

from enrollment.models import ApplicationStatus
from tests.courses import course, module
from tests.courses.tree import build_training_tree
from tests.factories import ApplicationFactory


@pytest.fixture
def tree(db):
    return build_training_tree()


@pytest.fixture
def approved(applicant):
    """An approved CM I application (the `applicant` fixture's)."""
    return ApplicationFactory(user=applicant, track="cm1", status=ApplicationStatus.APPROVED)


@pytest.fixture
def cm_module(db):
    return module(course())


@pytest.fixture
def big_decks(settings):
    """Every deck counts as big: a PowerPoint import goes through the tasks."""
    settings.PPTX_IMPORT_ASYNC_BYTES = 1
