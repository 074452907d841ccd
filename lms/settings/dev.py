"""Local development: SQLite, filesystem Celery broker, local Stripe stand-in, console mail."""

from .base import *  # noqa: F403
from .base import env, env_bool

DEBUG = True
SECRET_KEY = env("SECRET_KEY", "dev-only-not-secret-0123456789abcdefghijklmnopqrstuvwxyz")
ALLOWED_HOSTS = ["*"]
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
ACCOUNT_EMAIL_VERIFICATION = env("ACCOUNT_EMAIL_VERIFICATION", "optional")
LMS_REQUIRE_STAFF_MFA = env_bool("LMS_REQUIRE_STAFF_MFA", False)
# Drills: the server runs as of this moment and keeps ticking (README, "A moved clock").
LMS_CLOCK_START = env("LMS_CLOCK_START") or None

# The local Stripe stand-in started by `make run` (devtools/localstripe_server.py). Test keys only.
STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY", "sk_test_localstripe")
STRIPE_PUBLISHABLE_KEY = env("STRIPE_PUBLISHABLE_KEY", "pk_test_localstripe")
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET", "whsec_localstripe_dev")
STRIPE_API_BASE = env("STRIPE_API_BASE", "http://127.0.0.1:8420")

# Serve static files straight from the apps; no collectstatic needed.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# Credential signing key (certification/credentials/keys.py): from the environment if set,
# otherwise generated on first use into var/ (mode 0600). Production has no fallback.
CREDENTIAL_SIGNING_KEY = env("CREDENTIAL_SIGNING_KEY", "")
CREDENTIAL_SIGNING_KEY_FILE = VAR_DIR / "credential-signing-key"  # noqa: F405
