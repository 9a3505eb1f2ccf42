"""sitemap.xml: an index of pages of at most IMPRIMATUR_SITEMAP_PAGE_SIZE published articles,
every article last modified when its text or its review last changed. Each page is one query on the
primary key's order (plus the paginator's count); the index asks the newest change with one
aggregate, never by walking the articles."""

from datetime import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Max, QuerySet
from django.db.models.functions import Coalesce, Greatest

from articles.models import Article
from articles.selectors import articles_published


def last_modified() -> Greatest:
    """An article's last change in SQL: the later of the publication of its current text and
    that text's approval. Each page's entries and the index's newest change both use it."""
    return Greatest("published_at", Coalesce("published_revision__approved_at", "published_at"))


# django-stubs makes Sitemap generic; Django's own class is not subscriptable at run time.
if TYPE_CHECKING:
    ArticleSitemapBase = Sitemap[Article]
else:
    ArticleSitemapBase = Sitemap


class ArticleSitemap(ArticleSitemapBase):
    changefreq = "monthly"

    @property
    def limit(self) -> int:  # type: ignore[override]
        """URLs per sitemap page (the protocol allows 50,000)."""
        return int(settings.IMPRIMATUR_SITEMAP_PAGE_SIZE)

    def items(self) -> QuerySet[Article]:
        return (
            articles_published()
            .select_related(None)  # only the slug and the date are printed
            .annotate(last_modified=last_modified())
            .order_by("pk")
            .only("slug")
        )

    def lastmod(self, item: Article) -> datetime | None:
        return item.last_modified  # type: ignore[attr-defined]

    def get_latest_lastmod(self) -> datetime | None:
        """The newest lastmod of all pages, from one aggregate (Django's walks every item)."""
        return articles_published().aggregate(latest=Max(last_modified()))["latest"]


SITEMAPS = {"articles": ArticleSitemap}
