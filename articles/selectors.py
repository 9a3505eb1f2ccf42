"""Reads of content for the public side: only what has been published."""

from django.db.models import OuterRef, QuerySet, Subquery

from articles.models import Article, AudienceBody, AudienceLevel, Revision


def articles_with_status() -> QuerySet[Article]:
    """Articles annotated with `status`, `latest_number`, `latest_pk` of the newest revision."""
    newest = Revision.objects.filter(article=OuterRef("pk")).order_by("-number")
    return Article.objects.annotate(
        status=Subquery(newest.values("status")[:1]),
        latest_number=Subquery(newest.values("number")[:1]),
        latest_pk=Subquery(newest.values("pk")[:1]),
    )


def article_published_get(*, slug: str) -> Article:
    """The published article with its published revision; raises Article.DoesNotExist."""
    return Article.objects.select_related("published_revision").get(
        slug=slug, published_revision__isnull=False
    )


def articles_published() -> QuerySet[Article]:
    return Article.objects.filter(published_revision__isnull=False).select_related(
        "published_revision"
    )


def canonical_audience() -> AudienceLevel:
    return AudienceLevel.objects.get(is_canonical=True)


def revision_body_for(*, revision: Revision, audience: AudienceLevel) -> AudienceBody | None:
    """The body for this audience, or the canonical one when that audience has none."""
    bodies = {b.audience_id: b for b in revision.bodies.select_related("audience")}
    if audience.pk in bodies:
        return bodies[audience.pk]
    return next((b for b in bodies.values() if b.audience.is_canonical), None)
