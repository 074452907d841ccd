import pytest
from django.contrib.auth.models import Group

from exams.models import BlueprintRow, ExamDefinition, ExamTopic, ItemStatus
from exams.rules import FeedbackMode
from lms.roles import Role
from tests.factories.enrollment import UserFactory
from tests.factories.exams import make_item


def pytest_configure(config):
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"]
    embedded_pass = (config.option.markexpr or "").strip() == "embedded"
    if engine == "django.db.backends.sqlite3" and embedded_pass:
        return  # make test's second pass: the `embedded` tests on a fresh SQLite file
    if engine != "django.db.backends.postgresql":
        pytest.exit(
            "The suite runs on PostgreSQL. Use `make test`, or wrap pytest yourself:\n"
            "  .venv/bin/python tests/pg_cluster.py -- .venv/bin/python -m pytest ...\n"
            "Only the `embedded` tests run on SQLite: "
            "DATABASE_URL=sqlite:////tmp/lms-embedded.sqlite3 pytest -m embedded",
            returncode=2,
        )


def pytest_collection_modifyitems(items):
    """Tests that commit for real (browser journeys, concurrency, live servers) end with a flush,
    which would also wipe what migrations created: the role groups, the home page, the degree
    list. Serialized rollback puts that data back after each of them."""
    for item in items:
        if not hasattr(item, "fixturenames"):
            continue
        marker = item.get_closest_marker("django_db")
        commits = (marker is not None and marker.kwargs.get("transaction")) or any(
            name in item.fixturenames for name in ("transactional_db", "live_server")
        )
        if not commits:
            continue
        if marker is not None:
            kwargs = {**marker.kwargs, "transaction": True, "serialized_rollback": True}
            item.add_marker(pytest.mark.django_db(*marker.args, **kwargs))
        if "django_db_serialized_rollback" not in item.fixturenames:
            item.fixturenames.append("django_db_serialized_rollback")


@pytest.fixture(scope="session", autouse=True)
def _serialized_baseline_everywhere(request):
    """Django keeps the data migrations created (serialized when it built the test database) on
    the connection object, and restores it from there before each test that commits. Django
    keys connection objects by context, and Playwright's sync API switches context, so a browser
    test would get a fresh connection object without that data: put it on the class instead,
    where every connection object finds it."""
    if not any("django_db_serialized_rollback" in i.fixturenames for i in request.session.items):
        return
    request.getfixturevalue("django_db_setup")
    from django.db import connections

    connection = connections["default"]
    contents = getattr(connection, "_test_serialized_contents", None)
    if contents is not None:
        type(connection)._test_serialized_contents = contents


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Uploads in tests go to a temporary folder, never into the project."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
        },
    }


def _user_with(role: Role | None, **kwargs):
    user = UserFactory(**kwargs)
    if role is not None:
        user.groups.add(Group.objects.get(name=role.value))
    return user


@pytest.fixture
def make_user(db):
    return _user_with


@pytest.fixture
def applicant(db):
    return _user_with(Role.APPLICANT)


@pytest.fixture
def cert_staff(db):
    return _user_with(Role.CERTIFICATION_STAFF)


@pytest.fixture
def cert(cert_staff):
    """A holder certified by staff (`tests.factories.certification.certified`)."""
    from tests.factories.certification import certified

    return certified(cert_staff)


@pytest.fixture
def trainer(db):
    return _user_with(Role.TRAINER)


@pytest.fixture
def editor(db):
    return _user_with(Role.CONTENT_EDITOR)


@pytest.fixture
def agency_user(db):
    return _user_with(Role.AGENCY)


@pytest.fixture
def superuser(db):
    return UserFactory(is_superuser=True, is_staff=True)


@pytest.fixture(autouse=True)
def _no_fake_payments_left():
    """Checkouts a test paid on the fake provider without an event are that test's alone."""
    from payments.providers.fake import FakeProvider

    FakeProvider.paid_sessions.clear()
    yield
    FakeProvider.paid_sessions.clear()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters and used TOTP codes live in the cache: each test starts with none,
    so one test's sign-ins never count against the next one's."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


# --- The exam: a small bank and an active exam (exam tests, insights, journeys) ----------------


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
