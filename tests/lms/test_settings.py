"""Production settings: every secret from the environment, and `check --deploy` is clean."""

import pytest

from tests.factories.enrollment import EXAMPLE_ENV
from tests.factories.enrollment import manage_production as _manage


def test_check_deploy_is_clean_with_example_variables():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=EXAMPLE_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    "missing",
    [
        "SECRET_KEY",
        "DATABASE_URL",
        "STRIPE_SECRET_KEY",
        "STRIPE_WEBHOOK_SECRET",
        "CACHE_URL",
        "ALLAUTH_TRUSTED_PROXY_COUNT",
        "AWS_STORAGE_BUCKET_NAME",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
    ],
)
def test_production_refuses_to_start_without_a_secret(missing):
    env = {k: v for k, v in EXAMPLE_ENV.items() if k != missing}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert f"Set the {missing} environment variable" in result.stderr


def test_production_requires_email_verification_and_staff_mfa():
    code = (
        "from django.conf import settings as s;"
        "print(s.ACCOUNT_EMAIL_VERIFICATION, s.LMS_REQUIRE_STAFF_MFA, s.DEBUG)"
    )
    result = _manage("shell", "-c", code, env=EXAMPLE_ENV)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-3:] == ["mandatory", "True", "False"]


def test_production_refuses_a_moved_clock():
    env = {**EXAMPLE_ENV, "LMS_CLOCK_START": "2027-06-30T09:00:00-05:00"}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "LMS_CLOCK_START moves the clock" in result.stderr
    assert "production always runs on the real clock" in result.stderr
