"""What building a published article's page reads, in two statements: the article with its
published revision and the revisions before it (review dates, update history), then every
audience level with the published revision's bodies for the levels the reader may read.

Written as SQL (articles.sql_rows) because the four querysets they replace cost several times
their statements to build and compile, on the path every first reader after a change takes.
"""

from dataclasses import dataclass

from django.db import connection

from articles.models import Article, AudienceBody, AudienceLevel, Revision
from articles.sql_rows import ModelColumns

_ARTICLE = ModelColumns(Article, "article")
_REVISION = ModelColumns(Revision, "revision")
_LEVEL = ModelColumns(AudienceLevel, "level")
_BODY = ModelColumns(AudienceBody, "body")
# The levels a reader may ask for at once (the link's, the account's, the cookie's); fewer are
# padded with NULL, so the statement is the same (and prepared) whatever the request.
WANTED_LEVELS = 3

_ARTICLE_SQL = f"""
SELECT {_ARTICLE.sql}, {_REVISION.sql}
FROM {Article._meta.db_table} article
JOIN {Revision._meta.db_table} published ON published.id = article.published_revision_id
JOIN {Revision._meta.db_table} revision ON revision.article_id = article.id
  AND (revision.id = published.id
       OR (revision.number < published.number AND revision.submitted_at IS NOT NULL))
WHERE article.slug = %s
ORDER BY revision.number DESC
"""  # noqa: S608 (table and column names from our models; the slug a parameter)

_LEVELS_SQL = f"""
SELECT {_LEVEL.sql}, {_BODY.sql}
FROM {AudienceLevel._meta.db_table} level
LEFT JOIN {AudienceBody._meta.db_table} body ON body.audience_id = level.id
  AND body.revision_id = %s
  AND (level.is_canonical OR level.slug IN ({", ".join(["%s"] * WANTED_LEVELS)}))
ORDER BY level.{connection.ops.quote_name("order")}, level.id
"""  # noqa: S608 (as above)


@dataclass(frozen=True)
class PublishedRead:
    """The published `article` (its published_revision set), `revisions`: that revision and
    the submitted ones before it, newest first; `levels` in picker order; `bodies` by level id,
    of the levels asked for and the canonical one."""

    article: Article
    revisions: list[Revision]
    levels: list[AudienceLevel]
    bodies: dict[int, AudienceBody]


def article_published_read(*, slug: str, wanted: tuple[str | None, ...]) -> PublishedRead | None:
    """The published article `slug` as its page needs it (two queries), or None (one) when no
    published article has that slug. `wanted`: the level slugs the reader may read at."""
    asked = [*wanted[:WANTED_LEVELS], *[None] * (WANTED_LEVELS - len(wanted))]
    with connection.cursor() as cursor:
        cursor.execute(_ARTICLE_SQL, [slug])
        rows = cursor.fetchall()
        if not rows:
            return None
        article: Article = _ARTICLE.instance(rows[0][: _ARTICLE.width])
        revisions: list[Revision] = [_REVISION.instance(row[_ARTICLE.width :]) for row in rows]
        cursor.execute(_LEVELS_SQL, [article.published_revision_id, *asked])
        level_rows = cursor.fetchall()
    for revision in revisions:
        revision.article = article
        if revision.pk == article.published_revision_id:
            article.published_revision = revision
    levels, bodies = [], {}
    for row in level_rows:
        level: AudienceLevel = _LEVEL.instance(row[: _LEVEL.width])
        levels.append(level)
        if row[_LEVEL.width] is not None:  # the body's id: this level has one
            body: AudienceBody = _BODY.instance(row[_LEVEL.width :])
            body.audience = level
            bodies[level.pk] = body
    return PublishedRead(article=article, revisions=revisions, levels=levels, bodies=bodies)
