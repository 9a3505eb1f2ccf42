"""What building a published article's page reads, in one statement: the stored page's check
(articles.public.page_cache: the generation, and the page if one is still valid), then, when
no page is stored, the article with its published revision and the revisions before it (review
dates, update history), and every audience level with the published revision's bodies for the
levels the reader may read.

Written as SQL (articles.sql_rows) because the four querysets it replaces cost several times
their statements to build and compile, on the path every first reader after a change takes;
one statement rather than three because each costs PostgreSQL (parsing, binding, its reply)
and the driver about as much again as reading its rows. Its rows are of three kinds (the first
column), each with the other kinds' columns NULL:

0. one row: the generation and the stored page (page_cache.STORED_PAGE_COLUMNS);
1. the article with one revision, newest first (none when a valid page is stored);
2. one level with its body, if read, in picker order (none when no article was read);
3. one approval of one of those revisions in its current round, as the public facts' source
   reads them (articles.public.facts.ApprovalsQuery; none without a source that does).
"""

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection

from articles.models import Article, AudienceBody, AudienceLevel, Revision
from articles.public.facts import PAGE_REVISIONS, ApprovalsQuery, PublicApprover, public_facts
from articles.public.page_cache import STORED_PAGE_COLUMNS, STORED_PAGE_CTES, STORED_PAGE_WIDTH
from articles.sql_rows import ModelColumns

_ARTICLE = ModelColumns(Article, "article")
_REVISION = ModelColumns(Revision, "revision")
_LEVEL = ModelColumns(AudienceLevel, "level")
_BODY = ModelColumns(AudienceBody, "body")
# The levels a reader may ask for at once (the link's, the account's, the cookie's); fewer are
# padded with NULL, so the statement is the same (and prepared) whatever the request.
WANTED_LEVELS = 3
# Where each kind's columns start in a row (after the kind).
_ARTICLE_AT = 1 + STORED_PAGE_WIDTH
_REVISION_AT = _ARTICLE_AT + _ARTICLE.width
_LEVEL_AT = _REVISION_AT + _REVISION.width
_BODY_AT = _LEVEL_AT + _LEVEL.width
_WIDTH = _BODY_AT + _BODY.width
_quote = connection.ops.quote_name


def _position(columns: ModelColumns, at: int, name: str) -> int:
    """The 1-based position in a row of `columns`' field `name` (for ORDER BY)."""
    return at + columns.attnames.index(name) + 1


@functools.cache
def _page_sql(approvals: ApprovalsQuery | None) -> str:
    """The statement, with the approvals' rows when the public facts' source reads them."""
    extra_nulls = "" if approvals is None else f", {approvals.nulls}"
    approval_rows = (
        ""
        if approvals is None
        else f"""
UNION ALL
SELECT 3, NULL, NULL, NULL, NULL, NULL, {_ARTICLE.nulls}, {_REVISION.nulls}, {_LEVEL.nulls},
  {_BODY.nulls}, approval.*
FROM ({approvals.sql}) approval"""  # noqa: S608 (the configured source's SQL, values parameters)
    )
    return f"""
WITH {STORED_PAGE_CTES},
found AS (
  SELECT * FROM {Article._meta.db_table}
  WHERE slug = %s AND published_revision_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM stored)
),
{PAGE_REVISIONS} AS (
  SELECT revision.* FROM found article
  JOIN {Revision._meta.db_table} published ON published.id = article.published_revision_id
  JOIN {Revision._meta.db_table} revision ON revision.article_id = article.id
    AND (revision.id = published.id
         OR (revision.number < published.number AND revision.submitted_at IS NOT NULL))
)
SELECT 0, {STORED_PAGE_COLUMNS}, {_ARTICLE.nulls}, {_REVISION.nulls}, {_LEVEL.nulls},
  {_BODY.nulls}{extra_nulls}
FROM generation LEFT JOIN stored ON TRUE
UNION ALL
SELECT 1, NULL, NULL, NULL, NULL, NULL, {_ARTICLE.sql}, {_REVISION.sql}, {_LEVEL.nulls},
  {_BODY.nulls}{extra_nulls}
FROM found article JOIN {PAGE_REVISIONS} revision ON TRUE
UNION ALL
SELECT 2, NULL, NULL, NULL, NULL, NULL, {_ARTICLE.nulls}, {_REVISION.nulls}, {_LEVEL.sql},
  {_BODY.sql}{extra_nulls}
FROM {AudienceLevel._meta.db_table} level
LEFT JOIN {AudienceBody._meta.db_table} body ON body.audience_id = level.id
  AND body.revision_id = (SELECT published_revision_id FROM found)
  AND (level.is_canonical OR level.slug IN ({", ".join(["%s"] * WANTED_LEVELS)}))
WHERE EXISTS (SELECT 1 FROM found){approval_rows}
ORDER BY 1, {_position(_REVISION, _REVISION_AT, "number")} DESC,
  {_position(_LEVEL, _LEVEL_AT, "order")}, {_position(_LEVEL, _LEVEL_AT, "id")}
"""  # noqa: S608 (table and column names from our models and the source; values parameters)


def page_statement() -> str:
    """The page's statement as this process runs it (with the configured source's approvals)."""
    return _page_sql(public_facts().approvals_query())


@dataclass(frozen=True)
class PublishedRead:
    """The published `article` (its published_revision set), `revisions`: that revision and
    the submitted ones before it, newest first; `levels` in picker order; `bodies` by level id,
    of the levels asked for and the canonical one."""

    article: Article
    revisions: list[Revision]
    levels: list[AudienceLevel]
    bodies: dict[int, AudienceBody]
    # The approvals' rows by revision id (ApprovalsQuery): None when the source reads none.
    approvals: dict[int, list[Sequence[Any]]] | None = None

    def approvers_of(self, revision: Revision | None) -> list[PublicApprover] | None:
        """Who approved `revision` (one of `revisions`, or None: nobody), from what was read;
        None when the public facts' source read nothing here (ask its revision_approvers)."""
        if self.approvals is None:
            return None
        if revision is None:
            return []
        return public_facts().approvers_of_rows(self.approvals.get(revision.pk, []))


@dataclass(frozen=True)
class PageRead:
    """`stored`: the stored page's columns (page_cache.stored_page_of reads them); `published`:
    the article as its page needs it, None when a valid page is stored or no published article
    has the slug."""

    stored: Sequence[Any]
    published: PublishedRead | None


# What `stored` parameters give when no stored page is to be looked for: no page has no build.
NO_STORED_PAGE = ("", "", "", "")


def article_page_read(
    *, slug: str, wanted: tuple[str | None, ...], stored: Sequence[str] = NO_STORED_PAGE
) -> PageRead:
    """The stored page of `slug` when still valid, else the published article `slug` as its
    page needs it (one query). `wanted`: the level slugs the reader may read at; `stored`:
    the stored page's parameters (page_cache.stored_page_params)."""
    asked = [*wanted[:WANTED_LEVELS], *[None] * (WANTED_LEVELS - len(wanted))]
    approvals = public_facts().approvals_query()
    params = [*stored, slug, *asked, *(approvals.params if approvals else ())]
    with connection.cursor() as cursor:
        cursor.execute(_page_sql(approvals), params)
        rows = cursor.fetchall()
    if len(rows) == 1:  # the stored page's row only
        return PageRead(stored=rows[0][1:_ARTICLE_AT], published=None)
    article: Article = _ARTICLE.instance(rows[1][_ARTICLE_AT:_REVISION_AT])
    revisions: list[Revision] = []
    levels: list[AudienceLevel] = []
    bodies: dict[int, AudienceBody] = {}
    approved: dict[int, list[Sequence[Any]]] | None = None if approvals is None else {}
    for row in rows[1:]:
        if row[0] == 3:  # an approval: its revision's id, then the source's columns
            assert approved is not None
            approved.setdefault(row[_WIDTH], []).append(row[_WIDTH:])
            continue
        if row[0] == 1:
            revision: Revision = _REVISION.instance(row[_REVISION_AT:_LEVEL_AT])
            revision.article = article
            if revision.pk == article.published_revision_id:
                article.published_revision = revision
            revisions.append(revision)
            continue
        level: AudienceLevel = _LEVEL.instance(row[_LEVEL_AT:_BODY_AT])
        levels.append(level)
        if row[_BODY_AT] is not None:  # the body's id: this level has one
            body: AudienceBody = _BODY.instance(row[_BODY_AT:_WIDTH])
            body.audience = level
            bodies[level.pk] = body
    published = PublishedRead(
        article=article, revisions=revisions, levels=levels, bodies=bodies, approvals=approved
    )
    return PageRead(stored=rows[0][1:_ARTICLE_AT], published=published)


def article_published_read(*, slug: str, wanted: tuple[str | None, ...]) -> PublishedRead | None:
    """The published article `slug` as its page needs it (one query), or None when no
    published article has that slug. `wanted`: the level slugs the reader may read at."""
    return article_page_read(slug=slug, wanted=wanted).published
