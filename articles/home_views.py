"""The public home page `/`: recent articles and topics, one topic's articles, and search."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from articles.search import (
    QUERY_SHORTENED,
    SEARCH_MAX_LENGTH,
    articles_in_topic,
    articles_recently_updated,
    articles_search,
    search_hits,
    search_query_clean,
    topics_with_counts,
)

PAGE_SIZE = 10
TOPIC_MAX_LENGTH = 100  # Article.topic's max_length


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """`/`: recent articles and topics; `?topic=` one topic's articles; `?q=` search results.

    A page number out of range shows the last page; a query too long is cut with a notice.
    """
    query, shortened = search_query_clean(request.GET.get("q", ""))
    topic = " ".join(request.GET.get("topic", "").split())[:TOPIC_MAX_LENGTH]
    context: dict[str, object] = {
        "query": query,
        "topic": topic,
        "search_max_length": SEARCH_MAX_LENGTH,
        "shortened_notice": QUERY_SHORTENED.format(limit=SEARCH_MAX_LENGTH) if shortened else "",
    }
    if not query and not topic:
        context |= {"recent": articles_recently_updated(), "topics": topics_with_counts()}
        return render(request, "articles/article_list.html", context)

    articles = (
        articles_search(query=query, topic=topic) if query else articles_in_topic(topic=topic)
    )
    page = Paginator(articles, PAGE_SIZE).get_page(request.GET.get("page"))
    kept = {key: value for key, value in (("q", query), ("topic", topic)) if value}
    context |= {
        "is_listing": True,
        "page": page,
        "page_query": urlencode(kept),
        "hits": search_hits(list(page.object_list), query=query) if query else None,
    }
    if not page.paginator.count:
        # The empty state helps the reader on: every topic and the latest articles.
        context |= {"recent": articles_recently_updated(), "topics": topics_with_counts()}
    return render(request, "articles/article_list.html", context)
