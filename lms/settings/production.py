"""Production: PostgreSQL, Redis, gunicorn, whitenoise. Every secret comes from the environment."""

import os
from urllib.parse import urlsplit

from botocore.config import Config
from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env, env_bool


def object_store_origin(*, endpoint_url: str | None, bucket: str, region: str | None) -> list[str]:
    """The origins signed object-store URLs point at (for the Content-Security-Policy)."""
    if endpoint_url:
        parts = urlsplit(endpoint_url)
        return [f"{parts.scheme}://{parts.netloc}"]
    regional = f"https://{bucket}.s3.{region}.amazonaws.com" if region else None
    return [f"https://{bucket}.s3.amazonaws.com", *([regional] if regional else [])]


def required(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise ImproperlyConfigured(f"Set the {name} environment variable (see README, Production).")
    return value


DEBUG = False
if os.environ.get("LMS_CLOCK_START"):
    raise ImproperlyConfigured(
        "LMS_CLOCK_START moves the clock, for benchmarks and drills only: production always runs "
        "on the real clock. Unset it."
    )
LMS_CLOCK_START = None
SECRET_KEY = required("SECRET_KEY")
ALLOWED_HOSTS = required("ALLOWED_HOSTS").split(",")
DATABASES["default"]["CONN_MAX_AGE"] = int(env("DATABASE_CONN_MAX_AGE", "60"))  # noqa: F405
if not os.environ.get("DATABASE_URL"):
    raise ImproperlyConfigured(
        "Set the DATABASE_URL environment variable (see README, Production)."
    )
CELERY_BROKER_URL = required("CELERY_BROKER_URL")
# Rate-limit counters must be shared by all gunicorn workers: Redis, e.g. redis://host:6379/1.
CACHE_URL = required("CACHE_URL")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": CACHE_URL,
        # A Redis that stops answering fails a request (and /healthz) fast instead of hanging it.
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
    }
}
# Sessions live in PostgreSQL (Django's database backend), so any node serves any signed-in
# person; the cache holds nothing that cannot be lost.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# Behind a proxy every client would share the proxy's address (one rate-limit bucket for all):
# say how many proxies to trust, 0 when there is none, unless a client-IP header is named.
if not ALLAUTH_TRUSTED_CLIENT_IP_HEADER:  # noqa: F405
    ALLAUTH_TRUSTED_PROXY_COUNT = int(required("ALLAUTH_TRUSTED_PROXY_COUNT"))
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", CELERY_BROKER_URL)
CELERY_BROKER_TRANSPORT_OPTIONS = {}
STRIPE_SECRET_KEY = required("STRIPE_SECRET_KEY")
STRIPE_PUBLISHABLE_KEY = required("STRIPE_PUBLISHABLE_KEY")
STRIPE_WEBHOOK_SECRET = required("STRIPE_WEBHOOK_SECRET")
STRIPE_API_BASE = None
EMAIL_HOST = required("EMAIL_HOST")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
WAGTAILADMIN_BASE_URL = required("WAGTAILADMIN_BASE_URL")

ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"
LMS_REQUIRE_STAFF_MFA = env_bool("LMS_REQUIRE_STAFF_MFA", True)

STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
}

# --- Object storage: every upload and stored document, in one private S3-API bucket ---
# Several web nodes and workers see the same files; nothing is written to a local folder.
# "private" (applicants' uploads, signed forms, deck imports, certificates) is only ever read by
# the app, which streams a file after its permission check (enrollment.uploads); "default"
# (Wagtail images and documents) is under media/ in the same bucket: documents are streamed by
# Wagtail's own view (collection privacy), image renditions get short-lived signed URLs.
AWS_STORAGE_BUCKET_NAME = required("AWS_STORAGE_BUCKET_NAME")
_OBJECT_STORE = {
    "bucket_name": AWS_STORAGE_BUCKET_NAME,
    "access_key": required("AWS_ACCESS_KEY_ID"),
    "secret_key": required("AWS_SECRET_ACCESS_KEY"),
    "region_name": env("AWS_S3_REGION_NAME") or None,
    # Unset on AWS; the store's URL elsewhere (MinIO, Ceph, a provider's S3 endpoint).
    "endpoint_url": env("AWS_S3_ENDPOINT_URL") or None,
    "client_config": Config(
        s3={"addressing_style": env("AWS_S3_ADDRESSING_STYLE") or None},
        signature_version="s3v4",
        connect_timeout=5,
        read_timeout=30,
        retries={"max_attempts": 3, "mode": "standard"},
    ),
    "default_acl": None,  # the bucket's own policy: private, no public ACLs
    "querystring_auth": True,
    "querystring_expire": int(env("AWS_QUERYSTRING_EXPIRE", "300")),
    "file_overwrite": False,
}
STORAGES["private"] = {  # noqa: F405
    "BACKEND": "storages.backends.s3.S3Storage",
    "OPTIONS": {**_OBJECT_STORE, "location": "private"},
}
STORAGES["default"] = {  # noqa: F405
    "BACKEND": "storages.backends.s3.S3Storage",
    "OPTIONS": {**_OBJECT_STORE, "location": "media"},
}
WAGTAILDOCS_SERVE_METHOD = "serve_view"

# Logs: one JSON object a line (to stderr, for the platform's log shipper), each with the
# request id; LOG_FORMAT=plain for people reading a terminal.
LOGGING["handlers"]["console"]["formatter"] = env("LOG_FORMAT", "json")  # noqa: F405

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
# Wagtail's preview views opt back into SAMEORIGIN themselves.
X_FRAME_OPTIONS = "DENY"

# The issuer's Ed25519 signing key (32-byte seed, Multikey or base64): required, no default and
# no key file.
CREDENTIAL_SIGNING_KEY = required("CREDENTIAL_SIGNING_KEY")
CREDENTIAL_SIGNING_KEY_FILE = None
# Content-Security-Policy (stricter on the site than on the admin paths) and Permissions-Policy
# on every response; Referrer-Policy comes from SecurityMiddleware (SECURE_REFERRER_POLICY).
# Lesson images come from the object store (signed URLs): its origin may serve images.
_MEDIA_ORIGIN = object_store_origin(
    endpoint_url=_OBJECT_STORE["endpoint_url"],
    bucket=AWS_STORAGE_BUCKET_NAME,
    region=_OBJECT_STORE["region_name"],
)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        **LMS_CONTENT_SECURITY_POLICY["DIRECTIVES"],  # noqa: F405
        "img-src": [*LMS_CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"], *_MEDIA_ORIGIN],  # noqa: F405
    }
}
LMS_ADMIN_CSP_DIRECTIVES = {
    **LMS_ADMIN_CSP_DIRECTIVES,  # noqa: F405
    "img-src": [*LMS_ADMIN_CSP_DIRECTIVES["img-src"], *_MEDIA_ORIGIN],  # noqa: F405
}
PERMISSIONS_POLICY = LMS_PERMISSIONS_POLICY  # noqa: F405
