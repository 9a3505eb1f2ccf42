"""sitemap.xml: an index of pages, each the public articles of one block of
IMPRIMATUR_SITEMAP_PAGE_SIZE ids (page N: ids from (N - 1) x size + 1 to N x size), every
article last modified when its text or its review last changed.

Both answers are one query on the partial index `article_sitemap` alone (id, slug,
`sitemap_lastmod`, which the database keeps: migration 0027): a page reads its block's range,
never an OFFSET, so the last page costs what the first does; the index lists the blocks that
have an article with their newest change. The XML is small and written here, escaped.
"""

import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from urllib.parse import quote
from xml.sax.saxutils import escape

from django.conf import settings
from django.db.models import ExpressionWrapper, F, IntegerField, Max
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

from articles.models import Article
from articles.plain_input import row_id
from articles.public.article_page import public_origin

XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'
NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"
PAGE_PARAMETER = "p"
SLUG_MARK = "sitemap-slug"  # replaced by each article's slug in its address
PLAIN_SLUG = re.compile(r"[-a-zA-Z0-9_]+")


def page_size() -> int:
    """Articles per sitemap page, so ids per block (the protocol allows 50,000)."""
    return int(settings.IMPRIMATUR_SITEMAP_PAGE_SIZE)


def sitemap_blocks(*, size: int) -> list[tuple[int, datetime]]:
    """Each block of `size` ids that has a public article, numbered from 1, with its newest
    change, in order (one query, reading the index)."""
    block = ExpressionWrapper((F("pk") - 1) / size + 1, output_field=IntegerField())
    rows = (
        Article.objects.filter(sitemap_lastmod__isnull=False)
        .annotate(block=block)
        .values("block")
        .annotate(newest=Max("sitemap_lastmod"))
        .order_by()  # sorted here: in SQL the planner sorts every row, not the few blocks
        .values_list("block", "newest")
    )
    return sorted(rows)


def sitemap_block_articles(*, block: int, size: int) -> list[tuple[str, datetime]]:
    """The slug and last change of each public article in block `block`, by id (one query,
    reading a range of the index)."""
    rows = (
        Article.objects.filter(
            sitemap_lastmod__isnull=False, pk__gt=(block - 1) * size, pk__lte=block * size
        )
        .order_by("pk")
        .values_list("slug", "sitemap_lastmod")
    )
    return [(slug, lastmod) for slug, lastmod in rows if lastmod is not None]


def w3c_datetime(value: datetime) -> str:
    """`value` in UTC to the second, as the sitemap protocol's W3C datetime."""
    return value.astimezone(UTC).isoformat(timespec="seconds")


def _xml(root: str, items: Iterable[str]) -> HttpResponse:
    body = "".join([XML_HEAD, f'<{root} xmlns="{NAMESPACE}">\n', *items, f"</{root}>\n"])
    return HttpResponse(body, content_type="application/xml; charset=utf-8")


@require_safe
def sitemap_index(request: HttpRequest) -> HttpResponse:
    """The sitemap index: one page for each block of ids that has a public article."""
    page = public_origin(request) + reverse("articles:sitemap_page").lstrip("/")

    def entries() -> Iterator[str]:
        for block, newest in sitemap_blocks(size=page_size()):
            loc = page if block == 1 else f"{page}?{PAGE_PARAMETER}={block}"
            lastmod = w3c_datetime(newest)
            yield f"<sitemap><loc>{escape(loc)}</loc><lastmod>{lastmod}</lastmod></sitemap>\n"

    return _xml("sitemapindex", entries())


@require_safe
def sitemap_page(request: HttpRequest) -> HttpResponse:
    """One block's public articles (`?p=N`, 1 without it); 404 for a block without any."""
    raw = request.GET.get(PAGE_PARAMETER)
    block = 1 if raw is None else row_id(raw)
    if not block:
        raise Http404("No such sitemap page.")
    rows = sitemap_block_articles(block=block, size=page_size())
    if not rows:
        raise Http404("No such sitemap page.")
    path = reverse("articles:detail", kwargs={"slug": SLUG_MARK}).lstrip("/")
    before, after = (escape(part) for part in (public_origin(request) + path).split(SLUG_MARK))
    return _xml(
        "urlset",
        (
            f"<url><loc>{before}{_slug_in_address(slug)}{after}</loc>"
            f"<lastmod>{w3c_datetime(lastmod)}</lastmod></url>\n"
            for slug, lastmod in rows
        ),
    )


def _slug_in_address(slug: str) -> str:
    """`slug` as a path segment, escaped for XML: as it is when it is a plain slug (all that
    articles' addresses match), which needs neither (10,000 of them a page)."""
    return slug if PLAIN_SLUG.fullmatch(slug) else escape(quote(slug))
