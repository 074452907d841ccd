import pytest
from botocore.config import Config

from lms.celery import app as celery_app

pytestmark = pytest.mark.django_db

HEALTHY = {"status": "ok", "database": True, "broker": True, "cache": True, "object_store": True}


def test_healthz_reports_database_broker_cache_and_object_store(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == HEALTHY


@pytest.fixture
def unreachable_broker():
    saved = {key: celery_app.conf[key] for key in ("broker_url", "broker_transport_options")}
    celery_app.conf.update(broker_url="redis://127.0.0.1:9/0", broker_transport_options={})
    yield
    celery_app.conf.update(saved)


def test_healthz_says_503_when_the_broker_is_unreachable(client, unreachable_broker):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {**HEALTHY, "status": "error", "broker": False}


def test_healthz_says_503_when_the_shared_cache_is_unreachable(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/1",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {**HEALTHY, "status": "error", "cache": False}


def _s3_private(settings, options: dict) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options},
    }


def test_healthz_checks_the_object_store(client, settings, object_store, redis_url):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}
    }
    _s3_private(settings, object_store.storage_options())
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == HEALTHY


def test_healthz_says_503_when_the_object_store_is_unreachable(client, settings, object_store):
    options = object_store.storage_options()
    options["endpoint_url"] = "http://127.0.0.1:9"
    options["client_config"] = Config(connect_timeout=1, retries={"max_attempts": 1})
    _s3_private(settings, options)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {**HEALTHY, "status": "error", "object_store": False}
