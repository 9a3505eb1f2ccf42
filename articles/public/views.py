"""The public site: one published article, and the load balancer's probe."""

from collections.abc import Callable
from datetime import UTC, datetime, time

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseNotModified,
    HttpResponsePermanentRedirect,
)
from django.middleware.csrf import get_token
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.views.decorators.http import require_GET, require_POST

from articles.models import (
    Article,
    text_hash,
)
from articles.page_versions import article_page_pointer_forget
from articles.public.article_page import ArticleRequest, article_page_html, public_origin
from articles.public.page_cache import (
    CachedLevels,
    CachedPage,
    PageLookup,
    Validators,
    article_page_keep_local,
    article_page_lookup,
    article_page_pointer,
    article_page_store,
    cached_levels,
    stored_page_get,
    stored_page_of,
    stored_page_params,
    stored_page_save,
)
from articles.public.page_reads import PublishedRead, article_page_read, article_published_read
from articles.public.reader import (
    AUDIENCE_COOKIE,
    audience_cookie_remember,
    audience_cookie_set,
    reader_audience,
    reader_wanted,
)
from articles.selectors import (
    article_published_get,
    article_slug_moved_to,
    audience_from_slug,
    audience_levels,
    reader_body_of,
    review_dates_of,
)
from articles.services import reader_preference_set
from articles.sql_rows import generic_plans

UNKNOWN_AUDIENCE = "Choose one of the listed audiences."


ARTICLE_REQUEST_ATTRIBUTE = "_imprimatur_article_request"


def article_published_or_404(*, slug: str) -> Article:
    try:
        return article_published_get(slug=slug)
    except Article.DoesNotExist as exc:
        raise Http404("No published article here.") from exc


def article_request_get(request: HttpRequest, slug: str) -> ArticleRequest | None:
    """The published article `slug` as this request reads it, with the body its reader reads
    (one query: articles.public.page_reads), or None; memoised on `request`."""
    found: ArticleRequest | None = getattr(request, ARTICLE_REQUEST_ATTRIBUTE, None)
    if found is not None and found.article.slug == slug:
        return found
    wanted = reader_wanted(request)
    read = article_published_read(slug=slug, wanted=wanted)
    return None if read is None else article_request_of(request, read, wanted=wanted)


def article_request_of(
    request: HttpRequest, read: PublishedRead, *, wanted: tuple[str | None, ...]
) -> ArticleRequest:
    """The ArticleRequest of `read` for the reader who wants `wanted`; memoised on `request`."""
    article, revision = read.article, read.article.published_revision
    assert revision is not None  # the statement only returns published ones
    audience = reader_audience(request, read.levels, wanted=wanted)
    review_dates = review_dates_of(revision=revision, rows=read.revisions, article=article)
    found = ArticleRequest(
        article=article,
        revision=revision,
        levels=read.levels,
        audience=audience,
        review_dates=review_dates,
        reading=reader_body_of(bodies=read.bodies, audience=audience, levels=read.levels),
        approvers=read.approvers_of(review_dates.reviewed),
    )
    setattr(request, ARTICLE_REQUEST_ATTRIBUTE, found)
    return found


# Where a reader with a session has their CSRF token (the logout form, the POST picker) while
# the page's fingerprint is taken; replaced by get_token's value afterwards.
CSRF_PLACEHOLDER = "imprimatur-csrf-token-placeholder-5d1c0f"


def article_content_etag(html: str) -> str:
    """The page's own fingerprint: it changes with anything the page shows, a reviewer's
    corrected credentials or a reference retracted since as much as the text. It is the whole
    ETag for anonymous readers, whose page holds nothing of theirs."""
    return text_hash(html)


def reader_etag(request: HttpRequest, *, content_etag: str, user_pk: object = "") -> str:
    """For a reader with a session, whose page holds their CSRF token and, logged in, their
    name: a copy a browser kept from before its CSRF cookie changed must not be reused."""
    csrf_cookie = request.COOKIES.get(settings.CSRF_COOKIE_NAME, "")
    return text_hash(f"{content_etag}|{user_pk}|{csrf_cookie}")


def article_last_modified(found: ArticleRequest) -> datetime:
    """The latest of: the article's own change, its publication, its approval, and the due
    date once the review is overdue (the page changes then)."""
    dates = found.review_dates
    moments = [found.article.updated_at, found.article.published_at, dates.last_reviewed]
    if dates.is_overdue and dates.next_due is not None:
        moments.append(datetime.combine(dates.next_due, time.min, tzinfo=UTC))
    return max(moment for moment in moments if moment is not None)


def is_anonymous_reader(request: HttpRequest) -> bool:
    """No session (so no account, no flash messages in it) and no flash messages cookie:
    the page is the same bytes for every such reader of a level. Makes no query."""
    return (
        settings.SESSION_COOKIE_NAME not in request.COOKIES
        and CookieStorage.cookie_name not in request.COOKIES
    )


CONDITIONAL_HEADERS = frozenset(
    ["HTTP_IF_MATCH", "HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_UNMODIFIED_SINCE"]
)


def article_response(
    request: HttpRequest, *, page: Callable[[], str | bytes], validators: Validators
) -> HttpResponse:
    """304 when the request's validators match, else 200 with `page()`: a 304 neither builds
    the page nor touches the CSRF token (a new CSRF cookie would not match the kept page)."""
    response: HttpResponse
    if not CONDITIONAL_HEADERS.intersection(request.META):
        response = HttpResponse(page())
    elif is_revalidation(request, validators):
        return not_modified(validators)
    else:
        response = get_conditional_response(
            request, etag=validators.etag, last_modified=validators.last_modified
        ) or HttpResponse(page())
    article_headers(response, validators)
    return response


def anonymous_page_key(request: HttpRequest) -> tuple[str, str | None, tuple[str | None, ...]]:
    """What an anonymous reader's page is kept under: the address the page names itself under
    (public_origin: one for every host name when configured), the level asked for in
    `?audience=` and the levels wanted (that one, then the cookie's)."""
    origin = public_origin(request)
    # Most requests have no query string: no QueryDict to build for them.
    asked = request.GET.get("audience") if request.META.get("QUERY_STRING") else None
    return origin, asked, (asked, request.COOKIES.get(AUDIENCE_COOKIE))


def is_revalidation(request: HttpRequest, validators: Validators) -> bool:
    """A browser revalidating its copy, the commonest conditional request: its If-None-Match
    is exactly the page's ETag, and no If-Match or If-Unmodified-Since could make it a 412.
    get_conditional_response would answer 304; this is known without parsing anything."""
    meta = request.META
    return (
        meta.get("HTTP_IF_NONE_MATCH") == validators.etag
        and "HTTP_IF_MATCH" not in meta
        and "HTTP_IF_UNMODIFIED_SINCE" not in meta
    )


def not_modified(validators: Validators) -> HttpResponse:
    response = HttpResponseNotModified()
    article_headers(response, validators)
    return response


def article_headers(response: HttpResponse, validators: Validators) -> None:
    response.headers["ETag"] = validators.etag
    response.headers["Last-Modified"] = validators.last_modified_header
    # The page differs by the reader's cookie and account: no shared cache may mix them up.
    # (A response of our own: no Vary yet to merge with.)
    response.headers["Vary"] = "Cookie"


@require_GET
def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """The published article at the reader's level. Anonymous readers get the page from the
    cache (articles.public.page_cache) without a query, or its stored copy with one; a 304
    likewise. An address the article had before answers with a permanent redirect."""
    try:
        return _article_detail(request, slug)
    except Http404:
        moved_to = article_slug_moved_to(slug=slug)
        if moved_to is None:
            raise
        query = request.META.get("QUERY_STRING", "")
        target = reverse("articles:detail", kwargs={"slug": moved_to})
        return HttpResponsePermanentRedirect(f"{target}?{query}" if query else target)


def _article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    if not is_anonymous_reader(request):
        return _article_detail_for_reader(request, slug)
    origin, asked, wanted = anonymous_page_key(request)
    now = timezone.now().timestamp()
    lookup = article_page_lookup(slug=slug, origin=origin, wanted=wanted, now=now)
    cached = lookup.page
    if cached is None:
        levels = lookup.levels
        if levels is None:  # the cache has lost them too
            levels = cached_levels(levels=audience_levels())
        cached = _article_page_build(
            request, slug=slug, origin=origin, wanted=wanted, lookup=lookup, now=now, levels=levels
        )
    response = article_response(request, page=lambda: cached.content, validators=cached.validators)
    if asked is not None:
        audience_cookie_remember(request, response, audience=cached.audience)
    return response


# Every read and write of a page built is by unique key (slug, revision, page): planned once
# per connection, not per run.
@generic_plans()
def _article_page_build(
    request: HttpRequest,
    *,
    slug: str,
    origin: str,
    wanted: tuple[str | None, ...],
    lookup: PageLookup,
    now: float,
    levels: CachedLevels,
) -> CachedPage:
    """The anonymous readers' page missing from the cache: its stored copy (one query), kept by
    this process for a moment; else built from the database, stored, and put in the cache.

    A stored page is not copied into the shared cache: the copy (a 14 KB write) costs about as
    much as reading the stored page again, and pays only for a page read again soon by another
    process, while each process's own copy already takes the reads of a busy page."""
    pointer = lookup.pointer
    created = False
    if pointer is None:
        # The article's token must be had before the database is read for a page built (see
        # articles.public.page_cache), and making it is a round trip a stored page does not
        # need: its stored page alone first.
        stored = stored_page_get(slug=slug, origin=origin, wanted=wanted, levels=levels, now=now)
        if stored.page is not None:
            article_page_keep_local(slug=slug, origin=origin, wanted=wanted, page=stored.page)
            return stored.page
        pointer, created = article_page_pointer(slug=slug)
    # The stored page again (one may have been stored meanwhile) and, without one, the article:
    # one statement (articles.public.page_reads).
    stored_key = stored_page_params(slug=slug, origin=origin, wanted=wanted, levels=levels)
    read = article_page_read(slug=slug, wanted=wanted, stored=stored_key)
    stored = stored_page_of(read.stored, wanted=wanted, levels=levels, now=now)
    if stored.page is not None:
        article_page_keep_local(slug=slug, origin=origin, wanted=wanted, page=stored.page)
        return stored.page
    published = read.published
    if published is None and read.stored[1] is not None:  # stored, but the review is due
        published = article_page_read(slug=slug, wanted=wanted).published
    if published is None:
        if created:
            article_page_pointer_forget(slug=slug)
        raise Http404("No published article here.")
    found = article_request_of(request, published, wanted=wanted)
    html = article_page_html(request, found)
    review_dates = found.review_dates
    page = CachedPage(
        html=html,
        etag=article_content_etag(html),
        audience=found.audience.slug,
        last_modified=article_last_modified(found),
        stale_from=None if review_dates.is_overdue else review_dates.next_due,
        levels_token=levels.token,
        pointer_token=pointer,
    )
    # Only when the cached levels agree with the database's (an administrator may have just
    # changed them): another key would serve this page to readers of another level.
    if levels.resolve(*wanted) == found.audience.slug:
        article_page_store(slug=slug, origin=origin, levels=levels, wanted=wanted, page=page)
        stored_page_save(
            article=found.article,
            origin=origin,
            audience=levels.page_slug(*wanted),
            # Read with the article, before the rest of the page: never newer than the page.
            version=found.article.page_version,
            # Read with the article (one statement, one snapshot): a generation raised since
            # retires this page.
            generation=stored.generation,
            page=page,
        )
    return page


def _article_detail_for_reader(request: HttpRequest, slug: str) -> HttpResponse:
    """The page for a reader with a session (logged in, or with flash messages): not cached."""
    found = article_request_get(request, slug)
    if found is None:
        raise Http404("No published article here.")
    user_pk = request.user.pk if request.user.is_authenticated else ""
    # Built even for a 304 (these readers are few): its fingerprint is the ETag.
    html = article_page_html(request, found, csrf_token=CSRF_PLACEHOLDER)

    def page() -> str:
        if CSRF_PLACEHOLDER not in html:  # flash messages only: no form needs the token
            return html
        return html.replace(CSRF_PLACEHOLDER, get_token(request))

    validators = Validators.of(
        etag=reader_etag(request, content_etag=article_content_etag(html), user_pk=user_pk),
        last_modified=article_last_modified(found),
    )
    response = article_response(request, page=page, validators=validators)
    if not request.user.is_authenticated:  # an account keeps its own choice (POST picker)
        audience_cookie_remember(request, response, audience=found.audience.slug)
    return response


@require_POST
def article_audience_choose(request: HttpRequest, slug: str) -> HttpResponse:
    """Remember the reader's level (cookie, and the account when logged in); back to the article."""
    article = article_published_or_404(slug=slug)
    audience = audience_from_slug(audience_levels(), request.POST.get("audience"))
    if audience is None:
        return HttpResponseBadRequest(UNKNOWN_AUDIENCE)
    if request.user.is_authenticated:
        reader_preference_set(user=request.user, audience=audience)
    response = redirect(article)
    audience_cookie_set(request, response, slug=audience.slug)
    return response
