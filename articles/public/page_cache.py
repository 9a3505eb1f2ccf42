"""The public article page cached for anonymous readers, per (article, published revision,
audience), in Django's configured cache (local memory by default, Redis in production).

Three kinds of entries, read together in one round trip (get_many):

- LEVELS_KEY: the audience level slugs (to resolve `?audience=` and the cookie without a query)
  and a token; deleting it, when an administrator changes the levels, retires every page.
- POINTER_KEY, one per article: a token; article_page_invalidate deletes it after publication,
  unpublication, every review event and every edit of the article.
- PAGE_KEY, per code build, article, origin and level (the canonical level as ""): the page,
  with the two tokens it was built under; it is served only while both are still current.

The article's token a page is stored with is read or created *before* the database is read,
so a change committed meanwhile (which deletes that token after commit) can never be hidden by
a page built from the older data. (The levels' token is made from the levels the page read
when it was missing: a level changed in that instant shows after PAGE_CACHE_SECONDS.)
Cached pages are the same bytes for every reader of a level: they carry no CSRF token (the
question form is a frame, the picker a GET form) and no reader's name (only anonymous requests
use them). They are not served from the review's due date on (they would not say "Review
overdue"). Each process also keeps the pages it served for
IMPRIMATUR_PAGE_LOCAL_SECONDS, so that a busy page costs no round trip at all.

Behind the cache, each page is also kept in the database (StoredPage) once built: when the
cache has lost it (expired, evicted, flushed, restarted), one query serves it again. A stored
page is served while the article's page_version is the one it was built under (raised by
article_page_invalidate, in the database, before the cache's token goes), while the
PageGeneration is the one it was built in (raised by article_pages_invalidate_all), while the
running code is the one that built it (code_build) and before the review is due.
"""

import functools
import hashlib
import math
import re
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime
from datetime import time as dt_time
from typing import Any

import django
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone
from django.utils.http import http_date, quote_etag

from articles.models import Article, AudienceLevel, PageGeneration, StoredPage, text_hash
from articles.page_versions import (
    LEVELS_KEY,
    LOCAL_PAGES_MAX,
    PAGE_CACHE_SECONDS,
    POINTER_KEY,
    _local_pages,
)
from articles.selectors import audience_canonical, audience_slug_chosen

# With the code build: a page cached by other code (templates, views) is never served.
PAGE_KEY = "article-page:page:{build}:{slug}:{origin}:{audience}"
# What a level slug may look like in a key; anything else in ?audience= or the cookie is ignored.
LEVEL_SLUG = re.compile(r"[-a-zA-Z0-9_]{1,50}")


@dataclass(frozen=True)
class CachedLevels:
    token: str
    slugs: tuple[str, ...]
    canonical: str

    def resolve(self, *wanted: str | None) -> str:
        """The first of `wanted` that names a level, else the canonical level's slug."""
        return audience_slug_chosen(self.slugs, self.canonical, *wanted)

    def page_slug(self, *wanted: str | None) -> str:
        """The level part of the page's key: "" for the canonical level (the default page)."""
        slug = self.resolve(*wanted)
        return "" if slug == self.canonical else slug


@dataclass(frozen=True)
class Validators:
    """A page's ETag and Last-Modified as the response headers and get_conditional_response
    want them."""

    etag: str  # quoted
    last_modified: int  # a POSIX timestamp
    last_modified_header: str

    @classmethod
    def of(cls, *, etag: str, last_modified: datetime) -> "Validators":
        timestamp = int(last_modified.timestamp())
        return cls(
            etag=quote_etag(etag),
            last_modified=timestamp,
            last_modified_header=http_date(timestamp),
        )


@dataclass(frozen=True)
class CachedPage:
    html: str  # the same for every anonymous reader of this level
    etag: str  # the content's fingerprint
    audience: str  # the slug of the level the page is at (a known level: no query to check)
    last_modified: datetime
    stale_from: date | None  # the review's due date, when the page will change by itself
    levels_token: str
    pointer_token: str

    def __getstate__(self) -> dict[str, object]:
        """Only the fields go into the shared cache, not what each process works out."""
        return {field.name: getattr(self, field.name) for field in fields(self)}

    # Worked out once per page, not per request (a hit costs little else).
    @functools.cached_property
    def stale_at(self) -> float:
        """The start of stale_from in the site's time zone, as a POSIX timestamp."""
        if self.stale_from is None:
            return math.inf
        zone = timezone.get_default_timezone()
        return datetime.combine(self.stale_from, dt_time.min, tzinfo=zone).timestamp()

    @functools.cached_property
    def content(self) -> bytes:
        """The page encoded for the response (each process encodes a page it keeps once)."""
        return self.html.encode()

    @functools.cached_property
    def validators(self) -> Validators:
        return Validators.of(etag=self.etag, last_modified=self.last_modified)

    def is_fresh(self, now: float) -> bool:
        """`now`: a POSIX timestamp (timezone.now().timestamp())."""
        return now < self.stale_at

    def is_current(self, *, levels: CachedLevels, pointer: str, now: float) -> bool:
        return (
            self.levels_token == levels.token
            and self.pointer_token == pointer
            and self.is_fresh(now)
        )


def _page_key(*, slug: str, origin: str, audience: str) -> str:
    return PAGE_KEY.format(
        build=code_build()[:16], slug=slug, origin=text_hash(origin)[:16], audience=audience
    )


@dataclass(frozen=True)
class PageLookup:
    """A cached page, or what the shared cache said on a miss (to store the page under)."""

    page: CachedPage | None
    levels: CachedLevels | None = None
    pointer: str | None = None


def article_page_lookup(
    *, slug: str, origin: str, wanted: tuple[str | None, ...], now: float
) -> PageLookup:
    """The cached page of article `slug` for the first known level in `wanted` (the query,
    then the cookie; else canonical). At most one cache round trip, no query."""
    page = article_page_local(slug=slug, origin=origin, wanted=wanted, now=now)
    if page is not None:
        return PageLookup(page=page)
    lookup = _article_page_shared(slug=slug, origin=origin, wanted=wanted, now=now)
    if lookup.page is not None:
        article_page_keep_local(slug=slug, origin=origin, wanted=wanted, page=lookup.page)
    return lookup


def article_page_local(
    *, slug: str, origin: str, wanted: tuple[str | None, ...], now: float
) -> CachedPage | None:
    """The page this process keeps (see article_page_keep_local), if still current."""
    if settings.IMPRIMATUR_PAGE_LOCAL_SECONDS > 0:
        held = _local_pages.get((slug, origin, wanted))
        if held is not None and held[0] > time.monotonic() and held[1].is_fresh(now):
            return held[1]
    return None


def article_page_keep_local(
    *, slug: str, origin: str, wanted: tuple[str | None, ...], page: CachedPage
) -> None:
    """Keep `page` in this process for IMPRIMATUR_PAGE_LOCAL_SECONDS."""
    seconds = settings.IMPRIMATUR_PAGE_LOCAL_SECONDS
    if seconds > 0:
        if len(_local_pages) >= LOCAL_PAGES_MAX:
            _local_pages.clear()
        _local_pages[(slug, origin, wanted)] = (time.monotonic() + seconds, page)


def _article_page_shared(
    *, slug: str, origin: str, wanted: tuple[str | None, ...], now: float
) -> PageLookup:
    pointer_key = POINTER_KEY.format(slug=slug)
    candidates = {
        slug_: _page_key(slug=slug, origin=origin, audience=slug_)
        for slug_ in (*(w for w in wanted if w and LEVEL_SLUG.fullmatch(w)), "")
    }
    found = cache.get_many([LEVELS_KEY, pointer_key, *candidates.values()])
    levels, pointer = found.get(LEVELS_KEY), found.get(pointer_key)
    if levels is None or pointer is None:
        return PageLookup(page=None, levels=levels, pointer=pointer)
    page: CachedPage | None = found.get(candidates[levels.page_slug(*wanted)])
    if page is None or not page.is_current(levels=levels, pointer=pointer, now=now):
        return PageLookup(page=None, levels=levels, pointer=pointer)
    return PageLookup(page=page)


def article_page_pointer(*, slug: str) -> tuple[str, bool]:
    """The article's token (created if missing), and whether this call created it. Call
    before reading the database (see the module's note)."""
    key = POINTER_KEY.format(slug=slug)
    token = secrets.token_hex(8)
    if cache.add(key, token, PAGE_CACHE_SECONDS):
        return token, True
    existing: str | None = cache.get(key)
    # None: invalidated at once; the page goes under a token nobody will read.
    return existing or token, False


def cached_levels(*, levels: list[AudienceLevel]) -> CachedLevels:
    """The cached level slugs and their token, stored from `levels` if missing."""
    canonical = audience_canonical(levels).slug
    built = CachedLevels(
        token=secrets.token_hex(8),
        slugs=tuple(level.slug for level in levels),
        canonical=canonical,
    )
    if cache.add(LEVELS_KEY, built, PAGE_CACHE_SECONDS):
        return built
    current: CachedLevels | None = cache.get(LEVELS_KEY)
    return current or built


def article_page_store(
    *,
    slug: str,
    origin: str,
    levels: CachedLevels,
    wanted: tuple[str | None, ...],
    page: CachedPage,
) -> None:
    """Keep `page` for the readers `wanted` resolves to, until one of its tokens changes or
    PAGE_CACHE_SECONDS pass."""
    key = _page_key(slug=slug, origin=origin, audience=levels.page_slug(*wanted))
    cache.set(key, page, PAGE_CACHE_SECONDS)


# --- the pages kept in the database ---------------------------------------------------------

# What renders the page: a page stored by another version of these is not served.
BUILD_SOURCES = ("articles", "editorial", "config", "templates", "static")
BUILD_SUFFIXES = {".py", ".html", ".css", ".js", ".svg", ".json"}


@functools.cache
def code_build() -> str:
    """A fingerprint of the running code, templates and static files (once per process)."""
    digest = hashlib.sha256(django.get_version().encode())
    for folder in BUILD_SOURCES:
        for path in sorted((settings.BASE_DIR / folder).rglob("*")):
            if path.suffix in BUILD_SUFFIXES and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(settings.BASE_DIR)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


# The stored page checked against its article and the generation, in two common table
# expressions: `generation` (the current one, to store a page built now under) and `stored`
# (the valid page, if any); parameters from stored_page_params. SQL, as the equivalent queryset
# costs several times the query to build; the page's read (page_reads) starts with it too.
_PAGES, _ARTICLES = StoredPage._meta.db_table, Article._meta.db_table
_GENERATION = PageGeneration._meta.db_table
STORED_PAGE_CTES = f"""
generation AS (SELECT COALESCE((SELECT value FROM {_GENERATION} WHERE id = 1), 0) AS value),
stored AS (
  SELECT page.html, page.etag, page.last_modified, page.stale_from
  FROM {_PAGES} page JOIN {_ARTICLES} stored_article
    ON stored_article.id = page.article_id
    AND stored_article.slug = %s AND stored_article.published_revision_id IS NOT NULL
    AND stored_article.page_version = page.version
  WHERE page.origin = %s AND page.audience = %s AND page.build = %s
    AND page.generation = (SELECT value FROM generation)
)"""  # noqa: S608 (table names from our models; every value a parameter)
# A row of STORED_PAGE_SQL, and the first columns of the page's read (page_reads).
STORED_PAGE_COLUMNS = (
    "generation.value, stored.html, stored.etag, stored.last_modified, stored.stale_from"
)
STORED_PAGE_WIDTH = len(STORED_PAGE_COLUMNS.split(","))
STORED_PAGE_SQL = f"""WITH {STORED_PAGE_CTES}
SELECT {STORED_PAGE_COLUMNS} FROM generation LEFT JOIN stored ON TRUE"""  # noqa: S608


@dataclass(frozen=True)
class StoredPageLookup:
    """The stored page if still valid, and the generation to store a page built now under."""

    page: CachedPage | None
    generation: int


def stored_page_params(
    *, slug: str, origin: str, wanted: tuple[str | None, ...], levels: CachedLevels
) -> list[str]:
    """STORED_PAGE_CTES' parameters: `slug`'s page for `origin` and the level `wanted` finds."""
    return [slug, origin, levels.page_slug(*wanted), code_build()]


def stored_page_of(
    row: Sequence[Any], *, wanted: tuple[str | None, ...], levels: CachedLevels, now: float
) -> StoredPageLookup:
    """The lookup from STORED_PAGE_COLUMNS' values in `row`: the page only while fresh."""
    generation, html, etag, last_modified, stale_from = row[:STORED_PAGE_WIDTH]
    if html is None:
        return StoredPageLookup(page=None, generation=generation)
    page = CachedPage(
        html=html,
        etag=etag,
        audience=levels.resolve(*wanted),
        # SQLite's driver gives naive UTC (Django stores datetimes in UTC there).
        last_modified=(
            last_modified if timezone.is_aware(last_modified) else last_modified.replace(tzinfo=UTC)
        ),
        stale_from=stale_from,
        # Never put in the shared cache (see articles.public.views._article_page_build).
        levels_token="",
        pointer_token="",
    )
    return StoredPageLookup(page=page if page.is_fresh(now) else None, generation=generation)


def stored_page_get(
    *,
    slug: str,
    origin: str,
    wanted: tuple[str | None, ...],
    levels: CachedLevels,
    now: float,
) -> StoredPageLookup:
    """The stored page of the published article `slug` for `origin` and the first known level
    in `wanted`, if still valid; with the current generation. One query."""
    params = stored_page_params(slug=slug, origin=origin, wanted=wanted, levels=levels)
    with connection.cursor() as cursor:
        cursor.execute(STORED_PAGE_SQL, params)
        row = cursor.fetchone()
    return stored_page_of(row, wanted=wanted, levels=levels, now=now)


STORED_PAGE_FIELDS = [
    "version",
    "generation",
    "build",
    "html",
    "etag",
    "last_modified",
    "stale_from",
    "stored_at",
]
_STORED_COLUMNS = [field for field in StoredPage._meta.concrete_fields if not field.primary_key]
_UNIQUE = ("article_id", "origin", "audience")  # stored_page_per_origin_and_level
# One statement: the row replaced in place (INSERT ... ON CONFLICT, PostgreSQL and SQLite).
# On PostgreSQL, outside a transaction, its commit does not wait for the WAL flush: a stored
# page is a copy of what the database holds, and one lost to a crash is built again.
_UPSERT = "INSERT INTO {table} ({columns}) {values} ON CONFLICT ({unique}) DO UPDATE SET {update}"


@functools.cache
def _stored_page_upsert(vendor: str, relaxed: bool) -> str:
    quote = connection.ops.quote_name
    placeholders = ", ".join(["%s"] * len(_STORED_COLUMNS))
    values = (
        f"SELECT {placeholders} FROM (SELECT set_config('synchronous_commit', 'off', true)) s"  # noqa: S608 (our model's columns)
        if relaxed
        else f"VALUES ({placeholders})"
    )
    return _UPSERT.format(
        table=quote(StoredPage._meta.db_table),
        columns=", ".join(quote(str(field.column)) for field in _STORED_COLUMNS),
        values=values,
        unique=", ".join(quote(column) for column in _UNIQUE),
        update=", ".join(f"{quote(name)} = EXCLUDED.{quote(name)}" for name in STORED_PAGE_FIELDS),
    )


def stored_page_save(
    *,
    article: Article,
    origin: str,
    audience: str,
    version: int,
    generation: int,
    page: CachedPage,
) -> None:
    """Keep `page`, built from the article at `version` in `generation`, replacing the one
    stored before (one statement)."""
    row = StoredPage(
        article=article,
        origin=origin,
        audience=audience,
        version=version,
        generation=generation,
        build=code_build(),
        html=page.html,
        etag=page.etag,
        last_modified=page.last_modified,
        stale_from=page.stale_from,
    )
    values = [
        field.get_db_prep_save(field.pre_save(row, add=True), connection)
        for field in _STORED_COLUMNS
    ]
    relaxed = connection.vendor == "postgresql" and not connection.in_atomic_block
    with connection.cursor() as cursor:
        cursor.execute(_stored_page_upsert(connection.vendor, relaxed), values)
