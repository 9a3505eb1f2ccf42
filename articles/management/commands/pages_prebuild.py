"""Build the public article pages before readers ask for them: `manage.py pages_prebuild`.

Run after a deployment or a change of the audience levels (articles.public.prebuild); with
--queue, the Celery workers do it, one batch per task.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from articles.public.prebuild import PREBUILD_BATCH, article_pages_prebuild
from articles.public.tasks import prebuild_article_pages


class Command(BaseCommand):
    help = "Build and store every published article's public page at each level, in batches."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", type=int, default=PREBUILD_BATCH, help="articles a batch")
        parser.add_argument(
            "--queue", action="store_true", help="leave it to the Celery workers, a batch a task"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["queue"]:
            prebuild_article_pages.delay(after=0, batch=options["batch"])
            self.stdout.write("Queued.")
            return
        after, batches = 0, 0
        while (done := article_pages_prebuild(after=after, batch=options["batch"])) is not None:
            after, batches = done, batches + 1
            self.stdout.write(f"Batch {batches}: articles up to id {after}.")
        self.stdout.write(f"Built the pages of {batches} batch(es).")
