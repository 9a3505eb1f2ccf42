"""With Redis unreachable (the cache and the broker pointed at a closed port), every write
answers as soon as its transaction commits, public pages are served, and what the broker did
not take arrives once, from the outbox, when Redis is back (a real Redis and a real worker)."""

import os
import socket
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

import pytest
from celery import Celery, signals
from celery.contrib.testing.app import setup_default_app
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.urls import reverse

from articles.models import OutboxMessage, ReferenceStatus, ReviewStatus
from articles.outbox import outbox_relay
from config.redis_cache import UNREACHABLE_PAUSE
from editorial import workflow
from editorial.events import AuditAction
from editorial.models import AuditEvent, Notification
from tests.editorial.test_api import API, client_for, transition_url
from tests.editorial.test_reference_propagation import KEY, citing, published, revise
from tests.factories import EditorFactory, ReferenceFactory


def worker_redis(offset: int) -> str:
    """This xdist worker's Redis database `offset` (0: the caches, 1: Celery's broker, 2: the
    round trips of test_page_round_trips), from REDIS_URL's (else 7): each worker has three of
    its own, modulo 10, below the stack's (test_stack_faults: 10 to 15). A cache's clear() is
    FLUSHDB, and the tests on the other worker run at the same time: sharing a database, one
    emptied the other's broker queue, search lock or page keys mid-test. (The `xdist_group`
    marks that were to keep them on one worker do nothing under pytest 9.2 with xdist 3.8:
    pytest-xdist issue 1386.)"""
    parts = urlsplit(os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/7")
    base = int(parts.path.lstrip("/") or 0)
    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
    return urlunsplit(parts._replace(path=f"/{(base + 3 * worker + offset) % 10}"))


REDIS = worker_redis(0)
# Celery's broker in the tests that start a worker: never a database a cache uses.
BROKER = worker_redis(1)
# The slowest answer allowed for a write while Redis is away (it used to take 5 to 30 s).
FAST = 2.0
TASK_MODULES = ["articles.tasks", "editorial.tasks"]


def closed_port_url() -> str:
    """A Redis URL on a loopback port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"redis://127.0.0.1:{port}/7"


def redis_cache(url: str, prefix: str) -> dict[str, dict[str, object]]:
    """The production cache (config/settings/base.py) at `url`."""
    return {
        "default": {
            "BACKEND": "config.redis_cache.ReusedClientRedisCache",
            "LOCATION": url,
            "KEY_PREFIX": prefix,
            "OPTIONS": settings.REDIS_CACHE_OPTIONS,
        }
    }


def celery_app(broker_url: str, queue: str) -> Celery:
    """The project's Celery configuration (the CELERY_ settings), on `broker_url`, not eager."""
    app = Celery("imprimatur-test", set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.update(
        broker_url=broker_url,
        task_always_eager=False,
        task_default_queue=queue,
        include=TASK_MODULES,
    )
    return app


@contextmanager
def redis_down(settings_fixture) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """The cache and the broker on a closed port, as when Redis is unreachable."""
    away = closed_port_url()
    before = settings_fixture.CACHES
    settings_fixture.CACHES = redis_cache(away, f"imprimatur-test-{uuid.uuid4().hex}")
    app = celery_app(away, f"imprimatur-test-{uuid.uuid4().hex}")
    with setup_default_app(app):  # restores the current app after
        app.set_current()
        yield
    settings_fixture.CACHES = before
    time.sleep(UNREACHABLE_PAUSE)  # this process tries Redis again from here on


@pytest.fixture
def redis_away(settings) -> Iterator[None]:  # type: ignore[no-untyped-def]
    with redis_down(settings):
        yield


def timed(request):  # type: ignore[no-untyped-def]
    started = time.monotonic()
    response = request()
    return response, time.monotonic() - started


def unsent() -> int:
    return OutboxMessage.objects.filter(sent_at__isnull=True).count()


# --- writes answer at once, their data committed --------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("door", ["workspace", "api"])
def test_every_write_answers_at_once_while_redis_is_away(
    door, redis_away, client, editor, reviewer, second_reviewer, reach
):
    def post(user, revision, action):  # type: ignore[no-untyped-def]
        if door == "api":
            return client_for(user).post(transition_url(revision, action), {}, format="json")
        client.force_login(user)
        url = reverse("editorial:transition", kwargs={"pk": revision.article_id, "name": action})
        return client.post(url)

    draft = citing(editor)
    response, elapsed = timed(lambda: post(editor, draft, "submit"))
    assert response.status_code in (200, 302), response.content
    assert elapsed < FAST
    draft.refresh_from_db()
    assert draft.status == ReviewStatus.SUBMITTED

    revision = reach(
        citing(editor),
        ReviewStatus.UNDER_REVIEW,
        editor=editor,
        reviewers=[second_reviewer, reviewer],
    )
    response, elapsed = timed(lambda: post(reviewer, revision, "approve"))
    assert response.status_code in (200, 302), response.content
    assert elapsed < FAST
    revision.refresh_from_db()
    assert revision.status == ReviewStatus.APPROVED

    response, elapsed = timed(lambda: post(editor, revision, "publish"))
    assert response.status_code in (200, 302), response.content
    assert elapsed < FAST
    revision.article.refresh_from_db()
    assert revision.article.published_revision_id == revision.pk
    # Nothing reached the broker: all of it waits in the outbox.
    assert unsent() > 0
    assert OutboxMessage.objects.filter(sent_at__isnull=False).count() == 0


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_retraction_through_the_api_answers_at_once_while_redis_is_away(redis_away, editor):
    reference = ReferenceFactory(key=KEY, actor=editor)
    live = published(citing(editor, KEY), editor)
    current = reference.current_version
    response, elapsed = timed(
        lambda: client_for(editor).post(
            f"{API}/references/{reference.pk}/versions/",
            {
                "type": current.type,
                "csl": current.csl,
                "status": ReferenceStatus.RETRACTED,
                "change_note": "Retracted by the journal",
            },
            format="json",
        )
    )
    assert response.status_code == 201, response.content
    assert elapsed < FAST
    reference.refresh_from_db()
    assert reference.current_version.status == ReferenceStatus.RETRACTED
    assert OutboxMessage.objects.filter(
        topic="reference.retraction-changed", sent_at__isnull=True
    ).exists()
    live.article.refresh_from_db()
    assert live.article.published_revision_id == live.pk


# --- public pages with the cache away, and after it comes back -------------------------------


def page(client, revision):  # type: ignore[no-untyped-def]
    return client.get(reverse("articles:detail", kwargs={"slug": revision.article.slug}))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_public_pages_are_served_while_the_cache_is_away(redis_away, client, editor):
    revision = published(citing(editor), editor)
    for _ in range(2):  # built from the database, then served from the stored page
        response, elapsed = timed(lambda: page(client, revision))
        assert response.status_code == 200
        assert revision.article.title in response.text
        assert elapsed < FAST


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_page_changed_while_the_cache_was_away_is_not_stale_when_it_returns(
    settings, client, editor, reviewer, second_reviewer, reach
):
    settings.CACHES = redis_cache(REDIS, f"imprimatur-test-{uuid.uuid4().hex}")
    settings.IMPRIMATUR_PAGE_LOCAL_SECONDS = 0  # every read goes to the shared cache
    revision = reach(
        citing(editor),
        ReviewStatus.UNDER_REVIEW,
        editor=editor,
        reviewers=[second_reviewer, reviewer],
    )
    workflow.article_publish(revision=revision, actor=editor)
    assert "pending review" in page(client, revision).text
    assert "pending review" in page(client, revision).text  # now from Redis
    real_cache = settings.CACHES

    with redis_down(settings):
        workflow.revision_approve(revision=revision, actor=reviewer)
        during = page(client, revision)
        assert during.status_code == 200
        assert "Medically reviewed by" in during.text
        assert "pending review" not in during.text

    settings.CACHES = real_cache  # Redis is back, with the page it had before the approval
    after = page(client, revision)
    assert "Medically reviewed by" in after.text
    assert "pending review" not in after.text
    cache.clear()


# --- what the broker did not take arrives once after it returns ------------------------------


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_notifications_of_an_outage_arrive_exactly_once_after_it(
    settings, editor, reviewer, mailoutbox
):
    librarian = EditorFactory(username="lib")
    reference = ReferenceFactory(key=KEY, actor=librarian)
    live = published(citing(editor, KEY), editor)
    mailoutbox.clear()
    Notification.objects.all().delete()  # of the publication, before the outage
    before = OutboxMessage.objects.order_by("pk").last().pk
    with redis_down(settings):
        revision = workflow.revision_submit(revision=citing(editor), actor=editor)
        workflow.revision_assign_reviewer(revision=revision, actor=editor, reviewer=reviewer)
        revise(reference, librarian, ReferenceStatus.RETRACTED, "Retracted: data fabricated")
    waiting = unsent()
    assert waiting > 0
    assert mailoutbox == []
    # The inbox entries were made with their events; only the e-mails wait for the broker.
    during = set(Notification.objects.values_list("recipient", "event"))
    assert (reviewer.pk, AuditEvent.objects.get(action=AuditAction.ASSIGN).pk) in during
    assert not Notification.objects.filter(emailed_at__isnull=False).exists()

    ran: list[str] = []

    def record(sender=None, **kwargs):  # type: ignore[no-untyped-def]
        ran.append(sender.name)
        connections.close_all()  # the worker thread's own connection, before the DB is dropped

    app = celery_app(BROKER, f"imprimatur-test-{uuid.uuid4().hex}")
    later = OutboxMessage.objects.order_by("-due_at").first().due_at  # due after the grace
    signals.task_postrun.connect(record, weak=False)
    try:
        with setup_default_app(app), start_worker(app, perform_ping_check=False):
            assert outbox_relay(now=later) == waiting
            assert outbox_relay(now=later) == 0  # nothing left to send twice
            # Until every task ran, those the tasks' own events started included.
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and (
                unsent() or len(ran) < OutboxMessage.objects.filter(pk__gt=before).count()
            ):
                time.sleep(0.1)
    finally:
        signals.task_postrun.disconnect(record)

    assert unsent() == 0
    assert len(ran) == OutboxMessage.objects.filter(pk__gt=before).count()
    assert during <= set(Notification.objects.values_list("recipient", "event"))
    told = list(Notification.objects.values_list("recipient__email", "event_id"))
    assert len(told) == len(set(told))  # nobody told twice of one event
    assert sorted(m.to[0] for m in mailoutbox) == sorted(email for email, _ in told)
    assert Notification.objects.filter(
        recipient=reviewer, event__action=AuditAction.ASSIGN
    ).exists()
    assert Notification.objects.filter(
        recipient=editor,
        event__action=AuditAction.REFERENCE_CHANGED,
        event__article=live.article,
    ).exists()
    assert "reference-retracted" in page_html(live)


def page_html(revision) -> str:  # type: ignore[no-untyped-def]
    from django.test import Client

    return page(Client(), revision).text
