"""A confirmed reference import, sent through the outbox after commit, run by a real Celery
worker on Redis: the batches and their counters written from the worker's thread."""

import threading
import time

import pytest
from celery import signals
from django.db import connections

from articles.models import OutboxMessage, Reference
from articles.references.models import ImportState, ImportUpload
from articles.tasks import import_references
from tests.editorial.test_celery_worker import redis_worker  # noqa: F401 (fixture)
from tests.editorial.test_reference_import_job import _queued, _ris
from tests.factories import EditorFactory


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_confirmed_import_runs_on_the_worker_to_done(redis_worker):  # noqa: F811
    ran_in: list[str] = []

    def record(sender=None, **kwargs):  # type: ignore[no-untyped-def]
        if sender.name == import_references.name:
            ran_in.append(threading.current_thread().name)
        connections.close_all()  # the worker thread's own connection, before the DB is dropped

    signals.task_postrun.connect(record, weak=False)
    try:
        upload = _queued(EditorFactory(), _ris(12))  # committed: the outbox sends it
        jobs = ImportUpload.objects.filter(pk=upload.pk, state=ImportState.DONE)
        deadline = time.monotonic() + 30
        while (not ran_in or not jobs.exists()) and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        signals.task_postrun.disconnect(record)

    job = jobs.get()
    assert (job.records_read, job.records_imported, job.records_refused) == (12, 12, 0)
    assert Reference.objects.count() == 12
    assert OutboxMessage.objects.get().done_at is not None  # the task reported back
    assert ran_in
    assert threading.current_thread().name not in ran_in
