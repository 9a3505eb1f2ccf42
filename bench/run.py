"""Time the hot pages on a throwaway database: `make bench` (a script, not a test).

Builds a fresh SQLite database in a temporary folder, seeds the demo plus extra published
articles, then reports requests per second and the median time of each page.
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
os.environ.pop("REDIS_URL", None)
os.environ["DEBUG"] = "false"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

EXTRA_ARTICLES = int(os.environ.get("BENCH_ARTICLES", "200"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "200"))


def seed() -> None:
    from articles.models import AudienceLevel
    from articles.services import article_create, revision_edit
    from editorial import workflow
    from editorial.models import User

    call_command("migrate", verbosity=0)
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    editor = User.objects.get(username="editor")
    canonical = AudienceLevel.objects.get(is_canonical=True)
    for n in range(EXTRA_ARTICLES):
        article = article_create(
            slug=f"bench-{n}", title=f"Bench question {n}?", topic="Bench", author=editor
        )
        revision = revision_edit(
            revision=article.revisions.get(), editor=editor, bodies={canonical: "Text. " * 200}
        )
        workflow.revision_submit(revision=revision, actor=editor)
        workflow.article_publish(revision=revision, actor=editor)


def measure(client: Client, path: str) -> None:
    timings = []
    client.get(path)  # warm up; query counts are pinned by the test suite, not measured here
    for _ in range(REQUESTS):
        start = time.perf_counter()
        response = client.get(path)
        timings.append(time.perf_counter() - start)
        assert response.status_code == 200, (path, response.status_code)
    median = statistics.median(timings)
    print(f"{path:<50} {1 / median:8.0f} req/s  median {median * 1000:6.2f} ms")


def main() -> None:
    setup_test_environment()
    seed()
    anonymous = Client()
    from editorial.models import User

    editor = Client()
    editor.force_login(User.objects.get(username="editor"))
    print(f"{EXTRA_ARTICLES} extra published articles, {REQUESTS} requests per page")
    measure(anonymous, "/healthz")
    measure(anonymous, "/")
    measure(anonymous, "/articles/achilles-tendinopathy-management/")
    measure(editor, "/editorial/")
    measure(editor, "/api/v1/articles/")


if __name__ == "__main__":
    main()
