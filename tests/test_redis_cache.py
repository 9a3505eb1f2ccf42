"""The Redis cache keeps one redis-py client (config/redis_cache.py), against a real Redis."""

import os
import threading
import uuid

from config.redis_cache import ReusedClientRedisCache


def _cache() -> ReusedClientRedisCache:
    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    return ReusedClientRedisCache(url, {"KEY_PREFIX": f"imprimatur-test-{uuid.uuid4().hex}"})


def test_every_operation_uses_the_same_client():
    client = _cache()._cache
    assert client.get_client() is client.get_client(write=True)
    assert client.get_client("a key") is client.get_client()


def test_it_is_still_djangos_redis_cache():
    cache = _cache()
    assert cache.get("page") is None
    assert cache.add("page", {"html": "<p>One</p>"}, 30)
    assert not cache.add("page", {"html": "<p>Two</p>"}, 30)
    assert cache.get_many(["page", "missing"]) == {"page": {"html": "<p>One</p>"}}
    cache.set("count", 1, 30)
    assert cache.incr("count") == 2
    cache.delete_many(["page", "count"])
    assert cache.get("page") is None


def test_threads_share_the_client_safely():
    cache = _cache()
    errors: list[BaseException] = []

    def work(number: int) -> None:
        try:
            for step in range(50):
                cache.set(f"key-{number}", step, 30)
                assert cache.get(f"key-{number}") == step
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(number,)) for number in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    cache.delete_many([f"key-{number}" for number in range(8)])
