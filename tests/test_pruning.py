"""Sent outbox messages and used request keys go after IMPRIMATUR_PRUNE_AFTER_DAYS, by the
periodic tasks beat runs; unsent messages (work still owed) and recent rows stay."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from articles.models import OutboxMessage
from articles.tasks import prune_sent_outbox
from editorial.models import RequestKey
from editorial.tasks import prune_request_keys


def _aged(model, days: float, **fields):  # type: ignore[no-untyped-def]
    row = model.objects.create(**fields)
    model.objects.filter(pk=row.pk).update(created_at=timezone.now() - timedelta(days=days))
    return row


def test_only_sent_outbox_messages_older_than_the_setting_are_deleted(db):
    limit = settings.IMPRIMATUR_PRUNE_AFTER_DAYS
    long_ago = timezone.now() - timedelta(days=limit + 1)
    message = {"topic": "article-page.changed", "task": "x", "payload": {}}
    old_sent = _aged(OutboxMessage, limit + 2, sent_at=long_ago, **message)
    old_unsent = _aged(OutboxMessage, limit + 2, **message)
    recent_sent = _aged(OutboxMessage, 1, sent_at=timezone.now() - timedelta(days=1), **message)

    assert prune_sent_outbox.delay().get() == 1
    remaining = set(OutboxMessage.objects.values_list("pk", flat=True))
    assert remaining == {old_unsent.pk, recent_sent.pk}
    assert old_sent.pk not in remaining


def test_only_request_keys_older_than_the_setting_are_deleted(editor, settings):
    settings.IMPRIMATUR_PRUNE_AFTER_DAYS = 3
    _aged(RequestKey, 4, user=editor, key="old-key-1", action="publish", object_id=1)
    recent = _aged(RequestKey, 2, user=editor, key="recent-key", action="publish", object_id=2)

    assert prune_request_keys.delay().get() == 1
    assert list(RequestKey.objects.values_list("pk", flat=True)) == [recent.pk]


def test_beat_runs_both_prunings():
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {prune_sent_outbox.name, prune_request_keys.name} <= tasks
