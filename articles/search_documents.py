"""Writes for the public search: one ArticleSearchDocument per published article.

A document holds the prose of the published revision's bodies (citation markers, Markdown,
URLs and the reference list stripped) and, on PostgreSQL, a weighted tsvector of title (A),
topic (B) and that text (C), computed here once so that no request computes one. Publication
calls `article_search_document_refresh` in its transaction; `manage.py rebuild_search_documents`
uses `search_documents_rebuild` for existing or bulk-loaded data. Reads are in
articles.public.search. The passages the answers to readers' questions offer
(articles.answers) are kept here too, by the same calls.
"""

import time

from django.contrib.postgres.search import SearchVector
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import BooleanField, ExpressionWrapper, F, OuterRef, Q, Subquery
from django.utils import timezone

from articles.batching import batches
from articles.markdown import markdown_passages
from articles.models import (
    Article,
    ArticlePassage,
    ArticleSearchDocument,
    AudienceBody,
    text_hash,
)
from articles.readability import strip_for_scoring
from articles.references.models import RevisionCitation

# The search config of the stored tsvector and of every query against it (articles.public.search).
SEARCH_CONFIG = "english"
# Snippet highlight markers (articles.public.search): never left in the stored text, so a
# marker in a snippet always comes from the highlighter.
SNIPPET_START, SNIPPET_STOP = "\x02", "\x03"
# Home and search results are cached per generation (articles.public.search); a change of any search
# document starts a new one.
SEARCH_GENERATION_KEY = "search:generation"
SEARCH_CACHE_KEY = "search:{generation}:{key}"
REBUILD_BATCH_SIZE = 500


def search_generation() -> int:
    """The current generation of cached home and search results."""
    generation = cache.get(SEARCH_GENERATION_KEY)
    if generation is None:
        # Never a number used before, even when the cache lost the key.
        cache.add(SEARCH_GENERATION_KEY, time.time_ns(), None)
        generation = cache.get(SEARCH_GENERATION_KEY, time.time_ns())
    return int(generation)


def search_cache_invalidate() -> None:
    """Start a new generation of cached home and search results: now, and again after commit
    (a request between the two may have cached the text as it was before the commit)."""

    def bump() -> None:
        try:
            cache.incr(SEARCH_GENERATION_KEY)
        except ValueError:  # the key was evicted: the next read starts a fresh generation
            search_generation()

    bump()
    transaction.on_commit(bump)


def search_text(bodies: list[str]) -> str:
    """The prose of the bodies for search: no citation markers, Markdown, URLs or reference
    list, and never a snippet marker."""
    text = "\n".join(strip_for_scoring(body) for body in bodies)
    return text.replace(SNIPPET_START, "").replace(SNIPPET_STOP, "")


def _published_texts(articles: list[Article]) -> dict[int, str]:
    """The search text of each article's published revision, canonical body first (one query)."""
    bodies: dict[int, list[AudienceBody]] = {}
    for body in AudienceBody.objects.filter(
        revision_id__in=[a.published_revision_id for a in articles]
    ).select_related("audience"):
        bodies.setdefault(body.revision_id, []).append(body)
    texts = {}
    for article in articles:
        ordered = sorted(
            bodies.get(article.published_revision_id or 0, []),
            key=lambda b: (not b.audience.is_canonical, b.audience.order, b.audience.pk),
        )
        texts[article.pk] = search_text([body.body for body in ordered])
    return texts


def _documents_write(articles: list[Article]) -> int:
    """Create or update the documents of these published articles; unchanged ones are left
    alone. Returns how many were written. A constant number of queries for any batch."""
    texts = _published_texts(articles)
    is_postgres = connection.vendor == "postgresql"
    existing = {
        document.pk: document
        for document in ArticleSearchDocument.objects.filter(
            article_id__in=[a.pk for a in articles]
        )
        .defer("body_text", "search_vector")
        .annotate(has_vector=ExpressionWrapper(Q(search_vector__isnull=False), BooleanField()))
    }
    now = timezone.now()
    created, updated = [], []
    for article in articles:
        revision_id = article.published_revision_id
        assert revision_id is not None  # callers pass published articles only
        body_text = texts[article.pk]
        fingerprint = text_hash(f"{article.title}\x00{article.topic}\x00{body_text}")
        document = existing.get(article.pk)
        if document is None:
            created.append(
                ArticleSearchDocument(
                    article_id=article.pk,
                    revision_id=revision_id,
                    body_text=body_text,
                    text_hash=fingerprint,
                    text_changed_at=now,
                )
            )
            continue
        if (
            document.text_hash == fingerprint
            and document.revision_id == revision_id
            and (getattr(document, "has_vector", False) or not is_postgres)
        ):
            continue
        if document.text_hash != fingerprint:
            document.text_changed_at = now
        document.revision_id = revision_id
        document.body_text = body_text
        document.text_hash = fingerprint
        updated.append(document)
    ArticleSearchDocument.objects.bulk_create(created)
    ArticleSearchDocument.objects.bulk_update(
        updated, ["revision", "body_text", "text_hash", "text_changed_at"]
    )
    written = [d.pk for d in (*created, *updated)]
    if written and is_postgres:
        # Computed once here, never per request: the search reads the stored vector.
        of_article = Article.objects.filter(pk=OuterRef("article_id"))
        ArticleSearchDocument.objects.filter(pk__in=written).update(
            search_vector=SearchVector(
                Subquery(of_article.values("title")), weight="A", config=SEARCH_CONFIG
            )
            + SearchVector(Subquery(of_article.values("topic")), weight="B", config=SEARCH_CONFIG)
            + SearchVector(F("body_text"), weight="C", config=SEARCH_CONFIG)
        )
    if written:
        search_cache_invalidate()
    return len(written)


def passages_write(articles: list[Article]) -> int:
    """Make the passages of these articles match their published revisions (none for an
    unpublished one); an article whose passages are of its published revision already is
    left alone. A constant number of queries for any batch; returns how many were written."""
    ids = [article.pk for article in articles]
    published = {a.pk: a.published_revision_id for a in articles if a.published_revision_id}
    current = set(
        ArticlePassage.objects.filter(article_id__in=ids)
        .values_list("article_id", "revision_id")
        .distinct()
    )
    stale = [pk for pk in ids if {(pk, published.get(pk))} != {p for p in current if p[0] == pk}]
    if not stale:
        return 0
    ArticlePassage.objects.filter(article_id__in=stale).delete()
    revisions = {published[pk]: pk for pk in stale if pk in published}
    if not revisions:
        return 0
    titles: dict[int, dict[str, str]] = {}
    for pin in RevisionCitation.objects.filter(revision_id__in=revisions).select_related(
        "version", "reference"
    ):
        titles.setdefault(pin.revision_id, {})[pin.reference.key] = pin.version.title
    created = []
    for body in AudienceBody.objects.filter(revision_id__in=revisions).only(
        "revision_id", "audience_id", "body"
    ):
        cited = titles.get(body.revision_id, {})
        for position, passage in enumerate(markdown_passages(body.body, citable=cited), 1):
            if not passage.text:
                continue
            created.append(
                ArticlePassage(
                    article_id=revisions[body.revision_id],
                    revision_id=body.revision_id,
                    audience_id=body.audience_id,
                    position=position,
                    anchor=passage.anchor,
                    text=passage.text,
                    references=[
                        {"number": number, "title": cited.get(key, "")}
                        for number, key in passage.cited
                    ],
                )
            )
    ArticlePassage.objects.bulk_create(created)
    if created and connection.vendor == "postgresql":
        # Computed once here, never per request: the answers read the stored vector.
        ArticlePassage.objects.filter(article_id__in=list(revisions.values())).update(
            search_vector=SearchVector(F("text"), config=SEARCH_CONFIG)
        )
    return len(created)


def article_search_document_refresh(*, article_id: int) -> ArticleSearchDocument | None:
    """Make the article's search document match its published revision; remove it when the
    article is not published. Idempotent: an unchanged text is not written again, and keeps
    its `text_changed_at`. Publication calls it in its transaction; returns the document."""
    article = Article.objects.filter(pk=article_id).first()
    if article is None or article.published_revision_id is None:
        ArticlePassage.objects.filter(article_id=article_id).delete()
        deleted, _ = ArticleSearchDocument.objects.filter(article_id=article_id).delete()
        if deleted:
            search_cache_invalidate()
        return None
    _documents_write([article])
    passages_write([article])
    return ArticleSearchDocument.objects.get(pk=article_id)


def search_documents_rebuild(*, batch_size: int = REBUILD_BATCH_SIZE) -> tuple[int, int]:
    """Bring every published article's document up to date and remove the others, in batches
    (one transaction and a constant number of queries each). Returns (written, removed)."""
    removed, _ = ArticleSearchDocument.objects.filter(
        article__published_revision__isnull=True
    ).delete()
    ArticlePassage.objects.filter(article__published_revision__isnull=True).delete()
    ids = list(
        Article.objects.filter(published_revision__isnull=False)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    written = 0
    for batch in batches(ids, batch_size):
        with transaction.atomic():
            batch_articles = list(Article.objects.filter(pk__in=batch))
            written += _documents_write(batch_articles)
            passages_write(batch_articles)
    if removed:
        search_cache_invalidate()
    return written, removed
