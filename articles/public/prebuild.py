"""Building the anonymous readers' article pages before anyone asks for them, in batches: after
a deployment (a new code build retires every stored page) or a change of what every page shows
(the levels, a reviewer's public profile), so that no reader pays for a rebuild.

Each page is built by the view itself (articles.public.views.article_detail), as for the first
reader of the public address (IMPRIMATUR_PUBLIC_ORIGIN, else SITE_URL) at each level: the same
code, the same checks, the same stored and cached page. A page still valid is only read.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from articles.models import Article
from articles.public.views import article_detail
from articles.selectors import audience_levels

PREBUILD_BATCH = 100  # articles per batch (each a few pages: one per level)


def article_pages_prebuild(*, after: int = 0, batch: int = PREBUILD_BATCH) -> int | None:
    """Build (or find still valid) the pages of every level of up to `batch` published articles
    whose id is above `after`, in id order; returns the last id done, None when none was left.
    Idempotent."""
    articles = list(
        Article.objects.filter(published_revision__isnull=False, pk__gt=after)
        .order_by("pk")
        .values_list("pk", "slug")[:batch]
    )
    if not articles:
        return None
    address = urlsplit(settings.IMPRIMATUR_PUBLIC_ORIGIN or settings.SITE_URL)
    requests = RequestFactory(headers={"host": address.netloc}, secure=address.scheme == "https")
    levels = audience_levels()
    for _, slug in articles:
        for level in levels:
            request = requests.get(f"/articles/{slug}/", {"audience": level.slug})
            request.user = AnonymousUser()
            article_detail(request, slug)
    return articles[-1][0]
