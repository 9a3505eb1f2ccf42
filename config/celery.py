"""The Celery application: configured from Django settings (the CELERY_ namespace)."""

import logging
import os
from typing import Any

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

logger = logging.getLogger(__name__)

app = Celery("imprimatur")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# The public site is a package of the articles app, not an app: its tasks module by name.
app.autodiscover_tasks(["articles.public"])


@signals.beat_init.connect
def run_schedule_once_on_start(sender: Any = None, **kwargs: Any) -> None:
    """Send every periodic task once when beat starts: beat's clock starts again with each
    process (a deployment), and would otherwise wait a whole interval before the first run.
    Each task finds its due work from dates and is idempotent, so an extra run does nothing
    twice."""
    celery_app = getattr(sender, "app", None) or app
    for name, entry in celery_app.conf.beat_schedule.items():
        try:
            celery_app.send_task(entry["task"])
        except Exception:  # the broker away: the schedule's own run follows
            logger.exception("Periodic task %s not sent on start", name)


@signals.task_failure.connect
def record_failed_task(
    sender: Any = None,
    exception: BaseException | None = None,
    args: Any = None,
    kwargs: Any = None,
    **extra: Any,
) -> None:
    """Keep a task that failed for good (a retried one fails only after its last retry) where
    administrators see it and can run it again (articles.task_failures)."""
    from django.conf import settings

    from articles.outbox import TRANSIENT_ERRORS  # Django is set up by now
    from articles.task_failures import failed_task_record

    periodic = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    if sender.name in periodic and isinstance(exception, TRANSIENT_ERRORS):
        # A server away (the database, mid-run): the schedule runs it again soon; not a
        # failure for administrators to mend.
        logger.warning("Periodic task %s met a server away: %r", sender.name, exception)
        return
    try:
        failed_task_record(
            task=sender.name,
            args=args,
            kwargs=kwargs,
            exception=exception or RuntimeError("unknown"),
            tries=(sender.request.retries or 0) + 1,
        )
    except Exception:  # the database away too: the worker's log is all there is
        logger.exception("Failed task %s not recorded", getattr(sender, "name", sender))
