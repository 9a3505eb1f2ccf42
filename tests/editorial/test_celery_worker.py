"""A transition's notification task, enqueued after commit, run by a real worker on Redis."""

import threading
import time
import uuid

import pytest
from celery import Celery, beat, signals
from celery.contrib.testing.app import setup_default_app
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.db import connections

from articles.models import FailedTask
from articles.tasks import relay_outbox  # noqa: F401 (registered before the test app exists)
from editorial import workflow
from editorial.models import Notification
from editorial.tasks import send_event_notifications  # registered before the test app exists
from tests.factories import BoardMemberFactory, EditorFactory, RevisionFactory
from tests.test_redis_unreachable import BROKER


@pytest.fixture
def redis_worker():
    """A Celery app on Redis (REDIS_URL, or the local server) with one worker thread.

    A queue of its own keeps parallel test runs from taking each other's tasks, and a Redis
    database no cache uses keeps another test's cache.clear() (FLUSHDB) from emptying it.
    """
    app = Celery("imprimatur-test", set_as_current=False)
    app.conf.update(
        broker_url=BROKER,
        task_default_queue=f"imprimatur-test-{uuid.uuid4().hex}",
        task_always_eager=False,
        task_serializer="json",
        accept_content=["json"],
        broker_connection_retry_on_startup=True,
        include=[send_event_notifications.__module__, "articles.tasks"],
    )
    with setup_default_app(app), start_worker(app, perform_ping_check=False):
        yield app


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_assigning_a_reviewer_notifies_them_through_the_worker(redis_worker, mailoutbox):
    ran_in: list[str] = []

    def record(sender=None, **kwargs):  # type: ignore[no-untyped-def]
        if sender.name == send_event_notifications.name:  # not the pages' retirement
            ran_in.append(threading.current_thread().name)
        connections.close_all()  # the worker thread's own connection, before the DB is dropped

    signals.task_postrun.connect(record, weak=False)
    try:
        editor, reviewer = EditorFactory(), BoardMemberFactory()
        revision = RevisionFactory(author=editor)
        workflow.revision_submit(revision=revision, actor=editor)
        workflow.revision_assign_reviewer(revision=revision, actor=editor, reviewer=reviewer)

        # Wait for both tasks to finish: the e-mail goes out just before the second one ends.
        deadline = time.monotonic() + 30
        delivered = Notification.objects.filter(recipient=reviewer, emailed_at__isnull=False)
        while (len(ran_in) < 2 or not delivered.exists()) and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        signals.task_postrun.disconnect(record)

    assert delivered.count() == 1
    assert [m.to for m in mail.outbox] == [[reviewer.email]]
    assert "invited to review" in mail.outbox[0].subject
    # Both transitions' tasks ran, and not in the test's own thread: on the worker.
    assert len(ran_in) == 2
    assert threading.current_thread().name not in ran_in


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_beat_sends_every_periodic_task_once_when_it_starts(redis_worker, settings):
    """Not a whole interval after each start (a deployment): at once, then on schedule."""
    ran: list[str] = []

    def record(sender=None, **kwargs):  # type: ignore[no-untyped-def]
        ran.append(sender.name)
        connections.close_all()

    redis_worker.conf.beat_schedule = settings.CELERY_BEAT_SCHEDULE
    expected = sorted(entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values())
    signals.task_postrun.connect(record, weak=False)
    try:
        signals.beat_init.send(sender=beat.Service(app=redis_worker))
        deadline = time.monotonic() + 30
        while len(ran) < len(expected) and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        signals.task_postrun.disconnect(record)
    assert sorted(ran) == expected


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_task_failing_on_the_worker_is_recorded_for_administrators(redis_worker):
    """Not an SMTP error, so not retried: it fails at once, and the worker records it."""
    finished: list[str] = []

    def record(sender=None, **kwargs):  # type: ignore[no-untyped-def]
        finished.append(sender.name)
        connections.close_all()

    signals.task_postrun.connect(record, weak=False)
    try:
        redis_worker.send_task(send_event_notifications.name, kwargs={"event_id": 987654})
        deadline = time.monotonic() + 30
        while not finished and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        signals.task_postrun.disconnect(record)

    failed = FailedTask.objects.get()
    assert (failed.task, failed.kwargs, failed.tries) == (
        send_event_notifications.name,
        {"event_id": 987654},
        1,
    )
    assert "DoesNotExist" in failed.exception
