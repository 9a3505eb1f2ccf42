"""Django's Redis cache, keeping one redis-py client per connection pool.

Django's RedisCacheClient.get_client makes a new `redis.Redis` for every cache operation; with
redis-py 8 building one (its response callbacks) costs about as much CPU as the round trip to
Redis. A `redis.Redis` is safe to share between threads (each command takes a connection from
the pool), so one per pool is kept and reused. Everything else is Django's.
"""

from typing import Any

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


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


class ReusedClientRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
