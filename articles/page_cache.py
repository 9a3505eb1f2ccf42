"""The public article page cached for anonymous readers, per (article, published revision,
audience), in Django's configured cache (local memory by default, Redis in production).

Three kinds of entries:

- LEVELS_KEY: the audience level slugs (to resolve `?audience=` and the cookie without a query)
  and a token; deleting it, when an administrator changes the levels, retires every page.
- POINTER_KEY, one per article: a token; article_page_invalidate deletes it after publication,
  unpublication, every review event and every edit of the article.
- PAGE_KEY: the levels token, the article's token, the origin and the audience: the page.

A page is only stored under an article token read or created *before* the database was read,
so a change committed meanwhile (which deletes the token after commit) can never be hidden by
a page built from the older data. Cached pages carry a placeholder where each reader's CSRF
token goes and no reader's name (only anonymous requests use them), and are not served from
the review's due date on (they would not say "Review overdue").
"""

import secrets
from dataclasses import dataclass
from datetime import date, datetime

from django.core.cache import cache

from articles.models import AudienceLevel, text_hash

PAGE_CACHE_SECONDS = 15 * 60  # also bounds how long a corrected board profile takes to show
LEVELS_KEY = "article-page:levels"
POINTER_KEY = "article-page:article:{slug}"
PAGE_KEY = "article-page:{levels}:{pointer}:{origin}:{audience}"
# Put where the page's forms carry the CSRF token; replaced per request (django get_token).
CSRF_PLACEHOLDER = "imprimatur-csrf-token-placeholder-5d1c0f"


@dataclass(frozen=True)
class CachedLevels:
    token: str
    slugs: tuple[str, ...]
    canonical: str

    def resolve(self, *wanted: str | None) -> str:
        """The first of `wanted` that names a level, else the canonical level's slug."""
        return next((slug for slug in wanted if slug and slug in self.slugs), self.canonical)


@dataclass(frozen=True)
class CachedPage:
    html: str  # with CSRF_PLACEHOLDER for the reader's token
    etag: str  # of the content; the view adds the reader's CSRF cookie to it
    last_modified: datetime
    stale_from: date | None  # the review's due date, when the page will change by itself

    def is_fresh(self, today: date) -> bool:
        return self.stale_from is None or today < self.stale_from


def _page_key(*, levels: CachedLevels, pointer: str, origin: str, audience: str) -> str:
    return PAGE_KEY.format(
        levels=levels.token, pointer=pointer, origin=text_hash(origin)[:16], audience=audience
    )


def article_page_cached(
    *, slug: str, origin: str, wanted: tuple[str | None, ...], today: date
) -> CachedPage | None:
    """The cached page of article `slug` for the first known level in `wanted` (the query,
    then the cookie; else canonical), or None. Two cache round trips, no query."""
    pointer_key = POINTER_KEY.format(slug=slug)
    found = cache.get_many([LEVELS_KEY, pointer_key])
    levels, pointer = found.get(LEVELS_KEY), found.get(pointer_key)
    if levels is None or pointer is None:
        return None
    key = _page_key(levels=levels, pointer=pointer, origin=origin, audience=levels.resolve(*wanted))
    page: CachedPage | None = cache.get(key)
    if page is None or not page.is_fresh(today):
        return None
    return page


def article_page_pointer(*, slug: str) -> tuple[str, bool]:
    """The article's current token, created if missing; and whether this call created it.

    Call before reading the database for a page to store under it (see the module's note).
    """
    key = POINTER_KEY.format(slug=slug)
    pointer: str | None = cache.get(key)
    if pointer is not None:
        return pointer, False
    created = cache.add(key, secrets.token_hex(8), PAGE_CACHE_SECONDS)
    pointer = cache.get(key)
    if pointer is None:  # expired or invalidated at once: a token nobody will read
        return secrets.token_hex(8), False
    return pointer, created


def cached_levels(*, levels: list[AudienceLevel]) -> CachedLevels:
    """The cached level slugs and their token, stored from `levels` if missing."""
    current: CachedLevels | None = cache.get(LEVELS_KEY)
    if current is not None:
        return current
    canonical = next(level.slug for level in levels if level.is_canonical)
    built = CachedLevels(
        token=secrets.token_hex(8),
        slugs=tuple(level.slug for level in levels),
        canonical=canonical,
    )
    cache.add(LEVELS_KEY, built, PAGE_CACHE_SECONDS)
    return cache.get(LEVELS_KEY) or built


def article_page_store(
    *, levels: CachedLevels, pointer: str, origin: str, audience: str, page: CachedPage
) -> None:
    """Keep `page` for readers of `audience` until invalidated or PAGE_CACHE_SECONDS pass."""
    key = _page_key(levels=levels, pointer=pointer, origin=origin, audience=audience)
    cache.set(key, page, PAGE_CACHE_SECONDS)


def article_page_invalidate(*, slug: str) -> None:
    """Retire every cached page of the article `slug` (all levels, all origins)."""
    cache.delete(POINTER_KEY.format(slug=slug))


def article_pages_invalidate_all() -> None:
    """Retire every cached article page, e.g. when the audience levels change."""
    cache.delete(LEVELS_KEY)
