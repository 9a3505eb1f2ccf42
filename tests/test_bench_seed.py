"""The bench's bulk seed writes the search documents and passages the real code would: after
it, `search_documents_rebuild` finds nothing to change, and rebuilding them from scratch makes
the same rows (bench.seed_search copies them by SQL from one article per body variant); and it
leaves the board's counts per status folded, as Celery beat would."""

import pytest
from django.db import connection

from articles.models import ArticlePassage, ArticleSearchDocument, StatusCount
from articles.search_documents import search_documents_rebuild
from articles.status_counts import article_status_counts
from bench.seed import VARIANTS, seed
from tests.articles.test_status_counts import counted_by_status

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db]


def _documents() -> dict[int, tuple[object, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT article_id, revision_id, body_text, text_hash, search_vector::text "  # noqa: S608
            f"FROM {ArticleSearchDocument._meta.db_table}"
        )
        return {row[0]: row[1:] for row in cursor.fetchall()}


def _passages() -> set[tuple[object, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT article_id, revision_id, audience_id, position, anchor, text, "  # noqa: S608
            f'"references"::text, search_vector::text FROM {ArticlePassage._meta.db_table}'
        )
        return set(cursor.fetchall())


def test_the_seed_writes_what_the_rebuild_would() -> None:
    articles = VARIANTS * 2 + 3  # every variant copied at least once
    seed(articles=articles)
    documents, passages = _documents(), _passages()
    assert len(documents) == articles
    assert len({row[0] for row in passages}) == articles  # each article's passages

    assert search_documents_rebuild() == (0, 0)  # nothing to bring up to date
    # The board's counts, folded as Celery beat would: one row per status, as counted.
    counted = counted_by_status()
    assert article_status_counts() == counted
    assert StatusCount.objects.count() == len(counted)

    ArticleSearchDocument.objects.all().delete()
    ArticlePassage.objects.all().delete()
    assert search_documents_rebuild() == (articles, 0)
    rebuilt = _documents()
    assert {pk: row[:4] for pk, row in rebuilt.items()} == {
        pk: row[:4] for pk, row in documents.items()
    }
    assert rebuilt == documents  # the weighted vectors too, each with its own title
    assert _passages() == passages
