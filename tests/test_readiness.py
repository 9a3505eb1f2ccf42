"""`/readyz` asks the database, Redis and the broker, each with a short timeout: 200 when all
answer, 503 naming the one that does not. Real servers, made unreachable by stopping a TCP
proxy in front of them (tests.tcp_proxy)."""

import time
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from articles.models import FailedTask, OutboxMessage
from tests.tcp_proxy import TcpProxy, database_through_proxy


def readiness(client) -> tuple[int, dict[str, bool]]:  # type: ignore[no-untyped-def]
    response = client.get("/readyz")
    assert response["Cache-Control"].startswith("max-age=0")
    return response.status_code, {name: c["ok"] for name, c in response.json()["checks"].items()}


def test_ready_when_every_part_answers(client, db):
    assert readiness(client) == (200, {"database": True, "cache": True, "broker": True})


def test_redis_going_away_makes_cache_and_broker_not_ready(client, db, settings):
    proxy = TcpProxy("127.0.0.1", 6379).start()
    try:
        settings.REDIS_URL = settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{proxy.port}/0"
        assert readiness(client) == (200, {"database": True, "cache": True, "broker": True})
        proxy.blackhole()  # accepts and never answers: only the timeouts end the wait
        started = time.monotonic()
        assert readiness(client) == (503, {"database": True, "cache": False, "broker": False})
        assert time.monotonic() - started < 10
    finally:
        proxy.stop()


@pytest.mark.postgresql  # a PostgreSQL server to make unreachable; deselected on SQLite
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_database_going_away_is_not_ready_and_healthz_stays_up(client):
    with database_through_proxy() as proxy:
        # The check runs in its own thread, with its own connection from the same settings.
        assert readiness(client)[1]["database"] is True
        proxy.stop()
        connection.close()
        assert readiness(client) == (503, {"database": False, "cache": True, "broker": True})
        assert client.get("/healthz").status_code == 200
        proxy.start()
        assert readiness(client)[0] == 200


def test_readiness_reports_failed_tasks_and_the_outbox_age_without_failing(client, db):
    assert client.get("/readyz").json()["delivery"] == {
        "failed_tasks": 0,
        "oldest_owed_outbox_seconds": None,
    }
    FailedTask.objects.create(task="articles.tasks.relay_outbox", exception="OSError()", tries=1)
    now = timezone.now()
    message = {"topic": "article-page.changed", "task": "x", "payload": {}}
    # Taken by the broker and never reported done: owed; done: not.
    owed = OutboxMessage.objects.create(sent_at=now, **message)
    done = OutboxMessage.objects.create(sent_at=now, done_at=now, **message)
    OutboxMessage.objects.filter(pk=owed.pk).update(created_at=now - timedelta(hours=2))
    OutboxMessage.objects.filter(pk=done.pk).update(created_at=now - timedelta(hours=3))
    response = client.get("/readyz")
    assert response.status_code == 200
    delivery = response.json()["delivery"]
    assert delivery["failed_tasks"] == 1
    assert 7200 <= delivery["oldest_owed_outbox_seconds"] < 7300
