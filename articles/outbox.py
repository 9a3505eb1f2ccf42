"""The outbox: what must follow a committed action is written in the action's transaction and
sent to Celery after commit, so a broker that is away loses nothing.

`outbox_put(topic, **payload)` writes one OutboxMessage per task subscribed to the topic
(IMPRIMATUR_OUTBOX_SUBSCRIBERS: config is the one place that knows which app takes what, so
the content layer never names the workspace). After commit the messages are sent at once; a
message the broker could not take is sent again by the periodic `relay_outbox` task. Tasks take
ids and are idempotent: a message sent twice does nothing twice.
"""

import logging
from datetime import timedelta
from functools import partial
from typing import Any

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from articles.models import OutboxMessage

logger = logging.getLogger(__name__)

UNKNOWN_TOPIC = (
    "No task is subscribed to the outbox topic {topic!r} (IMPRIMATUR_OUTBOX_SUBSCRIBERS)."
)
# Messages younger than this are left to the relay their own commit started.
RELAY_GRACE = timedelta(seconds=30)
RELAY_BATCH = 500


def outbox_put(topic: str, **payload: Any) -> list[OutboxMessage]:
    """Write `topic` with its `payload` (JSON: ids, not objects) for each subscribed task, in
    the caller's transaction; they are sent once it commits. Raises LookupError for a topic
    nothing subscribes to."""
    tasks = settings.IMPRIMATUR_OUTBOX_SUBSCRIBERS.get(topic)
    if not tasks:
        raise LookupError(UNKNOWN_TOPIC.format(topic=topic))
    messages = OutboxMessage.objects.bulk_create(
        OutboxMessage(topic=topic, task=task, payload=payload) for task in tasks
    )
    ids = [message.pk for message in messages]
    transaction.on_commit(partial(outbox_send, ids=ids))
    return messages


def outbox_send(*, ids: list[int]) -> int:
    """Send these messages to their tasks unless sent already; returns how many were sent.

    A message the broker refuses stays unsent (with the error) for `relay_outbox`.
    """
    sent = 0
    for pk in ids:
        with transaction.atomic():
            message = (
                OutboxMessage.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, sent_at__isnull=True)
                .first()
            )
            if message is None:
                continue  # sent already, or being sent by another process now
            try:
                with transaction.atomic():  # an eager task's writes go if it fails
                    current_app.tasks[message.task].apply_async(kwargs=message.payload)
            except Exception as exc:  # the broker away, or an eager task that failed
                logger.warning("Outbox message %s (%s) not sent: %r", pk, message.task, exc)
                message.attempts += 1
                message.last_error = repr(exc)[:2000]
                message.save(update_fields=["attempts", "last_error"])
                continue
            message.attempts += 1
            message.sent_at = timezone.now()
            message.save(update_fields=["attempts", "sent_at"])
            sent += 1
    return sent


def outbox_relay(*, now: Any = None) -> int:
    """Send every message still unsent after RELAY_GRACE (the broker was away, or the process
    stopped between commit and sending), oldest first, in batches; returns how many were sent."""
    now = now or timezone.now()
    sent = 0
    while True:
        ids = list(
            OutboxMessage.objects.filter(sent_at__isnull=True, created_at__lte=now - RELAY_GRACE)
            .order_by("created_at", "pk")
            .values_list("pk", flat=True)[:RELAY_BATCH]
        )
        if not ids:
            return sent
        done = outbox_send(ids=ids)
        sent += done
        if done == 0:
            return sent  # the broker is still away: the next run tries again


def outbox_prune(*, now: Any = None) -> int:
    """Delete the messages sent more than IMPRIMATUR_PRUNE_AFTER_DAYS ago (never an unsent
    one: that is work still owed); returns how many."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.IMPRIMATUR_PRUNE_AFTER_DAYS)
    deleted, _ = OutboxMessage.objects.filter(sent_at__lt=cutoff).delete()
    return deleted
