"""Benchmarks (`make bench`): the test settings (loopback, locmem mail, the local Stripe
stand-in) with what production turns on that costs time on each request: staff MFA enforced,
persistent database connections, and Celery tasks queued on a broker instead of run inside the
request (the filesystem broker under LMS_VAR_DIR; no worker is started, as in production the web
process only enqueues). LMS_CLOCK_START runs the server as of another moment (the renewal rush is
measured in the last days of June)."""

from .base import env
from .test import *  # noqa: F403

LMS_REQUIRE_STAFF_MFA = True
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_EAGER_PROPAGATES = False
DATABASES["default"]["CONN_MAX_AGE"] = 60  # noqa: F405
LMS_CLOCK_START = env("LMS_CLOCK_START") or None
