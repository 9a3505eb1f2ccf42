"""Reads for the public home page and search: published articles only.

The search reads the stored search documents (written by articles.search_documents): on
PostgreSQL the weighted tsvector with its GIN index, a `websearch` query, SearchRank over a
bounded candidate set and a headline for the page shown (articles.public.search_snippets); on
SQLite (local development and tests) LIKE over title, topic and text, title matches first, with
a snippet cut around the first hit. One selector, the vendor chosen inside. Results are cached
under the normalised query and page, built once however many readers ask at the same moment
(search_cached).
"""

import threading
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from django.conf import settings
from django.contrib.postgres.search import SearchQuery
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.utils.safestring import SafeString, mark_safe

from articles.models import Article, text_hash
from articles.public.search_snippets import fallback_words, search_snippets
from articles.search_documents import SEARCH_CACHE_KEY, SEARCH_CONFIG, search_generation

SEARCH_MAX_LENGTH = 200
QUERY_SHORTENED = "Your search was long, so only its first {limit} characters were used."
RECENT_COUNT = 10
PAGE_SIZE = 10
SEARCH_CACHE_SECONDS = 120
# Single flight (search_cached): a result past SEARCH_CACHE_SECONDS is served this much longer
# while one reader builds it again; a reader that finds no copy while another builds waits for
# it at most SEARCH_BUILD_WAIT seconds, looking every SEARCH_BUILD_POLL; a build lock left by
# a process that died expires after SEARCH_BUILD_LOCK_SECONDS.
SEARCH_STALE_SECONDS = 60
SEARCH_BUILD_WAIT = 3.0
SEARCH_BUILD_POLL = 0.02
SEARCH_BUILD_LOCK_SECONDS = 10
# The search ranks at most this many matches (articles_search); the count then says "500+".
SEARCH_CANDIDATES = 500


@dataclass(frozen=True)
class SearchHit:
    """One result: the article (annotated `text_updated_at`) and its snippet, safe HTML (empty
    in a topic's list)."""

    article: Article
    snippet: SafeString


@dataclass(frozen=True)
class ResultPage:
    """One page of search results or of a topic's articles (what a template needs of a Page)."""

    hits: list[SearchHit]
    number: int
    count: int
    num_pages: int
    # More articles matched than the search ranks (SEARCH_CANDIDATES): the count is "500+".
    more: bool = False

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def has_other_pages(self) -> bool:
        return self.num_pages > 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1


@dataclass(frozen=True)
class HomeListing:
    recent: list[Article]
    topics: list["Topic"]


def search_query_clean(raw: str) -> tuple[str, bool]:
    """The query as shown (Unicode NFKC, any run of spaces one space, cut at SEARCH_MAX_LENGTH)
    and whether it was cut. search_key() makes the form searched and cached."""
    query = " ".join(unicodedata.normalize("NFKC", raw).split())
    return query[:SEARCH_MAX_LENGTH].strip(), len(query) > SEARCH_MAX_LENGTH


def search_key(query: str) -> str:
    """The query as searched and as the cache knows it: cleaned and case-folded, so that
    "Asthma", " asthma " and "ASTHMA" are one search and one cache entry (the full-text search
    and the word search ignore case anyway, websearch's `or` included)."""
    return search_query_clean(query)[0].casefold()


def page_number(raw: str | int | None) -> int:
    """The page asked for: a missing page or one that is not a whole number is page 1 (one
    cache entry for `?q=x`, `?q=x&page=1`, `?q=x&page=%201` and `?q=x&page=abc`); every page
    below 1 is 0, which the paginator, like any page past the end, answers with the last."""
    try:
        number = int(str(raw or 1).strip())
    except ValueError:
        return 1
    return max(number, 0)


def _published() -> QuerySet[Article]:
    return Article.objects.filter(published_revision__isnull=False).annotate(
        text_updated_at=Coalesce(F("search_document__text_changed_at"), F("published_at"))
    )


def articles_recently_updated(*, limit: int = RECENT_COUNT) -> list[Article]:
    """The published articles whose public text changed last, newest first (one query)."""
    return list(_published().order_by(F("text_updated_at").desc(), "-pk")[:limit])


@dataclass(frozen=True)
class Topic:
    name: str
    count: int


def topics_with_counts() -> list[Topic]:
    """Each topic of a published article with how many there are, by name (one query)."""
    rows = (
        Article.objects.filter(published_revision__isnull=False)
        .exclude(topic="")
        .values("topic")
        .annotate(count=Count("pk"))
        .order_by("topic")
    )
    return [Topic(name=row["topic"], count=row["count"]) for row in rows]


def articles_in_topic(*, topic: str) -> QuerySet[Article]:
    """The published articles of one topic (exact name), by title."""
    return _published().filter(topic=topic).order_by("title", "pk")


def articles_search(*, query: str, topic: str = "") -> tuple[list[int], bool]:
    """The ids of the published articles matching `query` (optionally within `topic`), best
    first, at most SEARCH_CANDIDATES; and whether more matched. One query.

    Pass the query through search_key() first (results_page does).
    """
    articles = _published()
    if topic:
        articles = articles.filter(topic=topic)
    if uses_full_text():
        ids = _search_postgres(articles, query)
    else:
        ids = list(_search_fallback(articles, query)[: SEARCH_CANDIDATES + 1])
    return ids[:SEARCH_CANDIDATES], len(ids) > SEARCH_CANDIDATES


def uses_full_text() -> bool:
    """PostgreSQL full-text search, unless IMPRIMATUR_SEARCH asks for the simple word search."""
    return settings.IMPRIMATUR_SEARCH != "simple" and connection.vendor == "postgresql"


def _search_postgres(articles: QuerySet[Article], query: str) -> list[int]:
    """Rank a bounded candidate set: the first SEARCH_CANDIDATES + 1 matches the plan finds (no
    order, so the scan stops there), never every match of a common word, which costs most of a
    second at 100,000 articles (issue 15: 725 ms; BENCHMARKS.md, "Three sizes"). One pass: the
    candidates carry their vector and date out of the subquery to be ranked, so no document is
    read twice (the ORM's `IN (subquery)` read each again by its key: 30% of the statement)."""
    search = SearchQuery(query, search_type="websearch", config=SEARCH_CONFIG)
    candidates = (
        articles.filter(search_document__search_vector=search)
        .order_by()
        .values_list("pk", "search_document__search_vector", "search_document__text_changed_at")[
            : SEARCH_CANDIDATES + 1
        ]
    )
    inner, inner_params = candidates.query.sql_with_params()
    rank, rank_params = search.as_sql(
        candidates.query.get_compiler(connection=connection), connection
    )
    # Both parts are the ORM's own SQL, their values passed apart as parameters.
    sql = (
        f"SELECT c.id FROM ({inner}) AS c (id, vector, changed) "  # noqa: S608
        f"ORDER BY ts_rank(c.vector, {rank}) DESC, c.changed DESC, c.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, (*inner_params, *rank_params))
        return [row[0] for row in cursor.fetchall()]


def _search_fallback(articles: QuerySet[Article], query: str) -> QuerySet[Any]:
    words = fallback_words(query)
    if not words:
        return articles.none().values_list("pk", flat=True)
    for word in words:
        articles = articles.filter(
            Q(title__icontains=word)
            | Q(topic__icontains=word)
            | Q(search_document__body_text__icontains=word)
        )
    title_hits = sum(
        (Case(When(title__icontains=word, then=Value(1)), default=Value(0)) for word in words),
        start=Value(0, output_field=IntegerField()),
    )
    return (
        articles.annotate(title_hits=title_hits)
        .order_by("-title_hits", F("text_updated_at").desc(), "pk")
        .values_list("pk", flat=True)
    )


def search_cached[T](key: str, build: Callable[[], T]) -> T:
    """`build()`, kept under the current search generation: any change of a search document
    starts a new generation, so a result is never older than the published text on a shared
    cache (Redis); a per-process cache may lag by the timeouts below.

    Single flight: a result is fresh for SEARCH_CACHE_SECONDS, then served stale for up to
    SEARCH_STALE_SECONDS more while the one reader that took the build lock (`cache.add`)
    builds it again. When there is no copy at all (new generation, evicted), the first reader
    builds and the others wait for its result, at most SEARCH_BUILD_WAIT seconds. When the
    cache cannot be reached (config/redis_cache.py answers every operation as a miss), there
    is no lock to see: each reader builds, without waiting."""
    full_key = SEARCH_CACHE_KEY.format(generation=search_generation(), key=text_hash(key))
    lock_key = f"{full_key}:building"
    entry = _entry(cache.get(full_key))
    if entry is not None:
        fresh_until, value = entry
        if fresh_until > time.time() or not cache.add(lock_key, 1, SEARCH_BUILD_LOCK_SECONDS):
            return cast(T, value)  # fresh, or stale while another reader builds it again
        return _build_and_store(full_key, lock_key, build)
    if cache.add(lock_key, 1, SEARCH_BUILD_LOCK_SECONDS):
        return _build_and_store(full_key, lock_key, build)
    deadline = time.monotonic() + SEARCH_BUILD_WAIT
    while time.monotonic() < deadline:
        entry = _entry(cache.get(full_key))
        if entry is not None:
            return cast(T, entry[1])
        if cache.get(lock_key) is None:  # the build ended (or failed), or no cache to ask
            break
        _pause.wait(SEARCH_BUILD_POLL)
    entry = _entry(cache.get(full_key))
    if entry is not None:
        return cast(T, entry[1])
    return _build_and_store(full_key, lock_key, build, locked=False)


def _entry(found: object) -> tuple[float, Any] | None:
    """A cached (fresh_until, value), or None for anything else: a value cached by the code
    before single flight (a bare value under the same key) is not served, but built again."""
    if isinstance(found, tuple) and len(found) == 2 and isinstance(found[0], float):
        return found
    return None


# Never set: an interruptible sleep for the readers waiting on another's build.
_pause = threading.Event()


def _build_and_store[T](
    full_key: str, lock_key: str, build: Callable[[], T], *, locked: bool = True
) -> T:
    try:
        value = build()
        cache.set(
            full_key,
            (time.time() + SEARCH_CACHE_SECONDS, value),
            SEARCH_CACHE_SECONDS + SEARCH_STALE_SECONDS,
        )
        return value
    finally:
        if locked:
            cache.delete(lock_key)


def home_listing() -> HomeListing:
    """The home page's recent articles and topics (two queries, or none when cached)."""
    return search_cached(
        "home",
        lambda: HomeListing(recent=articles_recently_updated(), topics=topics_with_counts()),
    )


def results_page(*, query: str, topic: str, page: str | int | None) -> ResultPage:
    """One page (PAGE_SIZE) of the search results for `query`, or of `topic`'s articles when
    there is no query. A page past the end gives the last page, one that is not a number the
    first. Cached under the normalised query and page (search_key, page_number). Three queries
    for search (ranked ids, page, snippets), two for a topic (count, page); none cached."""
    query = search_key(query)
    number = page_number(page)

    def build() -> ResultPage:
        if not query:
            listed = Paginator(articles_in_topic(topic=topic), PAGE_SIZE).get_page(number)
            return ResultPage(
                hits=[SearchHit(article=a, snippet=mark_safe("")) for a in listed.object_list],
                number=listed.number,
                count=listed.paginator.count,
                num_pages=listed.paginator.num_pages,
            )
        ids, more = articles_search(query=query, topic=topic)
        shown = Paginator(ids, PAGE_SIZE).get_page(number)
        page_ids = list(shown.object_list)
        found = _published().in_bulk(page_ids) if page_ids else {}
        snippets = search_snippets(article_ids=page_ids, query=query, full_text=uses_full_text())
        return ResultPage(
            hits=[
                SearchHit(article=found[pk], snippet=snippets.get(pk, mark_safe("")))
                for pk in page_ids
                if pk in found
            ],
            number=shown.number,
            count=shown.paginator.count,
            num_pages=shown.paginator.num_pages,
            more=more,
        )

    return search_cached(f"results\x00{query}\x00{topic}\x00{number}", build)
