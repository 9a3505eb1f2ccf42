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


def article_last_modified(article: Article) -> datetime | None:
    """The later of the publication of the current text and its approval."""
    revision = article.published_revision
    moments = [article.published_at, revision.approved_at if revision else None]
    return max((moment for moment in moments if moment is not None), default=None)


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
            .order_by("pk")
            .only("slug", "published_at", "published_revision__approved_at")
        )

    def lastmod(self, item: Article) -> datetime | None:
        return article_last_modified(item)

    def get_latest_lastmod(self) -> datetime | None:
        """The newest lastmod of all pages, from one aggregate (Django's walks every item)."""
        moment = Greatest(
            "published_at", Coalesce("published_revision__approved_at", "published_at")
        )
        return articles_published().aggregate(latest=Max(moment))["latest"]


SITEMAPS = {"articles": ArticleSitemap}
