"""Store the public HTML of bodies that do not have it yet: `manage.py bodies_render`.

Bodies are rendered and stored when their revision is submitted or published; this fills in
revisions from before that, and with --force renders again (after a change of the renderer).
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from articles.models import Article, Revision
from articles.page_versions import article_pages_invalidate_all
from articles.services import revision_bodies_render


class Command(BaseCommand):
    help = "Store the rendered HTML of published (or, with --all, submitted) revisions' bodies."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--all", action="store_true", help="every submitted revision, not only published"
        )
        parser.add_argument(
            "--force", action="store_true", help="render bodies already stored again"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        revisions = Revision.objects.filter(submitted_at__isnull=False).order_by("pk")
        if not options["all"]:
            published = Article.objects.filter(published_revision__isnull=False)
            revisions = revisions.filter(pk__in=published.values("published_revision"))
        rendered = sum(
            revision_bodies_render(revision=revision, force=options["force"])
            for revision in revisions.iterator(chunk_size=200)
        )
        if rendered:
            article_pages_invalidate_all()  # cached pages hold the earlier HTML
        self.stdout.write(f"Rendered {rendered} bodies.")
