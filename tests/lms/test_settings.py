"""Production settings: every secret from the environment, and `check --deploy` is clean."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

EXAMPLE_ENV = {
    "SECRET_KEY": "an-example-production-secret-key-that-is-long-and-random-4f8a1c9e2b7d",
    "ALLOWED_HOSTS": "bhcm.example.org",
    "DATABASE_URL": "postgres://lms:pw@db.example.org:5432/lms",
    "CELERY_BROKER_URL": "redis://redis.example.org:6379/0",
    "CACHE_URL": "redis://redis.example.org:6379/1",
    "ALLAUTH_TRUSTED_PROXY_COUNT": "1",
    "STRIPE_SECRET_KEY": "sk_live_example",
    "STRIPE_PUBLISHABLE_KEY": "pk_live_example",
    "STRIPE_WEBHOOK_SECRET": "whsec_example",
    "EMAIL_HOST": "smtp.example.org",
    "WAGTAILADMIN_BASE_URL": "https://bhcm.example.org",
    # an example Ed25519 seed (32 bytes, base64): never a real key
    "CREDENTIAL_SIGNING_KEY": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
    "AWS_STORAGE_BUCKET_NAME": "bhcm-private",
    "AWS_ACCESS_KEY_ID": "AKIAEXAMPLE",
    "AWS_SECRET_ACCESS_KEY": "example-object-store-secret",
    "AWS_S3_REGION_NAME": "us-east-2",
}


# Where the embedded default would write files: never set for production.
LOCAL_PATHS = ("LMS_VAR_DIR", "MEDIA_ROOT", "PRIVATE_MEDIA_ROOT", "AWS_S3_ENDPOINT_URL")


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    # A production process starts with none of the test run's own variables.
    dropped = {*EXAMPLE_ENV, "DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE", *LOCAL_PATHS}
    clean = {k: v for k, v in os.environ.items() if k not in dropped}
    return subprocess.run(
        [sys.executable, "manage.py", *args, "--settings=lms.settings.production"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


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
