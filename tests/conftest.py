"""Shared fixtures.

Tests that need a real Redis or PostgreSQL use the fixtures below. On a developer's
machine without the service they skip; under CI (``CI`` set) a missing service fails
the run, so nothing is silently left untested.
"""

from __future__ import annotations

import os
import socket
from urllib.parse import urlparse

import pytest
from channels.layers import channel_layers
from django.core.cache import cache

IN_CI = bool(os.environ.get("CI"))


def _reachable(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or default_port), timeout=1):
            return True
    except OSError:
        return False


def missing_service(what: str) -> None:
    message = f"{what} is not reachable"
    if IN_CI:
        pytest.fail(f"{message}, and CI needs it")
    pytest.skip(message)


@pytest.fixture(scope="session")
def redis_url() -> str:
    """A Redis URL that answers: REDIS_URL, or the local Redis on loopback (db 15)."""
    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"
    if not _reachable(url, 6379):
        missing_service(f"Redis at {url}")
    return url


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """A PostgreSQL URL that answers: DATABASE_URL when it is PostgreSQL, else the local one."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        url = "postgres://postgres@127.0.0.1:5432/test"
    if not _reachable(url, 5432):
        missing_service(f"PostgreSQL at {url}")
    return url


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """No PostgreSQL connection pool inside the test process.

    Tests run ORM calls from many short-lived threads (async tests' executors, thread
    races) that never hand their connection back, which would drain a pool; the pool is
    still what the live daphne servers started by the multi-process tests use.
    """
    from django.conf import settings

    for database in settings.DATABASES.values():
        database.get("OPTIONS", {}).pop("pool", None)


@pytest.fixture(autouse=True)
def _clear_cache():
    """Each test starts with an empty cache (throttles, identity lockouts, index versions)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def anyio_backend():
    """Async tests (``pytest.mark.anyio``) run on asyncio, as daphne does."""
    return "asyncio"


@pytest.fixture
def in_memory_layer(settings):
    """A fresh in-memory channel layer for the test: its queues belong to the test's event loop."""
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_user(
        username="staff", password="staff-pass-123", email="staff@example.com", is_staff=True, is_superuser=True
    )
    client.force_login(user)
    return client


@pytest.fixture(scope="session", autouse=True)
def _close_stray_test_connections(django_db_setup, django_db_blocker):
    """Before the test database is dropped, end connections that worker threads still hold.

    Async tests run ORM calls in asgiref's long-lived executor threads; their connections
    outlive the tests and would stop PostgreSQL from dropping the test database. Servers
    close connections per request; only this test process keeps such threads around.
    """
    yield
    from django.db import connection

    # Only when a test database is in use (a session of non-database tests has none).
    if connection.vendor != "postgresql" or not str(connection.settings_dict["NAME"]).startswith("test_"):
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
