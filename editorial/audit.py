"""The audit trail: one event per action, written in the action's transaction; after commit
the article's public page is retired and the people concerned are told (through the outbox)."""

from articles.models import Revision
from articles.outbox import outbox_put
from articles.page_versions import article_page_invalidate
from editorial.events import AuditAction
from editorial.models import (
    AuditEvent,
    ReviewComment,
    User,
)


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
    """Write one audit event in the caller's transaction; its notifications go after commit."""
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
    # Any event may change what the article's public page shows (status, dates, reviewers).
    article_page_invalidate(slug=revision.article.slug)
    outbox_put("audit-event.recorded", event_id=event.pk)
    return event
