"""What an anonymous reader's page costs in round trips to Redis (a real Redis), pinned as the
query counts are: a page the cache lost is served from its stored copy after the lookup alone,
making no token (a stored page needs none); a page built makes the article's token first.
(Making the token in the lookup's own round trip, for every miss, was measured: the pages the
cache lost paid more than the pages built gained; BENCHMARKS.md, issue 15's fifth round.)"""

import uuid
from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.test import Client
from redis.connection import AbstractConnection

from articles.page_versions import POINTER_KEY, local_pages_clear
from tests.editorial.test_reference_propagation import published
from tests.factories import RevisionFactory
from tests.test_redis_unreachable import redis_cache, worker_redis


@pytest.fixture
def sent(monkeypatch) -> list[bytes]:  # type: ignore[no-untyped-def]
    """What this process sends to Redis, one entry a round trip (redis-py writes a command, or a
    pipeline's commands together, with one send_packed_command)."""
    writes: list[bytes] = []
    send = AbstractConnection.send_packed_command

    def counted(self, command, check_health=True):  # type: ignore[no-untyped-def]
        chunks = command if isinstance(command, list) else [command]
        writes.append(b"".join(bytes(chunk) for chunk in chunks))
        return send(self, command, check_health)

    monkeypatch.setattr(AbstractConnection, "send_packed_command", counted)
    return writes


@pytest.fixture
def redis_pages(settings) -> Iterator[None]:  # type: ignore[no-untyped-def]
    # Counted exactly, the round trips must be this test's alone: a Redis database of its own
    # (nobody else's clear(), a FLUSHDB, empties it between two requests).
    url = worker_redis(2)
    settings.CACHES = redis_cache(url, f"imprimatur-test-{uuid.uuid4().hex}")
    settings.IMPRIMATUR_PAGE_LOCAL_SECONDS = 0  # every read goes to the shared cache
    yield
    cache.clear()


def _published(editor, text: str):  # type: ignore[no-untyped-def]
    return published(RevisionFactory(author=editor, canonical_body=text), editor).article


def _commands(sent: list[bytes]) -> list[bytes]:
    """Each round trip's first command's name."""
    return [trip.split(b"\r\n")[2] for trip in sent]


def test_a_page_built_makes_the_articles_token_then_puts_the_page(redis_pages, editor, sent):
    first, second = _published(editor, "Rest the heel."), _published(editor, "Ice the knee.")
    assert "Rest the heel." in Client().get(first.get_absolute_url()).text  # the levels cached
    sent.clear()

    assert "Ice the knee." in Client().get(second.get_absolute_url()).text
    # the lookup; the article's token made (before the database is read); the page put
    assert _commands(sent) == [b"MGET", b"SET", b"SET"], [trip[:160] for trip in sent]
    assert b"NX" in sent[1]
    sent.clear()
    assert "Ice the knee." in Client().get(second.get_absolute_url()).text
    assert _commands(sent) == [b"MGET"], [trip[:160] for trip in sent]  # the lookup finds it


def test_a_page_the_cache_lost_is_served_after_the_lookup_alone(redis_pages, editor, sent):
    first, second = _published(editor, "Rest the heel."), _published(editor, "Ice the knee.")
    Client().get(first.get_absolute_url())
    Client().get(second.get_absolute_url())
    cache.delete(POINTER_KEY.format(slug=second.slug))  # what an expiry or eviction does
    local_pages_clear()
    sent.clear()

    assert "Ice the knee." in Client().get(second.get_absolute_url()).text  # its stored copy
    assert _commands(sent) == [b"MGET"], [trip[:160] for trip in sent]
    assert cache.get(POINTER_KEY.format(slug=second.slug)) is None  # no token made for it
