"""Publication, a second axis beside the review status: the article's public pointer moves to a
revision the policy allows (publish) or off the site (unpublish); search follows it."""

from django.db import transaction
from django.utils import timezone

from articles.models import Article, Revision
from articles.search_documents import article_search_document_refresh
from articles.selectors import revision_newest
from articles.services import revision_bodies_render
from editorial.audit import record_event
from editorial.events import AuditAction
from editorial.models import (
    User,
)
from editorial.workflow.actions import (
    NO_REVISION,
    GuardFailed,
    InvalidInput,
    lock_revision,
    refuse_unless_allowed,
)
from editorial.workflow.guards import PUBLISH, UNPUBLISH, replaces_approved

REPLACE_REASON_REQUIRED = (
    "Readers see approved revision {number}: say why this one, not approved, replaces it."
)
REPLACED_NOTE = "Replaced approved revision {old} with revision {new}, not approved: {reason}"


def article_publish(*, revision: Revision, actor: User, note: str = "") -> Article:
    """Make this revision the one the public reads, if the publication policy allows its status
    (publishing the revision already published is refused: nothing would change). Putting a
    revision that is not approved over an approved one needs a reason (`note`, kept in the
    audit trail) and a role IMPRIMATUR_REPLACE_APPROVED_GROUPS names.

    Raises ActionForbidden, TransitionNotAllowed, or InvalidInput without that reason.
    """
    note = note.strip()
    with transaction.atomic():
        revision = lock_revision(revision)
        article = Article.objects.select_for_update().get(pk=revision.article_id)
        revision.article = article
        refuse_unless_allowed(PUBLISH, revision=revision, actor=actor)
        replaced = replaces_approved(revision)
        if replaced is not None and not note:
            raise InvalidInput(REPLACE_REASON_REQUIRED.format(number=replaced.number))
        _public_revision_set(article, revision)
        revision_bodies_render(revision=revision)  # only bodies not rendered yet (older data)
        if replaced is not None:
            note = REPLACED_NOTE.format(old=replaced.number, new=revision.number, reason=note)
        record_event(
            revision=revision,
            actor=actor,
            action=AuditAction.PUBLISH,
            from_status=revision.status,
            note=note or f"Published revision {revision.number}",
        )
    return article


def _public_revision_set(article: Article, revision: Revision | None) -> None:
    """Point the public page at `revision` (None: off the site), search following it."""
    article.published_revision = revision
    article.published_at = timezone.now() if revision is not None else None
    article.save(update_fields=["published_revision", "published_at", "updated_at"])
    if revision is not None and revision.published_at is None:
        # Its line in the update history (and the feeds) carries the day readers first saw it.
        revision.published_at = article.published_at
        revision.save(update_fields=["published_at"])
    article_search_document_refresh(article_id=article.pk)


def article_unpublish(*, article: Article, actor: User, note: str = "") -> Article:
    """Take the article off the public site (its revisions and their review stay as they are).

    Raises ActionForbidden, or TransitionNotAllowed (with the newest revision's status) when it
    is not published.
    """
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article.pk)
        revision = article.published_revision or revision_newest(article=article)
        if revision is None:
            raise GuardFailed(NO_REVISION)
        revision.article = article
        refuse_unless_allowed(UNPUBLISH, revision=revision, actor=actor)
        _public_revision_set(article, None)
        record_event(
            revision=revision,
            actor=actor,
            action=AuditAction.UNPUBLISH,
            from_status=revision.status,
            note=note or f"Unpublished revision {revision.number}",
        )
    return article
