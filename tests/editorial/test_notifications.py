"""Notifications: sent only after commit, to the people concerned, never twice."""

import pytest
from django.db import transaction

from editorial import workflow
from editorial.models import AuditEvent, Notification
from editorial.notifications import notifications_send_for_event
from editorial.tasks import send_event_notifications
from tests.factories import EditorFactory, RevisionFactory


def test_nothing_is_sent_before_commit(
    editor, reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    revision = workflow.revision_submit(revision=RevisionFactory(author=editor), actor=editor)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        workflow.revision_assign_reviewer(revision=revision, actor=editor, reviewer=reviewer)
    assert len(callbacks) == 1
    assert mailoutbox == []
    callbacks[0]()
    assert [m.to for m in mailoutbox] == [[reviewer.email]]
    assert "/editorial/articles/" in mailoutbox[0].body


def test_a_rolled_back_action_sends_nothing(
    editor, reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    revision = workflow.revision_submit(revision=RevisionFactory(author=editor), actor=editor)

    def assign_then_fail() -> None:
        with transaction.atomic():
            workflow.revision_assign_reviewer(revision=revision, actor=editor, reviewer=reviewer)
            raise RuntimeError("the request failed after the transition")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        assign_then_fail()
    assert mailoutbox == []
    assert not AuditEvent.objects.filter(action="assign-reviewer").exists()


def test_a_retried_task_sends_nothing_twice(
    editor, reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    revision = workflow.revision_submit(revision=RevisionFactory(author=editor), actor=editor)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.revision_assign_reviewer(revision=revision, actor=editor, reviewer=reviewer)
    event = AuditEvent.objects.get(action="assign-reviewer")
    assert send_event_notifications.delay(event.pk).get() == 0
    assert notifications_send_for_event(event_id=event.pk) == 0
    assert len(mailoutbox) == 1
    assert Notification.objects.filter(event=event).count() == 1


def test_submission_tells_the_other_editors_not_the_actor(
    editor, mailoutbox, django_capture_on_commit_callbacks
):
    colleague = EditorFactory()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.revision_submit(revision=RevisionFactory(author=editor), actor=editor)
    assert [m.to for m in mailoutbox] == [[colleague.email]]
    assert Notification.objects.get().recipient == colleague
