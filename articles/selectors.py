"""Reads of content: published articles for the public side, body statuses for editors."""

from dataclasses import dataclass

from django.db.models import OuterRef, QuerySet, Subquery

from articles.models import Article, AudienceBody, AudienceLevel, Revision, text_hash
from articles.readability import Report, stored_scores


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


def audience_levels() -> list[AudienceLevel]:
    """Every audience level, in picker order (one query)."""
    return list(AudienceLevel.objects.all())


def audience_from_slug(levels: list[AudienceLevel], slug: str | None) -> AudienceLevel | None:
    return next((level for level in levels if level.slug == slug), None)


@dataclass(frozen=True)
class ReaderBody:
    """What a reader who chose `audience` reads: `body` is for `served`, the canonical level
    when the article has no version for `audience` (then `is_fallback`)."""

    audience: AudienceLevel
    served: AudienceLevel
    body: AudienceBody | None

    @property
    def is_fallback(self) -> bool:
        return self.served.pk != self.audience.pk


def reader_body_get(
    *, revision: Revision, audience: AudienceLevel, levels: list[AudienceLevel]
) -> ReaderBody:
    """The body of `revision` for `audience`, falling back to the canonical one (one query)."""
    canonical = next(level for level in levels if level.is_canonical)
    bodies = {
        body.audience_id: body
        for body in revision.bodies.filter(audience_id__in={audience.pk, canonical.pk})
    }
    if audience.pk in bodies:
        return ReaderBody(audience=audience, served=audience, body=bodies[audience.pk])
    return ReaderBody(audience=audience, served=canonical, body=bodies.get(canonical.pk))


@dataclass(frozen=True)
class BodyStatus:
    """A body for editors and reviewers: may it be out of date, and how readable is it."""

    body: AudienceBody
    may_be_out_of_date: bool
    readability: Report


def body_is_out_of_date(body: AudienceBody, *, canonical_text: str | None) -> bool:
    """True for a non-canonical body last written against another canonical text."""
    if body.audience.is_canonical or canonical_text is None or not body.canonical_hash:
        return False
    return body.canonical_hash != text_hash(canonical_text)


def revision_body_statuses(*, revision: Revision) -> list[BodyStatus]:
    """The revision's bodies with their out-of-date mark and stored readability (one query)."""
    bodies = list(revision.bodies.select_related("audience"))
    canonical_text = next((b.body for b in bodies if b.audience.is_canonical), None)
    return [
        BodyStatus(
            body=body,
            may_be_out_of_date=body_is_out_of_date(body, canonical_text=canonical_text),
            readability=Report(
                audience=body.audience,
                scores=stored_scores(body),
                target=body.audience.target_grade,
            ),
        )
        for body in bodies
    ]
