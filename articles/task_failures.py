"""Tasks that failed for good: recorded when their last try fails, shown in the admin, run
again from there. What to watch (docs/operations.md): how many wait, and the outbox's age."""

import json
import logging
from datetime import datetime, timedelta
from typing import Any

from celery import current_app
from django.conf import settings
from django.utils import timezone

from articles.models import FailedTask, OutboxMessage

logger = logging.getLogger(__name__)


def _json(value: Any) -> Any:
    """The task's arguments as stored: JSON already (the serializer), else their text."""
    try:
        json.dumps(value)
    except TypeError:
        return repr(value)
    return value


def failed_task_record(
    *, task: str, args: Any, kwargs: Any, exception: BaseException, tries: int
) -> FailedTask:
    """Record one task that failed for good (called by the worker, config.celery)."""
    return FailedTask.objects.create(
        task=task,
        args=_json(list(args or [])),
        kwargs=_json(dict(kwargs or {})),
        exception=repr(exception)[:5000],
        tries=tries,
    )


def failed_task_rerun(*, failed_task: FailedTask) -> FailedTask:
    """Send a failed task again with its arguments and mark it re-run; raises what the broker
    raises (nothing is marked then). A new failure is recorded as a new FailedTask."""
    current_app.tasks[failed_task.task].apply_async(
        args=failed_task.args, kwargs=failed_task.kwargs
    )
    failed_task.rerun_at = timezone.now()
    failed_task.save(update_fields=["rerun_at"])
    return failed_task


def failed_tasks_prune(*, now: datetime | None = None) -> int:
    """Delete the failed tasks run again more than IMPRIMATUR_PRUNE_AFTER_DAYS ago (one not
    run again waits for an administrator); returns how many."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.IMPRIMATUR_PRUNE_AFTER_DAYS)
    deleted, _ = FailedTask.objects.filter(rerun_at__lt=cutoff).delete()
    return deleted


def delivery_report(*, now: datetime | None = None) -> dict[str, int | float | None]:
    """The failed tasks not yet run again, and the age in seconds of the oldest outbox message
    still owed: not done nor given up (None when there is none)."""
    now = now or timezone.now()
    oldest = (
        OutboxMessage.objects.filter(done_at__isnull=True, failed_at__isnull=True)
        .order_by("created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    return {
        "failed_tasks": FailedTask.objects.filter(rerun_at__isnull=True).count(),
        "oldest_owed_outbox_seconds": (
            round((now - oldest).total_seconds(), 1) if oldest is not None else None
        ),
    }
