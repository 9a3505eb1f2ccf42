"""Comments on quoted passages of a revision's audience bodies: threads, resolve, reopen, and
carrying open threads to the next revision when it is submitted, if their passage remains."""

from django.db import transaction
from django.utils import timezone

from articles.errors import InvalidInput, Reason, ReasonKind, refuse_if
from articles.models import AudienceLevel, Revision
from editorial import permissions
from editorial.anchoring import passage_find, passage_normalise, revision_body_text
from editorial.audit import record_event
from editorial.events import AuditAction
from editorial.models import ReviewComment, User
from editorial.workflow import lock_revision

COMMENT_FORBIDDEN = "You may not comment on this revision."
RESOLVE_FORBIDDEN = "Only an editor or the comment's author may resolve or reopen it."
TEXT_REQUIRED = "Write the comment: text is required."
NO_BODY = "This revision has no {audience} version."
QUOTE_NOT_FOUND = "The quoted passage is not in the {audience} version as readers read it."
REPLY_TO_THREAD = "Reply to the thread's first comment."
ALREADY_RESOLVED = "The comment is already resolved."
NOT_RESOLVED = "The comment is open already."


def comment_create_blockers(*, revision: Revision, actor: User) -> list[Reason]:
    """Why `actor` may not comment on (or reply in) this revision: editors and its accepted
    reviewers may."""
    if permissions.can_comment.test(actor, revision):
        return []
    return [Reason("forbidden", COMMENT_FORBIDDEN, kind=ReasonKind.PERMISSION)]


def comment_resolve_blockers(
    *, comment: ReviewComment, actor: User, resolved: bool = True
) -> list[Reason]:
    """Why `actor` may not resolve (`resolved`) or reopen this thread now."""
    if not permissions.can_resolve_comment.test(actor, comment):
        return [Reason("forbidden", RESOLVE_FORBIDDEN, kind=ReasonKind.PERMISSION)]
    if comment.parent_id is not None:
        return [Reason("reply", REPLY_TO_THREAD, kind=ReasonKind.INPUT)]
    if resolved == comment.is_resolved:
        message = ALREADY_RESOLVED if resolved else NOT_RESOLVED
        return [Reason("resolved" if resolved else "open", message, kind=ReasonKind.STATE)]
    return []


def comment_create(
    *,
    revision: Revision,
    actor: User,
    audience: AudienceLevel,
    quoted_text: str,
    body: str,
    offset: int | None = None,
    severity: str = ReviewComment.Severity.NOTE,
) -> ReviewComment:
    """Start a thread on `quoted_text`, a passage of the audience body as readers read it (the
    rendered text: formatting and whitespace do not matter), at its occurrence nearest `offset`
    in that plain text (editorial.anchoring). The quote is stored whitespace-collapsed.

    Raises ActionForbidden, or InvalidInput when the text or the passage is missing.
    """
    body = (body or "").strip()
    with transaction.atomic():
        revision = lock_revision(revision)
        refuse_if(comment_create_blockers(revision=revision, actor=actor))
        if not body:
            raise InvalidInput(TEXT_REQUIRED)
        if severity not in ReviewComment.Severity.values:
            raise InvalidInput(f"Severity: {', '.join(ReviewComment.Severity.values)}.")
        text = revision_body_text(revision=revision, audience=audience)
        if text is None:
            raise InvalidInput(NO_BODY.format(audience=audience.label))
        quoted_text = passage_normalise(quoted_text or "")
        position = passage_find(text=text, quote=quoted_text, offset=offset)
        if position is None:
            raise InvalidInput(QUOTE_NOT_FOUND.format(audience=audience.label))
        comment = ReviewComment.objects.create(
            revision=revision,
            first_revision=revision,
            audience=audience,
            quoted_text=quoted_text,
            offset=position,
            author=actor,
            body=body,
            severity=severity,
        )
        record_event(
            revision=revision,
            actor=actor,
            action=AuditAction.COMMENT,
            from_status=revision.status,
            note=f"{comment.label}: {body}",
            comment=comment,
        )
    return comment


def comment_reply(*, parent: ReviewComment, actor: User, body: str) -> ReviewComment:
    """Reply in a thread. Raises ActionForbidden or InvalidInput."""
    body = (body or "").strip()
    with transaction.atomic():
        revision = lock_revision(parent.revision)
        parent = ReviewComment.objects.select_related("author").get(pk=parent.pk)
        refuse_if(comment_create_blockers(revision=revision, actor=actor))
        if parent.parent_id is not None:
            raise InvalidInput(REPLY_TO_THREAD)
        if not body:
            raise InvalidInput(TEXT_REQUIRED)
        reply = ReviewComment.objects.create(
            revision=parent.revision,
            first_revision=parent.revision,
            parent=parent,
            audience_id=parent.audience_id,
            quoted_text=parent.quoted_text,
            offset=parent.offset,
            author=actor,
            body=body,
            severity=ReviewComment.Severity.NOTE,
        )
        record_event(
            revision=revision,
            actor=actor,
            action=AuditAction.REPLY,
            from_status=revision.status,
            note=body,
            comment=parent,
        )
    return reply


def _set_resolved(*, comment: ReviewComment, actor: User, resolved: bool) -> ReviewComment:
    with transaction.atomic():
        revision = lock_revision(comment.revision)
        comment = ReviewComment.objects.select_for_update().get(pk=comment.pk)
        refuse_if(comment_resolve_blockers(comment=comment, actor=actor, resolved=resolved))
        comment.resolved_at = timezone.now() if resolved else None
        comment.resolved_by = actor if resolved else None
        comment.save(update_fields=["resolved_at", "resolved_by"])
        comment.author = User.objects.get(pk=comment.author_id)
        record_event(
            revision=revision,
            actor=actor,
            action=AuditAction.RESOLVE if resolved else AuditAction.REOPEN,
            from_status=revision.status,
            note=comment.label,
            comment=comment,
        )
    return comment


def comment_resolve(*, comment: ReviewComment, actor: User) -> ReviewComment:
    """Mark a thread resolved (by an editor or its author). Raises ActionForbidden/GuardFailed."""
    return _set_resolved(comment=comment, actor=actor, resolved=True)


def comment_reopen(*, comment: ReviewComment, actor: User) -> ReviewComment:
    """Reopen a resolved thread. Raises ActionForbidden or GuardFailed."""
    return _set_resolved(comment=comment, actor=actor, resolved=False)
