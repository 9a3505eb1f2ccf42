"""`/readyz`: may this process take traffic? The database, the cache (Redis) and the broker are
each asked once, at the same time, with a short timeout; 200 when all answer, else 503 with
which did not. `/healthz` (articles.public.site_pages) stays the cheap liveness probe that
touches none of them."""

import contextlib
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import redis
from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from kombu import Connection

from articles.task_failures import delivery_report

# Seconds each of Redis and the broker may take to answer (the database has its own connect
# and statement timeouts, config.settings.base).
CHECK_TIMEOUT = 2.0


def database_check() -> None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    finally:
        connection.close()  # this check's thread is done with it


def cache_check() -> None:
    """Redis itself when the cache lives there (a local-memory cache is always up)."""
    if settings.REDIS_URL:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=CHECK_TIMEOUT, socket_timeout=CHECK_TIMEOUT
        )
        try:
            client.ping()
        finally:
            client.close()


def broker_check() -> None:
    """The Celery broker (the in-memory one of eager mode is always up)."""
    url = settings.CELERY_BROKER_URL
    if url.startswith("memory://"):
        return
    options = {"socket_connect_timeout": CHECK_TIMEOUT, "socket_timeout": CHECK_TIMEOUT}
    with Connection(url, connect_timeout=CHECK_TIMEOUT, transport_options=options) as broker:
        broker.ensure_connection(max_retries=1, interval_start=0, timeout=CHECK_TIMEOUT)


CHECKS: dict[str, Callable[[], None]] = {
    "database": database_check,
    "cache": cache_check,
    "broker": broker_check,
}


def _run(check: Callable[[], None]) -> dict[str, object]:
    started = time.monotonic()
    try:
        check()
    except Exception as exc:  # whatever the client raises, the part is not ready
        outcome: dict[str, object] = {"ok": False, "error": type(exc).__name__}
    else:
        outcome = {"ok": True}
    outcome["ms"] = round((time.monotonic() - started) * 1000, 1)
    return outcome


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """{"ready": bool, "checks": {name: {"ok", "ms"[, "error"]}}, "delivery": {...}}: 200
    ready, 503 not. "delivery" (articles.task_failures.delivery_report: failed tasks, the
    outbox's age) is reported for watching, never a reason to be unready; null when the
    database does not answer."""
    with ThreadPoolExecutor(max_workers=len(CHECKS)) as pool:
        futures = {name: pool.submit(_run, check) for name, check in CHECKS.items()}
        checks = {name: future.result() for name, future in futures.items()}
    ready = all(check["ok"] for check in checks.values())
    delivery = None
    if checks["database"]["ok"]:
        # Gone since the check: the report waits for the next probe.
        with contextlib.suppress(DatabaseError):
            delivery = delivery_report()
    return JsonResponse(
        {"ready": ready, "checks": checks, "delivery": delivery}, status=200 if ready else 503
    )
