"""Starting a new draft from an earlier revision (a revert): one guard and one atomic action.

A revert is a new revision carrying the older text; no revision, review or audit event that
exists changes, so the history stays whole. The workspace and the API call these.
"""

from django.db import transaction

from articles.errors import Reason, ReasonKind, refuse_if
from articles.models import Article, ReviewStatus, Revision
from articles.selectors import revision_newest
from articles.services import revision_create_draft
from editorial import permissions
from editorial.audit import record_event
from editorial.events import AuditAction
from editorial.models import User

RESTORE_FORBIDDEN = "Only editors may start a new draft."
DRAFT_OPEN = (
    "Revision {number} is a draft that is still open: a new draft can start only once it is "
    "submitted."
)
DRAFT_OPEN_REMEDY = "Submit revision {number}, or copy the text you want into it in the editor."
RESTORED_SUMMARY = "Restored the text of revision {number}"
RESTORED_NOTE = "A copy of the text of revision {number}: no revision has changed."


def revision_restore_blockers(
    *, source: Revision, actor: User, newest: Revision | None = None
) -> list[Reason]:
    """Why `actor` may not start a new draft from `source` now (empty: they may): only
    editors, and never while the article has a draft open. `newest`: the article's newest
    revision, when the caller has read it (else one query)."""
    if not permissions.can_edit.test(actor):
        return [Reason("forbidden", RESTORE_FORBIDDEN, kind=ReasonKind.PERMISSION)]
    newest = newest or revision_newest(article=source.article_id)
    if newest is not None and newest.is_editable:
        return [
            Reason(
                "draft-open",
                DRAFT_OPEN.format(number=newest.number),
                DRAFT_OPEN_REMEDY.format(number=newest.number),
            )
        ]
    return []


def revision_restore(*, source: Revision, actor: User, change_summary: str = "") -> Revision:
    """Start a new draft of `source`'s article with `source`'s bodies, and record it.

    Raises Forbidden (not an editor) or Conflict (a draft is open, naming it).
    """
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=source.article_id)
        source = Revision.objects.select_related("article").get(pk=source.pk)
        refuse_if(revision_restore_blockers(source=source, actor=actor))
        summary = change_summary.strip() or RESTORED_SUMMARY.format(number=source.number)
        draft = revision_create_draft(
            article=article, author=actor, change_summary=summary, source=source
        )
        draft.article = article
        record_event(
            revision=draft,
            actor=actor,
            action=AuditAction.RESTORE,
            # A new draft: no status changed, so the trail shows no arrow.
            from_status=ReviewStatus.DRAFT,
            note=RESTORED_NOTE.format(number=source.number),
        )
    return draft
