"""SMTP away for long: the inbox never waits for it, and each e-mail goes once when it is back."""

from smtplib import SMTPServerDisconnected

import pytest

from editorial import workflow
from editorial.models import AuditEvent, Notification
from editorial.notifications import notifications_send_for_event
from tests.factories import EditorFactory, RevisionFactory
from tests.smtp_down import REFUSING, WORKING


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
