"""The outbox: what follows a committed action is written with it and sent after commit; a
broker that refuses it loses nothing (the relay sends it later), and nothing is sent twice."""

from datetime import timedelta

import pytest
from celery import current_app
from celery.app.task import Task
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from articles.models import OutboxMessage
from articles.outbox import OutboxTask, outbox_put, outbox_relay, outbox_send
from editorial import workflow
from editorial.models import Notification
from tests.factories import RevisionFactory


@pytest.fixture
def broker_away(monkeypatch):
    """The broker refuses every task, as kombu does when Redis is unreachable."""

    def refuse(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(Task, "apply_async", refuse)
    return monkeypatch


def test_a_topic_nobody_takes_is_refused_before_anything_is_written(db):
    with pytest.raises(LookupError, match="No task is subscribed"):
        outbox_put("nothing.subscribes")
    assert not OutboxMessage.objects.exists()


def test_an_action_commits_while_the_broker_is_away_and_its_notice_arrives_once_after(
    editor, reviewer, mailoutbox, broker_away, django_capture_on_commit_callbacks
):
    revision = RevisionFactory(author=editor)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.revision_submit(revision=revision, actor=editor)
        assignment = workflow.revision_assign_reviewer(
            revision=revision, actor=editor, reviewer=reviewer
        )
    assert assignment.pk is not None  # committed: the action did not fail
    unsent = OutboxMessage.objects.filter(sent_at__isnull=True)
    # Each event's notifications, and its article's cached pages retired (articles.page_versions).
    assert sorted(unsent.values_list("task", flat=True)) == [
        "articles.tasks.retire_cached_article_pages",
        "articles.tasks.retire_cached_article_pages",
        "editorial.tasks.send_event_notifications",
        "editorial.tasks.send_event_notifications",
    ]
    assert all("Connection refused" in m.last_error for m in unsent)
    assert mailoutbox == []

    broker_away.undo()  # the broker is back
    later = unsent.order_by("-due_at").first().due_at  # refused: due after the grace
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox_relay(now=later) == 4
        assert outbox_relay(now=later) == 0  # a second relay finds nothing left

    assert [m.to for m in mailoutbox] == [[reviewer.email]]
    assert Notification.objects.filter(recipient=reviewer).count() == 1
    assert not OutboxMessage.objects.filter(sent_at__isnull=True).exists()


def test_a_message_sent_already_is_not_sent_again(editor, reviewer, mailoutbox):
    revision = workflow.revision_submit(revision=RevisionFactory(author=editor), actor=editor)
    with transaction.atomic():
        workflow.revision_assign_reviewer(revision=revision, actor=editor, reviewer=reviewer)
    ids = list(OutboxMessage.objects.values_list("pk", flat=True))
    first = outbox_send(ids=ids)
    assert first == len(ids)
    assert outbox_send(ids=ids) == 0
    assert len(mailoutbox) == 1


def test_the_relay_leaves_fresh_messages_to_their_own_commit(editor, broker_away):
    revision = RevisionFactory(author=editor)
    workflow.revision_submit(revision=revision, actor=editor)  # its callbacks never run here
    newest = OutboxMessage.objects.order_by("created_at").last()
    assert outbox_relay(now=newest.created_at) == 0
    assert set(OutboxMessage.objects.values_list("attempts", flat=True)) == {0}


def test_a_message_sent_and_never_reported_done_is_sent_again_after_its_lease(
    editor, reviewer, mailoutbox, settings, django_capture_on_commit_callbacks
):
    """The broker took it and lost it (Redis restarted empty), or the worker died: the database
    still owes it, and the relay sends it once the lease is over."""
    revision = RevisionFactory(author=editor)
    with django_capture_on_commit_callbacks(execute=False):
        workflow.revision_submit(revision=revision, actor=editor)
        workflow.revision_assign_reviewer(revision=revision, actor=editor, reviewer=reviewer)
    taken = timezone.now()
    lease = timedelta(seconds=settings.IMPRIMATUR_OUTBOX_LEASE_SECONDS)
    # As outbox_send leaves a message the broker took; nothing ran it.
    OutboxMessage.objects.update(sent_at=taken, due_at=taken + lease, attempts=1)

    assert outbox_relay(now=taken + lease - timedelta(seconds=1)) == 0
    assert mailoutbox == []
    assert outbox_relay(now=taken + lease) == OutboxMessage.objects.count()
    assert [m.to for m in mailoutbox] == [[reviewer.email]]
    assert not OutboxMessage.objects.filter(done_at__isnull=True).exists()
    assert set(OutboxMessage.objects.values_list("attempts", flat=True)) == {2}


def test_every_subscribed_task_reports_on_its_message():
    """A subscribed task that is not an OutboxTask would leave its message owed for ever."""
    subscribed = {
        task for tasks in settings.IMPRIMATUR_OUTBOX_SUBSCRIBERS.values() for task in tasks
    }
    assert subscribed
    for name in subscribed:
        assert isinstance(current_app.tasks[name], OutboxTask), name


def test_a_periodic_task_meeting_a_server_away_is_not_a_failure_for_administrators(db):
    """Its next scheduled run retries it; anything else that fails is recorded."""
    from celery import signals
    from django.db import OperationalError as DatabaseAway

    from articles.models import FailedTask
    from articles.tasks import relay_outbox
    from editorial.tasks import send_event_notifications

    signals.task_failure.send(
        sender=relay_outbox, exception=DatabaseAway("gone"), args=[], kwargs={}
    )
    assert not FailedTask.objects.exists()
    signals.task_failure.send(sender=relay_outbox, exception=KeyError("bug"), args=[], kwargs={})
    signals.task_failure.send(
        sender=send_event_notifications, exception=OSError("smtp"), args=[], kwargs={"event_id": 1}
    )
    assert sorted(FailedTask.objects.values_list("task", flat=True)) == sorted(
        [relay_outbox.name, send_event_notifications.name]
    )
