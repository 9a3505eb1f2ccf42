"""Writes to content: articles, draft revisions and their audience bodies.

Callers check permission first (see editorial.permissions); these keep the content invariants.
"""

from django.db import transaction
from django.db.models import Max

from articles.models import REVISION_LOCKED, Article, AudienceBody, AudienceLevel, Revision

DRAFT_EXISTS = "Revision {number} is already a draft: edit it instead of starting another."


class ContentError(Exception):
    """A content write was refused; nothing changed."""


def article_create(*, slug: str, title: str, topic: str, author) -> Article:  # type: ignore[no-untyped-def]
    """Create an article with its first, empty draft revision."""
    with transaction.atomic():
        article = Article.objects.create(slug=slug, title=title, topic=topic)
        Revision.objects.create(article=article, number=1, author=author, last_edited_by=author)
    return article


def revision_create_draft(*, article: Article, author, change_summary: str = "") -> Revision:  # type: ignore[no-untyped-def]
    """Start a new draft from the newest revision, copying its bodies.

    Raises ContentError when the newest revision is still an editable draft.
    """
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article.pk)
        latest = article.revisions.order_by("-number").first()
        if latest is not None and latest.is_editable:
            raise ContentError(DRAFT_EXISTS.format(number=latest.number))
        number = (article.revisions.aggregate(n=Max("number"))["n"] or 0) + 1
        draft = Revision.objects.create(
            article=article,
            number=number,
            author=author,
            last_edited_by=author,
            change_summary=change_summary,
        )
        if latest is not None:
            AudienceBody.objects.bulk_create(
                AudienceBody(revision=draft, audience_id=body.audience_id, body=body.body)
                for body in latest.bodies.all()
            )
    return draft


def revision_edit(
    *,
    revision: Revision,
    editor,  # type: ignore[no-untyped-def]
    bodies: dict[AudienceLevel, str],
    change_summary: str | None = None,
) -> Revision:
    """Save the bodies (an empty text removes that audience's body) and the change summary.

    Raises ContentError when the revision was submitted.
    """
    with transaction.atomic():
        revision = Revision.objects.select_for_update().get(pk=revision.pk)
        if not revision.is_editable:
            raise ContentError(REVISION_LOCKED.format(number=revision.number))
        existing = {body.audience_id: body for body in revision.bodies.all()}
        for audience, text in bodies.items():
            text = text.replace("\r\n", "\n").strip()
            body = existing.get(audience.pk)
            if not text:
                if body is not None:
                    body.delete()
            elif body is None:
                AudienceBody.objects.create(revision=revision, audience=audience, body=text)
            elif body.body != text:
                body.body = text
                body.save(update_fields=["body", "updated_at"])
        fields = ["last_edited_by"]
        revision.last_edited_by = editor
        if change_summary is not None:
            revision.change_summary = change_summary.strip()
            fields.append("change_summary")
        revision.save(update_fields=fields)
    return revision
