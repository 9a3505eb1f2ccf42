"""The public site's background work (found by config.celery's autodiscovery)."""

from celery import shared_task

from articles.outbox import OutboxTask
from articles.public.prebuild import PREBUILD_BATCH, article_pages_prebuild


@shared_task(base=OutboxTask)
def prebuild_article_pages(after: int = 0, batch: int = PREBUILD_BATCH) -> int | None:
    """Build one batch of article pages (articles.public.prebuild), then queue the next one:
    each task stays short, and a worker's restart loses one batch at most. Idempotent. The
    outbox sends the first one after every page was retired (articles.page_versions)."""
    done = article_pages_prebuild(after=after, batch=batch)
    if done is not None:
        prebuild_article_pages.delay(after=done, batch=batch)
    return done
