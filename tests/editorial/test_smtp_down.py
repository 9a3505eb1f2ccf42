"""SMTP away for long: the inbox never waits for it, the outbox runs the task again after
doubling waits (kept in the database), and each e-mail goes once when SMTP is back."""

from datetime import timedelta
from smtplib import SMTPServerDisconnected

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import FailedTask, OutboxMessage
from articles.outbox import outbox_relay, outbox_send
from articles.task_failures import delivery_report
from editorial import workflow
from editorial.models import AuditEvent, Notification
from editorial.notifications import notifications_send_for_event
from editorial.tasks import send_event_notifications
from tests.factories import EditorFactory, RevisionFactory
from tests.smtp_down import REFUSING, WORKING, CountingRefusingEmailBackend, FlakyEmailBackend


@pytest.fixture
def submitted(editor, settings, django_capture_on_commit_callbacks) -> tuple[AuditEvent, list]:
    """A submission told to three colleagues, its delivery not started yet, SMTP refusing."""
    colleagues = EditorFactory.create_batch(3)
    settings.MAILERS = REFUSING
    with django_capture_on_commit_callbacks(execute=False):
        revision = workflow.revision_submit(revision=RevisionFactory(author=editor), actor=editor)
    return AuditEvent.objects.get(action="submit", revision=revision), colleagues


def test_smtp_refusing_keeps_no_inbox_entry_back(submitted, mailoutbox):
    event, colleagues = submitted
    with pytest.raises(SMTPServerDisconnected):
        notifications_send_for_event(event_id=event.pk)
    entries = Notification.objects.filter(event=event).order_by("recipient")
    assert [n.recipient for n in entries] == colleagues
    assert [n.emailed_at for n in entries] == [None] * 3
    assert mailoutbox == []


def test_smtp_back_sends_each_e_mail_exactly_once(submitted, settings, mailoutbox):
    event, colleagues = submitted
    with pytest.raises(SMTPServerDisconnected):
        notifications_send_for_event(event_id=event.pk)
    settings.MAILERS = WORKING
    assert notifications_send_for_event(event_id=event.pk) == 3
    assert notifications_send_for_event(event_id=event.pk) == 0  # a retry after success
    assert sorted(m.to[0] for m in mailoutbox) == sorted(c.email for c in colleagues)
    assert Notification.objects.filter(event=event, emailed_at__isnull=True).count() == 0
    assert Notification.objects.filter(event=event).count() == 3


def _message(event: AuditEvent) -> OutboxMessage:
    return OutboxMessage.objects.get(
        task=send_event_notifications.name, payload={"event_id": event.pk}
    )


def test_the_outbox_runs_the_task_again_after_doubling_waits_until_smtp_is_back(
    submitted, settings, mailoutbox
):
    event, colleagues = submitted
    settings.MAILERS = {"default": {"BACKEND": "tests.smtp_down.CountingRefusingEmailBackend"}}
    CountingRefusingEmailBackend.tries = 0
    message = _message(event)
    first = settings.IMPRIMATUR_RETRY_FIRST_WAIT

    assert outbox_send(ids=[message.pk]) == 1  # the broker took it; the task met SMTP away
    message.refresh_from_db()
    assert (message.failures, message.done_at, message.failed_at) == (1, None, None)
    assert "SMTPServerDisconnected" in message.last_error
    wait = (message.due_at - message.sent_at).total_seconds()
    assert first / 2 <= wait <= first + 1
    assert outbox_relay() == 0  # not due yet
    assert CountingRefusingEmailBackend.tries == 1

    ran_at = timezone.now()
    assert outbox_send(ids=[message.pk], now=message.due_at) == 1  # due: SMTP still away
    message.refresh_from_db()
    assert message.failures == 2
    assert first <= (message.due_at - ran_at).total_seconds() <= 2 * first + 1  # doubled

    settings.MAILERS = WORKING
    assert outbox_relay(now=message.due_at) >= 1
    message.refresh_from_db()
    assert message.done_at is not None
    assert outbox_send(ids=[message.pk], now=message.due_at + timedelta(days=1)) == 0  # done
    assert sorted(m.to[0] for m in mailoutbox) == sorted(c.email for c in colleagues)
    assert Notification.objects.filter(event=event).count() == len(colleagues)
    assert not FailedTask.objects.exists()


def test_waits_double_up_to_the_longest(settings):
    from articles.outbox import retry_wait

    settings.IMPRIMATUR_RETRY_FIRST_WAIT, settings.IMPRIMATUR_RETRY_LONGEST_WAIT = 60, 3600
    for failures, whole in [(1, 60), (2, 120), (3, 240), (7, 3600), (30, 3600)]:
        wait = retry_wait(failures).total_seconds()
        assert whole / 2 <= wait <= whole


def test_after_the_retry_hours_it_is_given_up_shown_in_the_admin_and_run_again_delivers(
    submitted, settings, mailoutbox, admin_client
):
    event, colleagues = submitted
    message = _message(event)
    hours = settings.IMPRIMATUR_DELIVERY_RETRY_HOURS
    OutboxMessage.objects.filter(pk=message.pk).update(
        created_at=timezone.now() - timedelta(hours=hours, minutes=1)
    )
    assert outbox_send(ids=[message.pk]) == 1
    message.refresh_from_db()
    assert message.failed_at is not None
    outbox_relay(now=timezone.now() + timedelta(days=2))
    assert OutboxMessage.objects.get(pk=message.pk).attempts == 1  # given up: not owed

    failed = FailedTask.objects.get()
    assert (failed.task, failed.args, failed.kwargs) == (
        send_event_notifications.name,
        [],
        {"event_id": event.pk},
    )
    assert failed.tries == 1
    assert "SMTPServerDisconnected" in failed.exception
    changelist = reverse("admin:articles_failedtask_changelist")
    page = admin_client.get(changelist)
    assert send_event_notifications.name in page.content.decode()
    assert delivery_report()["failed_tasks"] == 1
    assert delivery_report()["oldest_owed_outbox_seconds"] is None

    settings.MAILERS = WORKING
    admin_client.post(
        changelist, {"action": "run_again", "_selected_action": [failed.pk]}, follow=True
    )
    assert sorted(m.to[0] for m in mailoutbox) == sorted(c.email for c in colleagues)
    failed.refresh_from_db()
    assert failed.rerun_at is not None
    assert delivery_report()["failed_tasks"] == 0
    assert FailedTask.objects.count() == 1  # the second run did not fail


def test_an_error_that_is_not_a_server_away_gives_the_message_up_at_once(submitted, settings):
    event, _ = submitted
    message = _message(event)
    settings.MAILERS = WORKING
    event.delete()  # the task will not find it: no wait can mend that
    assert outbox_send(ids=[message.pk]) == 1
    message.refresh_from_db()
    assert (message.failures, message.done_at) == (1, None)
    assert message.failed_at is not None
    assert "DoesNotExist" in FailedTask.objects.get(task=send_event_notifications.name).exception


def test_smtp_dropping_mid_round_the_task_runs_again_and_e_mails_each_once(
    submitted, settings, mailoutbox, monkeypatch
):
    event, colleagues = submitted
    settings.MAILERS = {"default": {"BACKEND": "tests.smtp_down.FlakyEmailBackend"}}
    # The first e-mail goes, then the server hangs up twice, then it delivers again.
    monkeypatch.setattr(FlakyEmailBackend, "refused", {2, 3})
    monkeypatch.setattr(FlakyEmailBackend, "sends", 0)
    message = _message(event)

    outbox_send(ids=[message.pk])
    for _ in range(3):
        message.refresh_from_db()
        if message.done_at is None:
            outbox_send(ids=[message.pk], now=message.due_at)

    message.refresh_from_db()
    assert message.done_at is not None
    assert message.failures == 2
    assert FlakyEmailBackend.sends == 5  # 3 e-mails and 2 refused tries, none sent twice
    assert sorted(m.to[0] for m in mailoutbox) == sorted(c.email for c in colleagues)
    assert not FailedTask.objects.exists()
