"""SMTP away for long: the inbox never waits for it, and each e-mail goes once when it is back."""

from smtplib import SMTPServerDisconnected

import pytest
from django.urls import reverse

from articles.models import FailedTask
from articles.task_failures import delivery_report
from config.celery import app as celery_app
from editorial import workflow
from editorial.models import AuditEvent, Notification
from editorial.notifications import notifications_send_for_event
from editorial.tasks import (
    RETRY_FIRST_WAIT,
    RETRY_LONGEST_WAIT,
    notify_reference_change,
    retries_for,
    send_event_notifications,
)
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


def test_retry_waits_add_up_to_about_a_day():
    retries = retries_for(hours=24)
    average_waits = [min(RETRY_LONGEST_WAIT, RETRY_FIRST_WAIT * 2**n) / 2 for n in range(retries)]
    assert 24 * 3600 <= sum(average_waits) < 24 * 3600 + RETRY_LONGEST_WAIT
    assert send_event_notifications.max_retries == retries
    assert notify_reference_change.max_retries == retries


def test_the_task_retries_on_smtp_errors_until_its_last_try(
    submitted, settings, mailoutbox, monkeypatch
):
    event, colleagues = submitted
    # Not propagated: the eager run goes through its retries as a worker would (without waits).
    monkeypatch.setitem(celery_app.conf, "task_eager_propagates", False)
    settings.MAILERS = {"default": {"BACKEND": "tests.smtp_down.CountingRefusingEmailBackend"}}
    CountingRefusingEmailBackend.tries = 0
    result = send_event_notifications.apply(kwargs={"event_id": event.pk})
    assert result.failed()
    assert isinstance(result.result, SMTPServerDisconnected)
    assert CountingRefusingEmailBackend.tries == send_event_notifications.max_retries + 1
    assert Notification.objects.filter(event=event).count() == len(colleagues)
    assert mailoutbox == []


def test_a_final_failure_is_shown_in_the_admin_and_run_again_delivers(
    submitted, settings, mailoutbox, monkeypatch, admin_client
):
    event, colleagues = submitted
    monkeypatch.setitem(celery_app.conf, "task_eager_propagates", False)
    assert send_event_notifications.apply(kwargs={"event_id": event.pk}).failed()

    failed = FailedTask.objects.get()
    assert (failed.task, failed.args, failed.kwargs) == (
        send_event_notifications.name,
        [],
        {"event_id": event.pk},
    )
    assert failed.tries == send_event_notifications.max_retries + 1
    assert "SMTPServerDisconnected" in failed.exception
    changelist = reverse("admin:articles_failedtask_changelist")
    page = admin_client.get(changelist)
    assert send_event_notifications.name in page.content.decode()
    assert delivery_report()["failed_tasks"] == 1

    settings.MAILERS = WORKING
    admin_client.post(
        changelist, {"action": "run_again", "_selected_action": [failed.pk]}, follow=True
    )
    assert sorted(m.to[0] for m in mailoutbox) == sorted(c.email for c in colleagues)
    failed.refresh_from_db()
    assert failed.rerun_at is not None
    assert delivery_report()["failed_tasks"] == 0
    assert FailedTask.objects.count() == 1  # the second run did not fail


def test_smtp_dropping_mid_round_the_task_retries_and_e_mails_each_once(
    submitted, settings, mailoutbox, monkeypatch
):
    event, colleagues = submitted
    monkeypatch.setitem(celery_app.conf, "task_eager_propagates", False)
    settings.MAILERS = {"default": {"BACKEND": "tests.smtp_down.FlakyEmailBackend"}}
    # The first e-mail goes, then the server hangs up twice, then it delivers again.
    monkeypatch.setattr(FlakyEmailBackend, "refused", {2, 3})
    monkeypatch.setattr(FlakyEmailBackend, "sends", 0)

    result = send_event_notifications.apply(kwargs={"event_id": event.pk})

    assert result.successful()
    assert FlakyEmailBackend.sends == 5  # 3 e-mails and 2 refused tries, none sent twice
    assert sorted(m.to[0] for m in mailoutbox) == sorted(c.email for c in colleagues)
    assert not FailedTask.objects.exists()
