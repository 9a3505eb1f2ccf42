"""The audit trail: one event per action, written in the action's transaction with the inbox
entries of the people concerned; after commit the article's public page is retired and they are
e-mailed (through the outbox)."""

from articles.models import Revision
from articles.outbox import outbox_put
from articles.page_versions import article_page_invalidate
from editorial.events import AuditAction
from editorial.models import (
    AuditEvent,
    ReviewComment,
    User,
)
from editorial.notifications import notifications_record


def record_event(
    *,
    revision: Revision,
    actor: User | None,
    action: AuditAction,
    from_status: str,
    note: str = "",
    subject_user: User | None = None,
    comment: ReviewComment | None = None,
    to_status: str | None = None,
) -> AuditEvent:
    """Write one audit event and its inbox entries in the caller's transaction; its e-mails go
    after commit."""
    event = AuditEvent.objects.create(
        article=revision.article,
        revision=revision,
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=revision.status if to_status is None else to_status,
        note=note,
        subject_user=subject_user,
        comment=comment,
    )
    notifications_record(event=event)
    # Any event may change what the article's public page shows (status, dates, reviewers).
    article_page_invalidate(slug=revision.article.slug)
    outbox_put("audit-event.recorded", event_id=event.pk)
    return event
