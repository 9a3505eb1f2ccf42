"""The registry of what can happen: each action has its label, sentence, e-mail subject and
recipient rule; readers of the audit trail, the inbox and the e-mails read sentences, never
slugs."""

import re
from html import unescape

import pytest
from django.core import mail
from django.urls import reverse

from editorial.events import EVENT_TYPES, AuditAction, Told, event_sentence
from editorial.models import AuditEvent, Notification
from editorial.notifications import notifications_record, notifications_send_for_event
from tests.factories import RevisionFactory


@pytest.mark.parametrize("action", list(AuditAction))
def test_every_action_has_label_sentence_subject_and_recipient_rule(action):
    event_type = EVENT_TYPES[action]
    assert event_type.label.strip()
    assert event_type.subject.strip()
    assert event_type.told
    assert all(isinstance(rule, Told) for rule in event_type.told)
    assert "{actor}" in event_type.sentence
    assert "{number}" in event_type.sentence
    sentence = event_sentence(action, actor="Rhea Reviewer", subject="Ravi Second", number=2)
    assert "{" not in sentence
    assert "revision 2" in sentence
    # "Told nobody" stands alone.
    assert Told.NOBODY not in event_type.told or event_type.told == (Told.NOBODY,)


def test_the_model_offers_exactly_the_registered_actions():
    field = AuditEvent._meta.get_field("action")
    assert [value for value, _ in field.choices] == [a.value for a in AuditAction]
    assert set(EVENT_TYPES) == set(AuditAction)


def _visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", " ", html))


def test_history_inbox_and_email_read_sentences_not_slugs(client, editor, reviewer):
    revision = RevisionFactory(author=editor, last_edited_by=editor, number=1)
    for action in AuditAction:
        AuditEvent.objects.create(
            article=revision.article,
            revision=revision,
            actor=None if action == AuditAction.OVERDUE_EDITORS else reviewer,
            subject_user=reviewer,
            action=action,
            note="",
        )
    event = AuditEvent.objects.get(action=AuditAction.OVERDUE_EDITORS)
    notifications_record(event=event)  # editors hear of it, as record_event has them told
    notifications_send_for_event(event_id=event.pk)

    client.force_login(editor)
    history = _visible_text(
        client.get(reverse("editorial:history", args=[revision.article_id])).text
    )
    inbox = _visible_text(client.get(reverse("editorial:inbox")).text)
    email = mail.outbox[-1]

    expected = (
        "Imprimatur told the editors that Rhea Reviewer's review of revision 1 is a week overdue"
    )
    assert expected in history
    assert expected in inbox
    assert expected in email.body
    assert email.subject.endswith(": a review is a week overdue")
    assert Notification.objects.filter(event=event, recipient=editor).exists()
    # Every event reads as its sentence; no slug that is not also English shows.
    for action in AuditAction:
        actor = None if action == AuditAction.OVERDUE_EDITORS else reviewer
        assert event_sentence(action, actor=actor, subject=reviewer, number=1) in history
    slugs = [a.value for a in AuditAction if "-" in a.value and a != AuditAction.REREVIEW]
    for slug in slugs:
        assert not re.search(rf"(?<![\w-]){re.escape(slug)}(?![\w-])", history), slug
        assert not re.search(rf"(?<![\w-]){re.escape(slug)}(?![\w-])", inbox), slug
    assert "Rhea Reviewer approved revision 1" in history


def test_an_action_outside_the_registry_is_refused_by_the_model(editor):
    revision = RevisionFactory(author=editor)
    event = AuditEvent(article=revision.article, revision=revision, action="shrug")
    with pytest.raises(Exception, match="shrug"):
        event.full_clean()
