"""Django's Redis cache, keeping one redis-py client per connection pool, and failing open.

Django's RedisCacheClient.get_client makes a new `redis.Redis` for every cache operation; with
redis-py 8 building one (its response callbacks) costs about as much CPU as the round trip to
Redis. A `redis.Redis` is safe to share between threads (each command takes a connection from
the pool), so one per pool is kept and reused.

The cache is an accelerator, never a dependency. When Redis cannot be reached or does not
answer within the socket timeouts of its OPTIONS (REDIS_TIMEOUT), every operation is a miss:
reads find nothing, writes and deletions do nothing, `incr` finds no key (ValueError, as
Django's caches say), and for UNREACHABLE_PAUSE seconds the process does not even try. This
is the one place that decides it, for every user of the cache (the page cache, the search
cache, the rate limits).

A deletion that failed during the outage (a page retired, a search generation started) would
leave its key in a Redis that kept its data. So the first time a process reaches Redis again
after failing to, it first deletes the keys of IMPRIMATUR_CACHE_KEYS_AFTER_OUTAGE, which
retire everything derived from the database (every cached article page, every cached search);
the outbox retires pages again for processes that stopped meanwhile
(articles/page_versions.py).
"""

import logging
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
# After a failure, this process counts every operation as a miss for this many seconds
# without trying Redis, so that requests do not each wait for a timeout.
UNREACHABLE_PAUSE = 1.0


class ReusedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)  # type: ignore[attr-defined]
        return client


class _Outage:
    """This process's view of Redis (each thread has its own cache object, one process one
    view): whether an operation failed since Redis last answered, and until when not to try."""

    failed = False
    paused_until = 0.0


class ReusedClientRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient

    def _fail_open(self, operation: str, call: Callable[[], Any], miss: Callable[[], Any]) -> Any:
        """`call()`, or `miss()` when Redis is unreachable (see the module's note)."""
        if _Outage.paused_until > time.monotonic():
            return miss()
        try:
            if _Outage.failed:
                super().delete_many(settings.IMPRIMATUR_CACHE_KEYS_AFTER_OUTAGE)
                _Outage.failed = False
                logger.warning("Cache reachable again: derived pages and searches retired")
            return call()
        except UNREACHABLE as error:
            if not _Outage.failed:
                logger.warning("Cache unreachable, counted as a miss (%s): %r", operation, error)
            _Outage.failed = True
            _Outage.paused_until = time.monotonic() + UNREACHABLE_PAUSE
            return miss()

    def add(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> Any:
        return self._fail_open(
            "add",
            lambda: super(ReusedClientRedisCache, self).add(key, value, timeout, version),
            _false,
        )

    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        return self._fail_open(
            "get",
            lambda: super(ReusedClientRedisCache, self).get(key, default, version),
            lambda: default,
        )

    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> None:
        self._fail_open(
            "set",
            lambda: super(ReusedClientRedisCache, self).set(key, value, timeout, version),
            _none,
        )

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> Any:
        return self._fail_open(
            "touch",
            lambda: super(ReusedClientRedisCache, self).touch(key, timeout, version),
            _false,
        )

    def delete(self, key: Any, version: Any = None) -> Any:
        return self._fail_open(
            "delete", lambda: super(ReusedClientRedisCache, self).delete(key, version), _false
        )

    def get_many(self, keys: Any, version: Any = None) -> Any:
        return self._fail_open(
            "get_many", lambda: super(ReusedClientRedisCache, self).get_many(keys, version), dict
        )

    def has_key(self, key: Any, version: Any = None) -> Any:
        return self._fail_open(
            "has_key", lambda: super(ReusedClientRedisCache, self).has_key(key, version), _false
        )

    def incr(self, key: Any, delta: int = 1, version: Any = None) -> Any:
        def not_found() -> int:
            raise ValueError(f"Key '{key}' not found (the cache is unreachable).")

        return self._fail_open(
            "incr", lambda: super(ReusedClientRedisCache, self).incr(key, delta, version), not_found
        )

    def set_many(self, data: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> Any:
        return self._fail_open(
            "set_many",
            lambda: super(ReusedClientRedisCache, self).set_many(data, timeout, version),
            lambda: list(data),
        )

    def delete_many(self, keys: Any, version: Any = None) -> None:
        self._fail_open(
            "delete_many",
            lambda: super(ReusedClientRedisCache, self).delete_many(keys, version),
            _none,
        )

    def clear(self) -> None:
        self._fail_open("clear", lambda: super(ReusedClientRedisCache, self).clear(), _none)


def _false() -> bool:
    return False


def _none() -> None:
    return None
