"""The outbox: what must follow a committed action is written in the action's transaction and
sent to Celery after commit; the database, not the broker, keeps what is owed until it is done.

`outbox_put(topic, **payload)` writes one OutboxMessage per task subscribed to the topic
(IMPRIMATUR_OUTBOX_SUBSCRIBERS: config is the one place that knows which app takes what, so
the content layer never names the workspace). After commit the messages are sent at once. Every
subscribed task is an `OutboxTask`, which reports back on the message:

- done: the message is finished (`done_at`);
- a server away (SMTP, the database, a socket: TRANSIENT_ERRORS): the message is due again
  after a wait that doubles from IMPRIMATUR_RETRY_FIRST_WAIT up to IMPRIMATUR_RETRY_LONGEST_WAIT
  (with jitter), for IMPRIMATUR_DELIVERY_RETRY_HOURS; then it is given up;
- anything else: given up at once. A message given up is recorded as a FailedTask, which
  administrators see (admin, /readyz) and can run again.

The periodic `relay_outbox` task sends every message that is due: one the broker refused, one
whose wait is over, and one sent but not reported within IMPRIMATUR_OUTBOX_LEASE_SECONDS (the
broker lost its queue, a worker died, or the task could not reach the database to report). So
no retry lives only in Redis, and a task may run more than once: tasks take ids and are
idempotent. Each message is taken under a row lock with SKIP LOCKED, so any number of relays
and web processes send each message once at a time.
"""

import logging
import random
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from celery import Task, current_app
from django.conf import settings
from django.db import InterfaceError, transaction
from django.db import OperationalError as DatabaseUnavailable
from django.db.models import Q
from django.utils import timezone

from articles.models import OutboxMessage
from articles.task_failures import failed_task_record

logger = logging.getLogger(__name__)

UNKNOWN_TOPIC = (
    "No task is subscribed to the outbox topic {topic!r} (IMPRIMATUR_OUTBOX_SUBSCRIBERS)."
)
# The keyword argument that carries the message's id to its task (taken off by OutboxTask).
MESSAGE_KWARG = "outbox_message"
# Errors of a server that is away and will come back: SMTP errors and refused or dropped
# connections are OSErrors; the database's are these two.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    DatabaseUnavailable,
    InterfaceError,
)
RELAY_BATCH = 500


def relay_grace() -> timedelta:
    """How long a new message is left to the send its own commit started."""
    return timedelta(seconds=settings.IMPRIMATUR_OUTBOX_GRACE_SECONDS)


def outbox_put(topic: str, **payload: Any) -> list[OutboxMessage]:
    """Write `topic` with its `payload` (JSON: ids, not objects) for each subscribed task, in
    the caller's transaction; they are sent once it commits. Raises LookupError for a topic
    nothing subscribes to."""
    tasks = settings.IMPRIMATUR_OUTBOX_SUBSCRIBERS.get(topic)
    if not tasks:
        raise LookupError(UNKNOWN_TOPIC.format(topic=topic))
    due = timezone.now() + relay_grace()
    messages = OutboxMessage.objects.bulk_create(
        OutboxMessage(topic=topic, task=task, payload=payload, due_at=due) for task in tasks
    )
    ids = [message.pk for message in messages]
    transaction.on_commit(partial(outbox_send, ids=ids))
    return messages


def _owed() -> Any:
    return OutboxMessage.objects.filter(done_at__isnull=True, failed_at__isnull=True)


def outbox_send(*, ids: list[int], now: datetime | None = None) -> int:
    """Send these messages to their tasks unless done, given up, or sent and not due yet (at
    `now`); returns how many the broker took. A message the broker refuses is due again after
    the grace period, for `relay_outbox`."""
    sent = 0
    for pk in ids:
        with transaction.atomic():
            at = now or timezone.now()
            message = (
                _owed()
                .select_for_update(skip_locked=True)
                .filter(Q(sent_at__isnull=True) | Q(due_at__lte=at), pk=pk)
                .first()
            )
            if message is None:
                continue  # done, not due, or being sent by another process now
            before = message.sent_at
            message.attempts += 1
            message.sent_at = at
            message.due_at = at + timedelta(seconds=settings.IMPRIMATUR_OUTBOX_LEASE_SECONDS)
            message.save(update_fields=["attempts", "sent_at", "due_at"])
            try:
                with transaction.atomic():  # an eager task's writes go if it fails
                    current_app.tasks[message.task].apply_async(
                        kwargs={**message.payload, MESSAGE_KWARG: pk}
                    )
            except Exception as exc:  # the broker away
                logger.warning("Outbox message %s (%s) not sent: %r", pk, message.task, exc)
                message.sent_at = before
                message.due_at = at + relay_grace()
                message.last_error = repr(exc)[:2000]
                message.save(update_fields=["sent_at", "due_at", "last_error"])
                continue
            sent += 1
    return sent


def outbox_relay(*, now: datetime | None = None) -> int:
    """Send every message that is due (see the module's text), soonest due first, in batches;
    returns how many the broker took."""
    now = now or timezone.now()
    sent = 0
    while True:
        ids = list(
            _owed()
            .filter(due_at__lte=now)
            .order_by("due_at", "pk")
            .values_list("pk", flat=True)[:RELAY_BATCH]
        )
        if not ids:
            return sent
        done = outbox_send(ids=ids, now=now)
        sent += done
        if done == 0:
            return sent  # the broker away, or other relays have these: the next run goes on


def retry_wait(failures: int) -> timedelta:
    """The wait after the `failures`-th failure: doubling from the first wait up to the
    longest, drawn between its half and its whole so that a server coming back is not met by
    every task at once."""
    first = settings.IMPRIMATUR_RETRY_FIRST_WAIT
    longest = settings.IMPRIMATUR_RETRY_LONGEST_WAIT
    wait = min(longest, first * 2 ** max(failures - 1, 0))
    return timedelta(seconds=random.uniform(wait / 2, wait))  # noqa: S311 (jitter, not a secret)


def outbox_done(*, pk: int) -> None:
    """The task of message `pk` finished."""
    _owed().filter(pk=pk).update(done_at=timezone.now())


def outbox_failed(*, pk: int, exc: BaseException, transient: bool) -> None:
    """The task of message `pk` raised `exc`: try again later while the retry period lasts
    and the error is a server away; otherwise give the message up and record it for the
    administrators."""
    now = timezone.now()
    with transaction.atomic():
        message = _owed().select_for_update().filter(pk=pk).first()
        if message is None:
            return
        message.failures += 1
        message.last_error = repr(exc)[:2000]
        retry_until = message.created_at + timedelta(hours=settings.IMPRIMATUR_DELIVERY_RETRY_HOURS)
        if transient and now < retry_until:
            message.due_at = now + retry_wait(message.failures)
        else:
            message.failed_at = now
            failed_task_record(
                task=message.task,
                args=[],
                kwargs=message.payload,
                exception=exc,
                tries=message.failures,
            )
        message.save(update_fields=["failures", "last_error", "due_at", "failed_at"])


class OutboxTask(Task):  # type: ignore[misc]
    """The base of every task the outbox sends: it runs the task and reports on its message
    (done, due again, or given up); it never raises for a message, so the worker acknowledges
    it and the database alone decides what runs again. Run without a message (beat, the admin's
    "Run again", a test), it is a plain task."""

    # The message's id is a keyword the task's own signature does not take: no check on sending.
    typing = False

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        pk = kwargs.pop(MESSAGE_KWARG, None)
        if pk is None:
            return super().__call__(*args, **kwargs)
        try:
            result = super().__call__(*args, **kwargs)
        except Exception as exc:
            transient = isinstance(exc, TRANSIENT_ERRORS)
            if transient:
                logger.warning("Task %s (outbox message %s) will run again: %r", self.name, pk, exc)
            else:
                logger.exception("Task %s (outbox message %s) failed", self.name, pk)
            try:
                outbox_failed(pk=pk, exc=exc, transient=transient)
            except TRANSIENT_ERRORS:  # the database away: the lease sends it again
                logger.exception("Outbox message %s: its failure not recorded", pk)
            return None
        try:
            outbox_done(pk=pk)
        except TRANSIENT_ERRORS:  # done, but not recorded: sent again, it does nothing twice
            logger.exception("Outbox message %s: done, but not recorded", pk)
        return result


def outbox_prune(*, now: datetime | None = None) -> int:
    """Delete the messages done or given up more than IMPRIMATUR_PRUNE_AFTER_DAYS ago (never
    one still owed); returns how many."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.IMPRIMATUR_PRUNE_AFTER_DAYS)
    deleted, _ = OutboxMessage.objects.filter(
        Q(done_at__lt=cutoff) | Q(failed_at__lt=cutoff)
    ).delete()
    return deleted
