"""What a page built for a first reader costs in round trips to Redis (a real Redis): two, the
lookup, which also makes the article's token when the cache has none, and the page put in the
cache. And the cache's add-then-read (articles.page_versions.cache_add_get_many) does what add
and get_many do, on Redis and on any other cache."""

import uuid
from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.test import Client
from redis.connection import AbstractConnection

from articles.page_versions import POINTER_KEY, cache_add_get_many
from config.redis_cache import _Outage
from editorial import workflow
from tests.factories import RevisionFactory
from tests.test_redis_unreachable import REDIS, closed_port_url, redis_cache


@pytest.fixture
def sent(monkeypatch) -> list[bytes]:  # type: ignore[no-untyped-def]
    """What this process sends to Redis, one entry a round trip: redis-py writes a command,
    or a pipeline's commands together, with one send_packed_command."""
    writes: list[bytes] = []
    send = AbstractConnection.send_packed_command

    def counted(self, command, check_health=True):  # type: ignore[no-untyped-def]
        chunks = command if isinstance(command, list) else [command]
        writes.append(b"".join(bytes(chunk) for chunk in chunks))
        return send(self, command, check_health)

    monkeypatch.setattr(AbstractConnection, "send_packed_command", counted)
    return writes


def _published(editor, text: str):  # type: ignore[no-untyped-def]
    revision = RevisionFactory(author=editor, canonical_body=text)
    workflow.revision_submit(revision=revision, actor=editor)
    return workflow.article_publish(revision=revision, actor=editor)


@pytest.fixture
def redis_pages(settings) -> Iterator[None]:  # type: ignore[no-untyped-def]
    settings.CACHES = redis_cache(REDIS, f"imprimatur-test-{uuid.uuid4().hex}")
    settings.IMPRIMATUR_PAGE_LOCAL_SECONDS = 0  # every read goes to the shared cache
    yield
    cache.clear()


def test_a_first_reader_costs_two_round_trips_to_redis(redis_pages, editor, sent):
    first, second = _published(editor, "Rest the heel."), _published(editor, "Ice the knee.")
    assert "Rest the heel." in Client().get(first.get_absolute_url()).text  # the levels cached
    assert cache.get(POINTER_KEY.format(slug=second.slug)) is None
    sent.clear()

    assert "Ice the knee." in Client().get(second.get_absolute_url()).text
    # the lookup with the article's token made (SET NX, then MGET), then the page (SET)
    assert len(sent) == 2, sent
    assert b"NX" in sent[0]
    assert b"MGET" in sent[0]
    token = cache.get(POINTER_KEY.format(slug=second.slug))
    assert token is not None

    sent.clear()
    assert "Ice the knee." in Client().get(second.get_absolute_url()).text
    assert len(sent) == 1  # the lookup, which finds the page under that token
    assert cache.get(POINTER_KEY.format(slug=second.slug)) == token


def test_a_slug_with_no_article_leaves_no_token(redis_pages, db):
    assert Client().get("/articles/no-such-article/").status_code == 404
    assert cache.get(POINTER_KEY.format(slug="no-such-article")) is None


@pytest.mark.parametrize("kind", ["redis", "local memory"])
def test_add_then_get_many_is_add_and_get_many(kind, settings):
    prefix = f"imprimatur-test-{uuid.uuid4().hex}"
    settings.CACHES = (
        redis_cache(REDIS, prefix)
        if kind == "redis"
        else {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    )
    cache.set("levels", ("patient", "professional"), 30)
    wanted = ["levels", "token", "page"]

    added, found = cache_add_get_many("token", "mine", wanted, 30)
    assert added
    assert found == {"levels": ("patient", "professional"), "token": "mine"}
    added, found = cache_add_get_many("token", "another", wanted, 30)
    assert not added
    assert found["token"] == "mine"
    if kind == "redis":  # added with the timeout, as add does
        client = cache._cache.get_client()  # type: ignore[attr-defined]
        assert 0 < client.ttl(cache.make_and_validate_key("token")) <= 30
    cache.clear()


def test_add_then_get_many_with_redis_away_adds_and_finds_nothing(settings, monkeypatch):
    # this process's view of Redis, as it was before, after the test
    monkeypatch.setattr(_Outage, "failed", _Outage.failed)
    monkeypatch.setattr(_Outage, "paused_until", _Outage.paused_until)
    settings.CACHES = redis_cache(closed_port_url(), f"imprimatur-test-{uuid.uuid4().hex}")
    assert cache_add_get_many("token", "mine", ["levels", "token"], 30) == (False, {})
