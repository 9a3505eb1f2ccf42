"""sitemap.xml: every published article, last modified when its text or its review last changed."""

from datetime import datetime
from typing import TYPE_CHECKING

from django.contrib.sitemaps import Sitemap
from django.db.models import QuerySet

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

    def items(self) -> QuerySet[Article]:
        return articles_published().order_by("pk")

    def lastmod(self, item: Article) -> datetime | None:
        return article_last_modified(item)


SITEMAPS = {"articles": ArticleSitemap}
