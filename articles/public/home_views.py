"""The public home page `/`: recent articles and topics, one topic's articles, and search."""

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.views.decorators.http import require_safe

from articles.public.search import (
    QUERY_SHORTENED,
    SEARCH_MAX_LENGTH,
    home_listing,
    page_number,
    results_page,
    search_cached,
    search_query_clean,
)
from articles.public.views import is_anonymous_reader

TOPIC_MAX_LENGTH = 100  # Article.topic's max_length


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """`/`: recent articles and topics; `?topic=` one topic's articles; `?q=` search results.

    A page number out of range shows the last page; a query too long is cut with a notice.
    Readers without a session all get the same page: its HTML is cached whole (with the
    results, under the search generation, so a publication shows at once).
    """
    query, shortened = search_query_clean(request.GET.get("q", ""))
    topic = " ".join(request.GET.get("topic", "").split())[:TOPIC_MAX_LENGTH]
    page = request.GET.get("page")
    if not is_anonymous_reader(request):
        return HttpResponse(_home_html(request, query, topic, page, shortened=shortened))
    # Normalised like the results' key: `page=1`, no page and `page=abc` are one entry.
    key = f"html\x00{query}\x00{topic}\x00{page_number(page)}\x00{shortened}"
    return HttpResponse(
        search_cached(key, lambda: _home_html(request, query, topic, page, shortened=shortened))
    )


def _home_html(
    request: HttpRequest, query: str, topic: str, page_number: str | None, *, shortened: bool
) -> str:
    context: dict[str, object] = {
        "query": query,
        "topic": topic,
        "shortened_notice": QUERY_SHORTENED.format(limit=SEARCH_MAX_LENGTH) if shortened else "",
    }
    if not query and not topic:
        context["listing"] = home_listing()
        return render_to_string("articles/article_list.html", context, request=request)

    page = results_page(query=query, topic=topic, page=page_number)
    kept = {key: value for key, value in (("q", query), ("topic", topic)) if value}
    context |= {"is_listing": True, "page": page, "page_query": urlencode(kept)}
    if not page.count:
        # The empty state helps the reader on: every topic and the latest articles.
        context["listing"] = home_listing()
    return render_to_string("articles/article_list.html", context, request=request)
