"""Tests: PostgreSQL (a throwaway cluster started by tests/pg_cluster.py), eager Celery, locmem
mail. The `embedded` tests run a second time on SQLite (`DATABASE_URL=sqlite:////tmp/….sqlite3`,
set by `make test`): the test database is a fresh file beside it, as `make run` has one."""

from .base import *  # noqa: F403
from .base import env

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not Django's in-memory default: browser journeys and live servers share it.
    # Beside the named file, never the file itself (that may be someone's `make run` data).
    DATABASES["default"]["TEST"] = {"NAME": f"{DATABASES['default']['NAME']}-test"}  # noqa: F405

DEBUG = False
SECRET_KEY = "test-only-not-secret-0123456789abcdefghijklmnopqrstuvwxyz"
ALLOWED_HOSTS = ["*"]
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
LMS_REQUIRE_STAFF_MFA = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
STRIPE_SECRET_KEY = "sk_test_localstripe"
STRIPE_PUBLISHABLE_KEY = "pk_test_localstripe"
STRIPE_WEBHOOK_SECRET = "whsec_test_secret"
STRIPE_API_BASE = env("STRIPE_API_BASE", "http://127.0.0.1:8421")
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Serve static files straight from the apps; no collectstatic needed.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# Credential signing key: generated on first use into var/ (mode 0600), like dev.
CREDENTIAL_SIGNING_KEY = ""
CREDENTIAL_SIGNING_KEY_FILE = VAR_DIR / "credential-signing-key"  # noqa: F405
