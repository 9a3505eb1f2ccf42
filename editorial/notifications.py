"""Who hears of a workflow event, and delivery to the inbox and by e-mail (idempotent)."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from editorial.models import EDITORS_GROUP, AuditEvent, Notification, ReviewAssignment, User

ACTION_SUBJECTS = {
    "submit": "submitted for review",
    "assign-reviewer": "you are invited to review",
    "decision": "a reviewer approved",
    "approve": "approved",
    "request-changes": "changes requested",
    "withdraw": "withdrawn from review",
    "publish": "published",
}


def event_recipients(*, event: AuditEvent) -> QuerySet[User]:
    """The people told of an event: never its actor, never an inactive account."""
    revision = event.revision
    ids: set[int] = set()
    if event.action == "submit":
        ids |= set(User.objects.filter(groups__name=EDITORS_GROUP).values_list("pk", flat=True))
    elif event.action == "assign-reviewer" and event.subject_user_id:
        ids.add(event.subject_user_id)
    elif event.action == "withdraw" and revision is not None:
        ids |= set(
            ReviewAssignment.objects.filter(revision=revision).values_list("reviewer", flat=True)
        )
    elif revision is not None:
        ids |= {pk for pk in (revision.author_id, revision.last_edited_by_id) if pk is not None}
    ids.discard(event.actor_id)
    return User.objects.filter(pk__in=ids, is_active=True).order_by("pk")


def notifications_send_for_event(*, event_id: int) -> int:
    """Create the inbox entries of an event and e-mail each recipient once; return e-mails sent.

    Safe to run again: a recipient already e-mailed is skipped.
    """
    event = AuditEvent.objects.select_related("article", "revision", "actor").get(pk=event_id)
    subject = (
        f"[Imprimatur] {event.article.title}: {ACTION_SUBJECTS.get(event.action, event.action)}"
    )
    link = settings.SITE_URL + reverse("editorial:article", kwargs={"pk": event.article_id})
    body = (
        f"{event.actor} — {event.action.replace('-', ' ')}"
        f"{f' (revision {event.revision.number})' if event.revision else ''}.\n\n"
        f"{event.note}\n\nOpen the article: {link}\n"
    )
    sent = 0
    for recipient in event_recipients(event=event):
        with transaction.atomic():
            notification, _ = Notification.objects.get_or_create(recipient=recipient, event=event)
            notification = Notification.objects.select_for_update().get(pk=notification.pk)
            if notification.emailed_at is not None or not recipient.email:
                continue
            send_mail(subject, body, None, [recipient.email])
            notification.emailed_at = timezone.now()
            notification.save(update_fields=["emailed_at"])
            sent += 1
    return sent
