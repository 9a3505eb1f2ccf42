"""Who hears of a workflow event, and delivery to the inbox and by e-mail (idempotent)."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from editorial import permissions
from editorial.models import (
    EDITORS_GROUP,
    AuditEvent,
    Notification,
    ReviewAssignment,
    ReviewComment,
    User,
)

ACTION_SUBJECTS = {
    "submit": "submitted for review",
    "assign-reviewer": "you are invited to review",
    "accept": "a reviewer accepted",
    "decline": "a reviewer declined",
    "remove-reviewer": "you were removed as a reviewer",
    "decision": "a reviewer made a decision",
    "approve": "approved",
    "request-changes": "changes requested",
    "withdraw": "withdrawn from review",
    "publish": "published",
    "unpublish": "unpublished",
    "comment": "a new comment",
    "reply": "a reply in your thread",
    "resolve": "your comment was resolved",
    "reopen": "your comment was reopened",
    "reminder": "your review is due soon",
    "overdue": "your review is overdue",
    "overdue-editors": "a review is a week overdue",
    "re-review": "re-review opened",
    "re-review-blocked": "a re-review could not be submitted",
    "reference-changed": "a cited reference changed",
}
# Events that concern only the people named here; never e-mailed to anyone else.
SILENT = {"declare-interests"}


def _editors() -> set[int]:
    return set(User.objects.filter(groups__name=EDITORS_GROUP).values_list("pk", flat=True))


def _thread_people(comment: ReviewComment) -> set[int]:
    root = comment.parent or comment
    return {root.author_id, *root.replies.values_list("author_id", flat=True)}


def event_recipients(*, event: AuditEvent) -> QuerySet[User]:
    """The people told of an event: never its actor, never an inactive account."""
    revision = event.revision
    action = event.action
    ids: set[int] = set()
    text_owners = (
        {pk for pk in (revision.author_id, revision.last_edited_by_id) if pk is not None}
        if revision is not None
        else set()
    )
    active_reviewers = (
        set(
            ReviewAssignment.objects.filter(
                revision=revision, state__in=ReviewAssignment.ACTIVE_STATES
            ).values_list("reviewer", flat=True)
        )
        if revision is not None
        else set()
    )
    if action in SILENT:
        pass
    elif action in (
        "submit",
        "overdue-editors",
        "re-review",
        "re-review-blocked",
        "reference-changed",
    ):
        ids |= _editors()
    elif action in (
        "assign-reviewer",
        "accept",
        "decline",
        "remove-reviewer",
        "reminder",
        "overdue",
    ):
        ids |= {event.subject_user_id} if event.subject_user_id else set()
    elif action == "withdraw":
        ids |= active_reviewers
    elif action == "reply" and event.comment is not None:
        ids |= _thread_people(event.comment)
    elif action in ("resolve", "reopen") and event.comment is not None:
        ids.add(event.comment.author_id)
    elif action in ("approve", "request-changes"):
        ids |= text_owners | active_reviewers
    elif action in ("publish", "unpublish"):
        ids |= text_owners  # the editors who wrote and last edited the revision
    else:  # decision, comment
        ids |= text_owners
    ids.discard(event.actor_id)  # type: ignore[arg-type]
    return User.objects.filter(pk__in=ids, is_active=True).order_by("pk")


def notification_link(*, event: AuditEvent, recipient: User) -> str:
    """The page the recipient acts on: the review page of the revision if they may read it,
    else the article's page (editors) or their inbox."""
    revision = event.revision
    if event.action == "reference-changed" and permissions.can_edit.test(recipient):
        # Where the flag is, with the button that starts the draft to update the citation.
        path = reverse("editorial:article", kwargs={"pk": event.article_id})
    elif revision is not None and permissions.can_view_revision.test(recipient, revision):
        path = reverse("editorial:review", kwargs={"pk": revision.pk})
    elif permissions.can_view_article.test(recipient, event.article):
        path = reverse("editorial:article", kwargs={"pk": event.article_id})
    else:
        path = reverse("editorial:inbox")
    if event.comment_id:
        path += f"#comment-{event.comment_id}"
    return settings.SITE_URL + path


def notifications_send_for_event(*, event_id: int) -> int:
    """Create the inbox entries of an event and e-mail each recipient once (text and HTML);
    return the e-mails sent. Safe to run again: a recipient already e-mailed is skipped."""
    event = AuditEvent.objects.select_related(
        "article", "revision", "actor", "subject_user", "comment__parent"
    ).get(pk=event_id)
    what = ACTION_SUBJECTS.get(event.action, event.action.replace("-", " "))
    subject = f"[Imprimatur] {event.article.title}: {what}"
    sent = 0
    for recipient in event_recipients(event=event):
        with transaction.atomic():
            notification, _ = Notification.objects.get_or_create(recipient=recipient, event=event)
            notification = Notification.objects.select_for_update().get(pk=notification.pk)
            if notification.emailed_at is not None or not recipient.email:
                continue
            context = {
                "event": event,
                "what": what,
                "recipient": recipient,
                "link": notification_link(event=event, recipient=recipient),
            }
            message = EmailMultiAlternatives(
                subject,
                render_to_string("editorial/email/notification.txt", context),
                None,
                [recipient.email],
            )
            message.attach_alternative(
                render_to_string("editorial/email/notification.html", context), "text/html"
            )
            message.send()
            notification.emailed_at = timezone.now()
            notification.save(update_fields=["emailed_at"])
            sent += 1
    return sent


def notification_mark_read(*, notification: Notification, actor: User) -> Notification:
    """Mark one inbox entry of the actor's as read (idempotent)."""
    if notification.recipient_id == actor.pk and notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification
