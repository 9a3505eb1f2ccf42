"""Mark the references a Retraction Watch snapshot names (articles.references.retraction_watch)."""

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from articles.references.retraction_watch import NotRetractionWatch, retraction_watch_apply


class Command(BaseCommand):
    help = (
        "Load a Retraction Watch CSV (retraction_watch.csv, as Crossref distributes it): every "
        "reference whose DOI or PMID it lists gets a version marked retracted, expression of "
        "concern or corrected, and the articles citing it are flagged. Safe to run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="The CSV file.")
        parser.add_argument(
            "--as",
            dest="username",
            required=True,
            help="The user the new versions are recorded as changed by (an editor).",
        )

    def handle(self, *args: Any, path: Path, username: str, **options: Any) -> None:
        actor = get_user_model().objects.filter(username=username).first()
        if actor is None:
            raise CommandError(f"No user {username!r}.")
        try:
            with path.open(encoding="utf-8-sig", errors="replace", newline="") as stream:
                report = retraction_watch_apply(stream=stream, actor=actor)
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror or exc}") from exc
        except NotRetractionWatch as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"{report.read} notices read; {report.matched} name a reference of the library; "
            f"{len(report.changed)} reference(s) marked; {report.unchanged} already so; "
            f"{report.not_applied} not applied (reinstatements, no DOI or PMID)."
        )
