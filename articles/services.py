"""Writes to content: articles, draft revisions and their audience bodies.

Callers check permission first (see editorial.permissions); these keep the content invariants.
"""

from django.db import transaction
from django.db.models import Max

from articles.models import (
    REVISION_LOCKED,
    Article,
    AudienceBody,
    AudienceLevel,
    Reference,
    Revision,
    RevisionCitation,
)
from articles.references.citations import citation_keys

DRAFT_EXISTS = "Revision {number} is already a draft: edit it instead of starting another."
UNKNOWN_CITATIONS = "Unknown reference keys: {keys}. Add them to the library or fix the markers."


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
        texts = {audience: text.replace("\r\n", "\n").strip() for audience, text in bodies.items()}
        _check_citations(citation_keys("\n\n".join(texts.values())))
        existing = {body.audience_id: body for body in revision.bodies.all()}
        for audience, text in texts.items():
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


def _check_citations(keys: list[str]) -> dict[str, Reference]:
    """The cited references by key; raises ContentError naming every unknown key."""
    found = {
        reference.key: reference
        for reference in Reference.objects.filter(
            key__in=keys, current_version__isnull=False
        ).select_related("current_version")
    }
    unknown = [key for key in keys if key not in found]
    if unknown:
        raise ContentError(UNKNOWN_CITATIONS.format(keys=", ".join(unknown)))
    return found


def revision_pin_citations(*, revision: Revision) -> list[RevisionCitation]:
    """Pin every reference the revision's bodies cite to its current version, once.

    Called when a revision is submitted; its text is frozen from then on, so a later
    resubmission keeps the first pins. Order is first appearance, canonical body first.
    Raises ContentError naming every unknown key.
    """
    with transaction.atomic():
        pinned = list(revision.citations.order_by("order"))
        if pinned:
            return pinned
        bodies = sorted(
            revision.bodies.select_related("audience"),
            key=lambda b: (not b.audience.is_canonical, b.audience.order, b.audience.pk),
        )
        keys = list(dict.fromkeys(k for body in bodies for k in citation_keys(body.body)))
        found = _check_citations(keys)
        return RevisionCitation.objects.bulk_create(
            RevisionCitation(
                revision=revision,
                reference=found[key],
                version=found[key].current_version,
                order=order,
            )
            for order, key in enumerate(keys, start=1)
        )
