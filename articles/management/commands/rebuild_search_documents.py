"""Build the search document of every published article and drop those of unpublished ones.

Run once after upgrading to the full-text search, and after loading articles without the
workflow (bulk imports, benchmark seeds). Safe to run again: unchanged documents are skipped.
"""

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from articles.models import Article, ArticleSearchDocument
from articles.services import article_search_document_refresh


class Command(BaseCommand):
    help = "Build or refresh the public search documents of all published articles."

    def handle(self, *args: Any, **options: Any) -> None:
        removed, _ = ArticleSearchDocument.objects.filter(
            article__published_revision__isnull=True
        ).delete()
        ids = list(
            Article.objects.filter(published_revision__isnull=False)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        for article_id in ids:
            with transaction.atomic():
                article_search_document_refresh(article_id=article_id)
        self.stdout.write(f"Search documents: {len(ids)} published articles, {removed} removed.")
