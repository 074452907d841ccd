"""What several benchmarks share: signed-in sessions for many people in one insert."""

from __future__ import annotations

import string
from datetime import timedelta


def signed_in_sessions(users, *, hours: int = 2) -> list[str]:
    """A database session (as a sign-in leaves it) for each of `users`, in one bulk insert;
    returns the session keys in the same order, for the `sessionid` cookie."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils.crypto import get_random_string

    from lms import clock

    expires = clock.now() + timedelta(hours=hours)
    rows, keys = [], []
    for user in users:
        key = get_random_string(32, string.ascii_lowercase + string.digits)
        data = {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: settings.AUTHENTICATION_BACKENDS[0],
            HASH_SESSION_KEY: user.get_session_auth_hash(),
        }
        rows.append(
            Session(session_key=key, session_data=SessionStore().encode(data), expire_date=expires)
        )
        keys.append(key)
    Session.objects.bulk_create(rows, batch_size=1000)
    return keys


def stop_gunicorn(server) -> None:
    """Stop a gunicorn started in its own session (`_start_gunicorn`): TERM to the group, then
    KILL if it has not gone in 15 s."""
    import os
    import signal
    import subprocess

    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()
