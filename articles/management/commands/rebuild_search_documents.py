"""Build the search document of every published article and drop those of unpublished ones.

Run once after upgrading to the full-text search, and after loading articles without the
workflow (bulk imports, benchmark seeds). Safe to run again: unchanged documents are skipped.
"""

from typing import Any

from django.core.management.base import BaseCommand
from django.db import connection

from articles.models import ArticleSearchDocument
from articles.search_documents import search_documents_rebuild


class Command(BaseCommand):
    help = "Build or refresh the public search documents of all published articles."

    def handle(self, *args: Any, **options: Any) -> None:
        written, removed = search_documents_rebuild()
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            # Merge the GIN index's pending entries and refresh the planner's statistics: right
            # after a bulk load the planner would otherwise read every document.
            with connection.cursor() as cursor:
                # Maintenance, not a request: not cut short by DATABASE_STATEMENT_TIMEOUT_MS.
                cursor.execute("SET statement_timeout = 0")
                cursor.execute(f"VACUUM ANALYZE {ArticleSearchDocument._meta.db_table}")
        self.stdout.write(f"Search documents: {written} written, {removed} removed.")
