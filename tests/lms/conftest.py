"""Fixtures for the platform tests: a throwaway Redis, moto's S3 server, an SMTP sink, and a
database a separate worker process can reach."""

import threading
from collections.abc import Iterator

import pytest

from tests.servers import ObjectStore, SmtpSink, redis_server, s3_server


@pytest.fixture
def redis_url(tmp_path) -> Iterator[str]:
    with redis_server(tmp_path / "redis") as url:
        yield url


@pytest.fixture
def object_store(tmp_path) -> Iterator[ObjectStore]:
    with s3_server(tmp_path / "s3") as store:
        yield store


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    sink = SmtpSink()
    thread = threading.Thread(target=sink.serve_forever, daemon=True)
    thread.start()
    yield sink
    sink.release()
    sink.shutdown()
    sink.server_close()


@pytest.fixture
def worker_database_url(transactional_db) -> str:
    """DATABASE_URL of the test database, for a worker process started by the test."""
    from django.db import connection

    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s["PASSWORD"] else ""
    return f"postgres://{s['USER']}{password}@{s['HOST']}:{s['PORT']}/{s['NAME']}"
