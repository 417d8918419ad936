"""Liveness and readiness probes for load balancers and orchestrators."""

from __future__ import annotations

import logging
import uuid

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


@never_cache
@require_GET
def healthz(request):
    """The process is up and serving. Touches no dependency, so it stays cheap."""
    return JsonResponse({"status": "ok"})


# A probe has to answer within its own timeout (often 1 s): the database check waits at
# most this long for a pooled connection, where a request waits DATABASE_POOL_TIMEOUT.
DATABASE_CHECK_TIMEOUT_SECONDS = 0.5


def _check_database() -> None:
    pool = getattr(connection, "pool", None)  # PostgreSQL with DATABASE_POOL (the default)
    if pool is not None:
        pool.open()  # no-op once open; Django opens it on first use otherwise
        with pool.connection(timeout=DATABASE_CHECK_TIMEOUT_SECONDS) as conn:
            conn.execute("SELECT 1").fetchone()
        return
    # SQLite, or PostgreSQL without the pool (then the wait is connect_timeout).
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_cache() -> None:
    key = f"readyz:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=5)
    if cache.get(key) != "1":
        raise RuntimeError("cache did not return the value just written")
    cache.delete(key)


@never_cache
@require_GET
def readyz(request):
    """Ready to take traffic: the database and the cache both answer. 503 names the failing one."""
    checks = {}
    failing = []
    for name, check in (("database", _check_database), ("cache", _check_cache)):
        try:
            check()
            checks[name] = "ok"
        except Exception as exc:  # any failure of a dependency means "not ready"
            logger.warning("readiness check %s failed: %s", name, exc)
            checks[name] = f"error: {exc.__class__.__name__}"
            failing.append(name)
    if failing:
        return JsonResponse({"status": "unavailable", "failing": failing, "checks": checks}, status=503)
    return JsonResponse({"status": "ok", "checks": checks})
