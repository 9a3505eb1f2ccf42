"""A browser's revalidation of an article page, answered before most of the middleware."""

import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from articles.public.page_cache import article_page_local
from articles.public.views import (
    anonymous_page_key,
    is_anonymous_reader,
    is_revalidation,
    not_modified,
)

ARTICLE_PATH = re.compile(r"/articles/(?P<slug>[-a-zA-Z0-9_]+)/\Z")


class ArticleRevalidationMiddleware:
    """An anonymous reader's browser asking whether its copy of an article page is still
    current (If-None-Match with the page's ETag), when this process keeps the page
    (articles.public.page_cache.article_page_local): 304 at once. Placed after the security and
    static-file middleware and before the session, CSRF, authentication and message
    middleware, which have nothing to do for an answer without a body and without a reader.
    Every other request, including a revalidation this process cannot answer from its own
    copy, goes on to articles.public.views.article_detail, which answers it the same way."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "HTTP_IF_NONE_MATCH" in request.META and request.method in ("GET", "HEAD"):
            match = ARTICLE_PATH.match(request.path_info)
            if match is not None and is_anonymous_reader(request):
                origin, _, wanted = anonymous_page_key(request)
                page = article_page_local(
                    slug=match["slug"],
                    origin=origin,
                    wanted=wanted,
                    now=timezone.now().timestamp(),
                )
                if page is not None and is_revalidation(request, page.validators):
                    return not_modified(page.validators)
        return self.get_response(request)
