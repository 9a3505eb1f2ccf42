"""Which version of an article's public page is current: retiring pages after a change.

The content layer calls these in the transaction of every change an article's public page
shows (publication, review events, edits, a retraction, the audience levels);
articles.public.page_cache serves pages and checks them against the tokens and versions kept
here:

- the article's `page_version` in the database (a stored page of an older version is not
  served), raised first, so that a reader who misses the cache meanwhile cannot find it; and,
  for what every page shows (the levels, a reviewer's public name or credentials), the one
  PageGeneration row: one UPDATE of one row retires every stored page, whatever the number of
  articles, and blocks no publication;
- the article's token in the cache (POINTER_KEY) and the levels' token (LEVELS_KEY): a cached
  page built under a token that is gone is not served;
- the copies each process keeps of the pages it served (IMPRIMATUR_PAGE_LOCAL_SECONDS).

Retirement never relies on the cache alone: the version is raised in the caller's transaction
(the database is the truth, and a stored page of the older version is never served again), and
the cached pages are retired after commit twice over: at once in this process, and through the
outbox ("article-page.changed"), which the relay delivers after a broker or cache outage. An
unreachable cache counts as a miss (config/redis_cache.py), so a token it could not delete
would otherwise outlive the outage; a process reaching the cache again after failing to also
deletes LEVELS_KEY at once (IMPRIMATUR_CACHE_KEYS_AFTER_OUTAGE).
"""

from functools import partial
from typing import TYPE_CHECKING

from django.core.cache import cache
from django.db import transaction
from django.db.models import F

from articles.models import Article, OutboxMessage, PageGeneration
from articles.outbox import outbox_put

if TYPE_CHECKING:
    from articles.public.page_cache import CachedPage

PAGE_CACHE_SECONDS = 15 * 60
LEVELS_KEY = "article-page:levels"
POINTER_KEY = "article-page:article:{slug}"
# The outbox topic of a retirement of every page: its subscriber builds them all again.
PAGES_RETIRED = "article-pages.retired"

# Each process also keeps the pages it served for a moment, so that a busy page costs no
# round trip to the shared cache: invalidation clears this copy in the invalidating process at
# once and the other processes' copies within IMPRIMATUR_PAGE_LOCAL_SECONDS.
_local_pages: dict[tuple[str, str, tuple[str | None, ...]], tuple[float, "CachedPage"]] = {}
LOCAL_PAGES_MAX = 500  # about 7 MB of pages per process at most


def article_page_invalidate(*, slug: str) -> None:
    """Retire every cached and stored page of the article `slug` (all levels, all origins), in
    the caller's transaction: the stored pages at once, the cached ones after commit (here,
    and wherever the outbox's message is delivered, even after a cache outage)."""
    Article.objects.filter(slug=slug).update(page_version=F("page_version") + 1)
    outbox_put("article-page.changed", slug=slug)
    transaction.on_commit(partial(article_page_pointer_forget, slug=slug))


def article_page_pointer_forget(*, slug: str) -> None:
    """Retire the cached pages of `slug` only (its stored pages stay valid)."""
    cache.delete(POINTER_KEY.format(slug=slug))
    for key in [key for key in list(_local_pages) if key[0] == slug]:
        _local_pages.pop(key, None)


def article_pages_invalidate_all() -> None:
    """Retire every cached and stored article page, e.g. when the audience levels change: in
    the caller's transaction, as article_page_invalidate does, by raising the generation (two
    statements on one row, whatever the number of articles)."""
    PageGeneration.objects.bulk_create([PageGeneration(pk=1)], ignore_conflicts=True)
    PageGeneration.objects.filter(pk=1).update(value=F("value") + 1)
    outbox_put("article-page.changed", slug="")
    article_pages_prebuild_queue()
    transaction.on_commit(cached_pages_forget_all)


def article_pages_prebuild_queue() -> None:
    """Have every public page built again once the caller's transaction commits (the outbox's
    PAGES_RETIRED topic: articles.public.prebuild, batch by batch), so that no reader pays for
    the rebuild; once, however many retirements come before the message is sent (several in one
    transaction, as an admin's bulk deletion makes). A build already under way is no reason to
    skip: it went past articles that will need building again."""
    owed = OutboxMessage.objects.filter(
        topic=PAGES_RETIRED, sent_at__isnull=True, done_at__isnull=True, failed_at__isnull=True
    )
    if not owed.exists():
        outbox_put(PAGES_RETIRED)


def cached_pages_forget_all() -> None:
    """Retire every cached article page (the stored ones stay valid)."""
    cache.delete(LEVELS_KEY)
    local_pages_clear()


def cached_pages_retire(*, slug: str) -> None:
    """The cached pages of `slug`, or of every article when `slug` is "" (the outbox's task)."""
    if slug:
        article_page_pointer_forget(slug=slug)
    else:
        cached_pages_forget_all()


def local_pages_clear() -> None:
    """Forget the pages this process keeps (see article_page_lookup)."""
    _local_pages.clear()
