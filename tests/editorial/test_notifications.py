"""Notifications: sent only after commit, to the people concerned, never twice."""

import pytest
from django.db import transaction
from django.urls import reverse

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
    assert callbacks
    assert mailoutbox == []
    for callback in callbacks:  # the commit: the page is retired, the outbox sent
        callback()
    assert [m.to for m in mailoutbox] == [[reviewer.email]]
    assert f"/editorial/revisions/{revision.pk}/review/" in mailoutbox[0].body


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


def test_accept_and_decline_tell_the_inviting_editor_with_text_and_html(
    editor, reviewer, second_reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    from editorial import review

    revision = workflow.revision_submit(revision=RevisionFactory(author=editor), actor=editor)
    first = workflow.revision_assign_reviewer(revision=revision, actor=editor, reviewer=reviewer)
    second = workflow.revision_assign_reviewer(
        revision=revision, actor=editor, reviewer=second_reviewer
    )
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        review.assignment_accept(assignment=first, actor=reviewer)
        review.assignment_decline(assignment=second, actor=second_reviewer, reason="Away")

    assert [(m.to, m.subject.rsplit(": ", 1)[1]) for m in mailoutbox] == [
        ([editor.email], "a reviewer accepted"),
        ([editor.email], "a reviewer declined"),
    ]
    html, mimetype = mailoutbox[1].alternatives[0]
    assert mimetype == "text/html"
    assert f"/editorial/revisions/{revision.pk}/review/" in html
    assert "Away" in html


def test_a_reply_tells_the_thread_once_and_only_after_commit(
    editor, reviewer, second_reviewer, reach, mailoutbox, django_capture_on_commit_callbacks
):
    from articles.models import AudienceLevel
    from editorial import comments

    revision = reach(
        RevisionFactory(author=editor, canonical_body="Ice helps."),
        "under_review",
        editor=editor,
        reviewers=[reviewer, second_reviewer],
    )
    thread = comments.comment_create(
        revision=revision,
        actor=reviewer,
        audience=AudienceLevel.objects.get(is_canonical=True),
        quoted_text="Ice",
        offset=0,
        body="Evidence?",
    )
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        comments.comment_reply(parent=thread, actor=second_reviewer, body="Agreed")
    assert mailoutbox == []
    for callback in callbacks:
        callback()
    assert [m.to for m in mailoutbox] == [[reviewer.email]]
    assert f"#comment-{thread.pk}" in mailoutbox[0].body
    event = AuditEvent.objects.get(action="reply")
    assert notifications_send_for_event(event_id=event.pk) == 0
    assert len(mailoutbox) == 1
    assert Notification.objects.filter(event=event).count() == 1


def test_a_removed_or_declined_reviewer_hears_no_more_of_their_threads(
    editor, reviewer, second_reviewer, reach
):
    from articles.models import AudienceLevel
    from editorial import comments, review
    from editorial.notifications import event_recipients

    revision = reach(
        RevisionFactory(author=editor, canonical_body="Ice helps. Rest helps."),
        "under_review",
        editor=editor,
        reviewers=[reviewer, second_reviewer],
    )
    canonical = AudienceLevel.objects.get(is_canonical=True)
    threads = [
        comments.comment_create(
            revision=revision, actor=who, audience=canonical, quoted_text=quote, body="Source?"
        )
        for who, quote in ((reviewer, "Ice helps."), (second_reviewer, "Rest helps."))
    ]
    for thread in threads:  # each reviewer joins the other's thread
        other = second_reviewer if thread.author == reviewer else reviewer
        comments.comment_reply(parent=thread, actor=other, body="Agreed")

    review.assignment_remove(assignment=revision.assignments.get(reviewer=reviewer), actor=editor)
    review.assignment_decline(
        assignment=revision.assignments.get(reviewer=second_reviewer),
        actor=second_reviewer,
        reason="Away until March",
    )
    for thread in threads:
        comments.comment_reply(parent=thread, actor=editor, body="Fixed in the text.")
        comments.comment_resolve(comment=thread, actor=editor)
    for event in AuditEvent.objects.filter(action__in=["reply", "resolve"], actor=editor):
        assert list(event_recipients(event=event)) == [], event.sentence
    assert not Notification.objects.filter(
        recipient__in=[reviewer, second_reviewer], event__actor=editor, event__action="reply"
    ).exists()


def _invited_unsent(editor, reviewer, capture):  # type: ignore[no-untyped-def]
    """The reviewer invited, nothing after the commit run yet (the broker, the worker or SMTP
    away): the invitation's event and the callbacks its commit left."""
    revision = workflow.revision_submit(revision=RevisionFactory(author=editor), actor=editor)
    with capture(execute=False) as after_commit:
        workflow.revision_assign_reviewer(revision=revision, actor=editor, reviewer=reviewer)
    return AuditEvent.objects.get(action="assign-reviewer"), after_commit


def test_the_inbox_entry_is_there_when_the_action_commits_before_any_e_mail(
    client, editor, reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    event, after_commit = _invited_unsent(editor, reviewer, django_capture_on_commit_callbacks)
    client.force_login(reviewer)
    inbox = client.get(reverse("editorial:inbox")).content.decode()
    assert event.sentence in inbox
    assert Notification.objects.get(event=event).emailed_at is None
    assert mailoutbox == []

    for callback in after_commit:  # they are back: the e-mail follows, once
        callback()
    assert notifications_send_for_event(event_id=event.pk) == 0
    assert [m.to for m in mailoutbox] == [[reviewer.email]]
    assert Notification.objects.get(event=event).emailed_at is not None


def test_who_is_told_is_who_was_concerned_when_it_happened(
    reach, draft, editor, reviewer, second_reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    from editorial import review

    revision = reach(draft, "changes_requested", editor=editor, reviewers=[reviewer])
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=False) as submission_sent:
        workflow.revision_submit(revision=revision, actor=editor)  # back to its reviewer
    revision.refresh_from_db()
    # Before its e-mails go, the editor invites another board member and removes the first.
    with django_capture_on_commit_callbacks(execute=False):
        workflow.revision_assign_reviewer(revision=revision, actor=editor, reviewer=second_reviewer)
        review.assignment_remove(
            assignment=revision.assignments.get(reviewer=reviewer), actor=editor
        )
    for callback in submission_sent:
        callback()

    submission = AuditEvent.objects.get(action="submit", to_status="under_review")
    assert [n.recipient for n in Notification.objects.filter(event=submission)] == [reviewer]
    assert [(m.to, m.subject) for m in mailoutbox] == [
        ([reviewer.email], f"[Imprimatur] {revision.article.title}: submitted for review")
    ]


def test_an_event_recorded_before_its_entries_were_made_with_it_is_told_when_sent(
    editor, reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    event, _ = _invited_unsent(editor, reviewer, django_capture_on_commit_callbacks)
    # As migration 0015 leaves an event recorded before it whose notices were still owed.
    Notification.objects.filter(event=event).delete()
    AuditEvent.objects.filter(pk=event.pk).update(recipients_recorded=False)

    assert notifications_send_for_event(event_id=event.pk) == 1
    assert [m.to for m in mailoutbox] == [[reviewer.email]]
    assert Notification.objects.get(event=event).recipient == reviewer
    assert notifications_send_for_event(event_id=event.pk) == 0


def test_a_deactivated_account_is_not_e_mailed(
    editor, reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    event, _ = _invited_unsent(editor, reviewer, django_capture_on_commit_callbacks)
    reviewer.is_active = False
    reviewer.save(update_fields=["is_active"])
    assert notifications_send_for_event(event_id=event.pk) == 0
    assert mailoutbox == []
