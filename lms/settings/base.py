"""Settings shared by every environment. Values come from the environment (see README)."""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent
VAR_DIR = Path(os.environ.get("LMS_VAR_DIR", BASE_DIR / "var"))


def env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = env("SECRET_KEY")
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "lms",
    "courses",
    "exams",
    "enrollment",
    "payments",
    "certification",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_celery_beat",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    # A request id on the response and on every log line; one log line per request.
    "lms.request_log.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy and Permissions-Policy, sent where CONTENT_SECURITY_POLICY and
    # PERMISSIONS_POLICY are set (production).
    "lms.middleware.ContentSecurityPolicyMiddleware",
    "lms.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "lms.middleware.StaffMfaRequiredMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "lms.middleware.DatabaseBusyMiddleware",
]

ROOT_URLCONF = "lms.urls"
WSGI_APPLICATION = "lms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "lms.context_processors.platform",
            ],
        },
    },
    {
        # Plain text (email subjects and text parts): the same templates, nothing HTML-escaped,
        # so "O'Brien" reaches the reader as written, not as "O&#x27;Brien".
        "NAME": "text",
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"autoescape": False},
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(env("DATABASE_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite (dev): readers never wait for the writer (WAL); a writer waits up to
    # SQLITE_BUSY_SECONDS for the lock; every transaction takes the write lock at BEGIN
    # (IMMEDIATE), so two bookings queue instead of failing half-way ("database is locked" on
    # upgrade from read to write). A lock still not granted becomes lms.middleware's 503 "busy".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": float(env("SQLITE_BUSY_SECONDS", "20")),
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "lms.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

LANGUAGE_CODE = "en-us"
# Storage is UTC; "today" for the rules is America/Chicago and comes only from lms.clock.
TIME_ZONE = "America/Chicago"
# Run the clock "as of" another moment (lms.clock.run_from): only the dev and bench settings
# read LMS_CLOCK_START from the environment; production refuses it.
LMS_CLOCK_START = None
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(VAR_DIR / "media")))
# Applicants' uploads live outside MEDIA_ROOT and are served only through views that check access.
PRIVATE_MEDIA_ROOT = Path(env("PRIVATE_MEDIA_ROOT", str(VAR_DIR / "private")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT), "base_url": None},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# --- Wagtail ---
WAGTAIL_SITE_NAME = "BHCM Certification"
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "rtf", "txt", "xlsx"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
# One login page for the site and the admin.
LOGIN_URL = "/accounts/login/"
WAGTAILADMIN_LOGIN_URL = LOGIN_URL
WAGTAIL_FRONTEND_LOGIN_URL = LOGIN_URL
CSRF_FAILURE_VIEW = "lms.views.csrf_failure"  # in the site's layout, never a bare 403
LOGIN_REDIRECT_URL = "enrollment:dashboard"
WAGTAIL_USER_EDIT_FORM = "lms.forms.UserEditForm"
WAGTAIL_USER_CREATION_FORM = "lms.forms.UserCreationForm"
WAGTAIL_USER_CUSTOM_FIELDS = []

# --- Accounts (django-allauth) ---
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
# Sign-up and password reset answer the same whether or not the email has an account; the owner
# of an existing account is emailed instead ("do not create another account": sign in or recover).
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_VERIFICATION = env("ACCOUNT_EMAIL_VERIFICATION", "mandatory")
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[BHCM] "
ACCOUNT_ADAPTER = "lms.adapters.AccountAdapter"
# Every way in is allauth's (lms/doors.py), so these limits cover every login. A key is the email:
# five wrong passwords lock that account's password login for 15 minutes, right password or not.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/15m/key",
    "signup": "20/m/ip,100/h/ip",
    "reset_password": "20/m/ip,5/15m/key",
    "reset_password_from_key": "20/m/ip",
    "reauthenticate": "10/m/user",
}
# The client address that rate limits count (allauth's and lms.ratelimit's): REMOTE_ADDR unless
# proxies are trusted. Behind N reverse proxies you control, set ALLAUTH_TRUSTED_PROXY_COUNT=N
# (the N-th X-Forwarded-For entry from the right), or name the header your proxy sets.
ALLAUTH_TRUSTED_PROXY_COUNT = int(env("ALLAUTH_TRUSTED_PROXY_COUNT", "0"))
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env("ALLAUTH_TRUSTED_CLIENT_IP_HEADER") or None
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "BHCM Certification"
# When on, superusers, staff roles and agency users (lms.roles.requires_mfa) must pass TOTP in
# every session: set it up first, then enter a code at each sign-in (lms/middleware.py).
LMS_REQUIRE_STAFF_MFA = env_bool("LMS_REQUIRE_STAFF_MFA", True)

# --- Cache (rate-limit counters, TOTP codes already used) ---
# Shared by every process when CACHE_URL points at Redis (required in production).
CACHE_URL = env("CACHE_URL")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# --- Security headers (lms.settings.production turns them on; see lms/middleware.py) ---
# The site: scripts and <style> elements only from our origin or carrying the response's nonce
# (`nonce="{{ request.csp_nonce }}"` in a template).
LMS_CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        # Lesson videos (courses.blocks.VideoBlock) embed these players.
        "frame-src": [
            "https://www.youtube.com",
            "https://www.youtube-nocookie.com",
            "https://player.vimeo.com",
        ],
        # Wagtail previews pages in a same-origin frame.
        "frame-ancestors": [SELF],
        # The fee form redirects to Stripe's hosted Checkout.
        "form-action": [SELF, "https://checkout.stripe.com"],
    }
}
# The Wagtail and Django admins still render a few inline scripts and style attributes (date
# widgets, inline panels): the same policy with inline code allowed, on the admin paths only.
LMS_ADMIN_PATH_PREFIXES = ("/admin/", "/django-admin/")
LMS_ADMIN_CSP_DIRECTIVES = {
    **LMS_CONTENT_SECURITY_POLICY["DIRECTIVES"],
    "script-src": [SELF, UNSAFE_INLINE],
    "style-src": [SELF, UNSAFE_INLINE],
    "img-src": [SELF, "data:", "blob:"],
}
CONTENT_SECURITY_POLICY = None
# Features no page of the platform uses, switched off for every page and frame.
LMS_PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)
PERMISSIONS_POLICY = None
SECURE_REFERRER_POLICY = "same-origin"
# Staff avatars are not fetched from Gravatar (that would send a hash of their email there).
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# --- Email ---
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "BHCM Certification <no-reply@bhcm.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = int(env("EMAIL_TIMEOUT", "30"))
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", "")  # for EMAIL_BACKEND=…filebased.EmailBackend
# The outbox (lms.services.email_send): an unsent email is sent again by the sweep after this
# many seconds (doubling per attempt); a worker's claim on a row lasts EMAIL_OUTBOX_LEASE_SECONDS;
# after EMAIL_OUTBOX_MAX_ATTEMPTS the row is "failed" and waits for staff (Admin → Outgoing email).
EMAIL_OUTBOX_RESEND_AFTER_SECONDS = int(env("EMAIL_OUTBOX_RESEND_AFTER_SECONDS", "300"))
EMAIL_OUTBOX_LEASE_SECONDS = int(env("EMAIL_OUTBOX_LEASE_SECONDS", "120"))
EMAIL_OUTBOX_MAX_ATTEMPTS = int(env("EMAIL_OUTBOX_MAX_ATTEMPTS", "8"))

# --- Celery ---
CELERY_BROKER_URL = env("CELERY_BROKER_URL", "filesystem://")
CELERY_BROKER_DIR = Path(env("CELERY_BROKER_DIR", str(VAR_DIR / "celery")))
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", f"file://{CELERY_BROKER_DIR / 'results'}")
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
# A task whose worker dies (SIGKILL, OOM) goes back to the queue instead of being acknowledged,
# and each worker process reserves one message at a time, so a crash strands as few as possible.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# --- Stripe ---
STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY")
STRIPE_PUBLISHABLE_KEY = env("STRIPE_PUBLISHABLE_KEY")
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET")
# Points the SDK at the local stand-in in development and tests; unset in production.
STRIPE_API_BASE = env("STRIPE_API_BASE")

# Which payment provider takes the fees ("stripe"; tests use "fake").
PAYMENT_PROVIDER = env("PAYMENT_PROVIDER", "stripe")
# Seconds after an exam's deadline during which a save is still accepted (network latency).
EXAM_SAVE_GRACE_SECONDS = int(env("EXAM_SAVE_GRACE_SECONDS", "30"))
# Limits of the PowerPoint import (names and defaults in courses/pptx_limits.py): each
# PPTX_IMPORT_* variable that is set overrides its default, e.g. PPTX_IMPORT_MAX_SLIDES=500.
globals().update({k: int(v) for k, v in os.environ.items() if k.startswith("PPTX_IMPORT_")})

# Nothing personal goes into logs: the default logging keeps request bodies out, and the one
# line per request (lms.request_log) names the URL pattern and a user id, never a path or email.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "lms.request_log.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "lms.request_log.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": env("LOG_FORMAT", "plain"),
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "django_tasks": {"level": "WARNING"},
        "django.tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
    },
}

if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_BROKER_DIR / "queue"),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "store_processed": False,
        # Seconds between looks at an empty queue (or, with prefetch 1, a busy worker).
        "polling_interval": float(env("CELERY_BROKER_POLL_SECONDS", "1")),
    }

# --- Certification: public verification (/verify/…), per client and minute ---
VERIFY_RATE_LIMIT_PER_MINUTE = int(env("VERIFY_RATE_LIMIT_PER_MINUTE", "60"))
