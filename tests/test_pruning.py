"""Outbox messages done or given up, failed tasks run again and used request keys go after
IMPRIMATUR_PRUNE_AFTER_DAYS, by the periodic tasks beat runs; work still owed (a message not
done, a failed task nobody ran again) and recent rows stay."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from articles.models import FailedTask, OutboxMessage
from articles.tasks import prune_outbox
from editorial.models import RequestKey
from editorial.tasks import prune_request_keys


def _aged(model, days: float, **fields):  # type: ignore[no-untyped-def]
    row = model.objects.create(**fields)
    model.objects.filter(pk=row.pk).update(created_at=timezone.now() - timedelta(days=days))
    return row


def test_only_outbox_messages_done_or_given_up_long_ago_and_failed_tasks_run_again_go(db):
    limit = settings.IMPRIMATUR_PRUNE_AFTER_DAYS
    long_ago = timezone.now() - timedelta(days=limit + 1)
    recently = timezone.now() - timedelta(days=1)
    message = {"topic": "article-page.changed", "task": "x", "payload": {}}
    old_done = _aged(OutboxMessage, limit + 2, sent_at=long_ago, done_at=long_ago, **message)
    old_given_up = _aged(OutboxMessage, limit + 2, failed_at=long_ago, **message)
    # Sent long ago and never reported done: owed still, whatever its age.
    old_owed = _aged(OutboxMessage, limit + 2, sent_at=long_ago, **message)
    recent_done = _aged(OutboxMessage, 1, sent_at=recently, done_at=recently, **message)
    failed = {"task": "x", "exception": "OSError()", "tries": 3}
    rerun_long_ago = FailedTask.objects.create(rerun_at=long_ago, **failed)
    never_rerun = FailedTask.objects.create(**failed)
    FailedTask.objects.filter(pk=never_rerun.pk).update(failed_at=long_ago)
    rerun_recently = FailedTask.objects.create(rerun_at=recently, **failed)

    assert prune_outbox.delay().get() == 3
    remaining = set(OutboxMessage.objects.values_list("pk", flat=True))
    assert remaining == {old_owed.pk, recent_done.pk}
    assert not {old_done.pk, old_given_up.pk} & remaining
    assert set(FailedTask.objects.values_list("pk", flat=True)) == {
        never_rerun.pk,
        rerun_recently.pk,
    }
    assert not FailedTask.objects.filter(pk=rerun_long_ago.pk).exists()


def test_only_request_keys_older_than_the_setting_are_deleted(editor, settings):
    settings.IMPRIMATUR_PRUNE_AFTER_DAYS = 3
    _aged(RequestKey, 4, user=editor, key="old-key-1", action="publish", object_id=1)
    recent = _aged(RequestKey, 2, user=editor, key="recent-key", action="publish", object_id=2)

    assert prune_request_keys.delay().get() == 1
    assert list(RequestKey.objects.values_list("pk", flat=True)) == [recent.pk]


def test_beat_runs_both_prunings():
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {prune_outbox.name, prune_request_keys.name} <= tasks
