"""Who hears of a workflow event, and delivery to the inbox and by e-mail (idempotent).

Who is told is decided when the event happens: its inbox entries are made in its transaction
(`notifications_record`, from editorial.audit), so they are there once the action commits,
whether or not the broker, the worker or SMTP are, and a reviewer invited or removed before the
e-mails go does not change who gets them. The e-mails follow through the outbox."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from articles.models import Revision
from articles.plain_input import single_line
from editorial import permissions
from editorial.events import AuditAction, Told
from editorial.models import (
    EDITORS_GROUP,
    AuditEvent,
    Notification,
    ReviewAssignment,
    ReviewComment,
    User,
)


def _editors() -> set[int]:
    return set(User.objects.filter(groups__name=EDITORS_GROUP).values_list("pk", flat=True))


def _thread_people(comment: ReviewComment) -> set[int]:
    root = comment.parent or comment
    return {root.author_id, *root.replies.values_list("author_id", flat=True)}


def _active_reviewers(revision: Revision) -> set[int]:
    return set(
        ReviewAssignment.objects.filter(
            revision=revision, state__in=ReviewAssignment.ACTIVE_STATES
        ).values_list("reviewer", flat=True)
    )


def event_recipients(*, event: AuditEvent) -> QuerySet[User]:
    """The people told of an event, by its type's rule (editorial.events): never its actor,
    never an inactive account. A thread's news goes only to those who may still read the
    revision (editors, its active reviewers): a removed or declined reviewer hears no more."""
    revision = event.revision
    ids: set[int] = set()
    readers: set[int] | None = None  # editors and active reviewers, asked once if needed
    for told in AuditAction(event.action).type.told:
        if told == Told.EDITORS:
            ids |= _editors()
        elif told == Told.SUBJECT and event.subject_user_id:
            ids.add(event.subject_user_id)
        elif told == Told.REVIEWERS and revision is not None:
            ids |= _active_reviewers(revision)
        elif told == Told.TEXT_OWNERS and revision is not None:
            ids |= {pk for pk in (revision.author_id, revision.last_edited_by_id) if pk}
        elif told in (Told.THREAD, Told.COMMENT_AUTHOR) and event.comment is not None:
            people = (
                _thread_people(event.comment) if told == Told.THREAD else {event.comment.author_id}
            )
            if revision is not None:
                if readers is None:
                    readers = _editors() | _active_reviewers(revision)
                people &= readers
            ids |= people
    ids.discard(event.actor_id)  # type: ignore[arg-type]
    return User.objects.filter(pk__in=ids, is_active=True).order_by("pk")


def notifications_record(*, event: AuditEvent) -> int:
    """Make the inbox entries of an event, in its transaction, for the people its type's rule
    tells (event_recipients); returns how many. Safe to run again."""
    entries = Notification.objects.bulk_create(
        [
            Notification(recipient_id=pk, event=event)
            for pk in event_recipients(event=event).values_list("pk", flat=True)
        ],
        ignore_conflicts=True,  # an event recorded before 0015, its entries made by an earlier try
    )
    return len(entries)


def notification_link(*, event: AuditEvent, recipient: User) -> str:
    """notification_path as an absolute address (SITE_URL), for e-mails."""
    return settings.SITE_URL + notification_path(event=event, recipient=recipient)


def notification_path(*, event: AuditEvent, recipient: User) -> str:
    """The page the recipient acts on: the review page of the revision if they may read it,
    else the article's page (editors) or their inbox."""
    revision = event.revision
    if event.action == AuditAction.REFERENCE_CHANGED and permissions.can_edit.test(recipient):
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
    return path


def notifications_send_for_event(*, event_id: int) -> int:
    """E-mail each person told of an event (its inbox entries) not yet e-mailed, text and
    HTML; return the e-mails sent. The entries were committed with the event, so SMTP being
    away never keeps them back; it raises the SMTP error (OSError) for the task to retry. Safe
    to run again: a recipient already e-mailed is skipped. A deactivated account is not
    e-mailed."""
    event = AuditEvent.objects.select_related(
        "article", "revision", "actor", "subject_user", "comment__parent"
    ).get(pk=event_id)
    if not event.recipients_recorded:  # recorded before migration 0015: told by now's rule
        with transaction.atomic():
            notifications_record(event=event)
    recipients = list(
        User.objects.filter(
            notifications__event=event, notifications__emailed_at__isnull=True, is_active=True
        )
        .exclude(email="")
        .order_by("pk")
    )
    what = AuditAction(event.action).type.subject
    # A header is one line: a line break in it makes Django refuse the whole message.
    subject = single_line(f"[Imprimatur] {event.article.title}: {what}")
    sent = 0
    for recipient in recipients:
        with transaction.atomic():
            # Locked while sending: a second run at the same time waits, then sees it e-mailed.
            notification = (
                Notification.objects.select_for_update()
                .filter(recipient=recipient, event=event, emailed_at__isnull=True)
                .first()
            )
            if notification is None:
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


def notifications_mark_all_read(*, actor: User) -> int:
    """Mark every unread inbox entry of the actor's as read; returns how many."""
    return Notification.objects.filter(recipient=actor, read_at__isnull=True).update(
        read_at=timezone.now()
    )
