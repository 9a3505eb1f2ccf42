"""The page built from the database lets PostgreSQL keep a generic plan for its reads by
unique key (articles.sql_rows.generic_plans); every other statement is still planned for its
values (ADR 003), also after a page that was not found. Its stored copy is compressed with
lz4."""

import psycopg
import pytest
from django.core.cache import cache
from django.db import OperationalError, connection
from django.test import Client

from articles.models import StoredPage
from articles.page_versions import local_pages_clear
from articles.public.page_cache import STORED_PAGE_SQL
from articles.public.page_reads import page_statement
from articles.sql_rows import generic_plans
from editorial import workflow
from tests.factories import RevisionFactory

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db]


def _plans_of(sql: str) -> tuple[int, int]:
    """(generic, custom) plans PostgreSQL made for the prepared statement `sql` so far (as
    prepared: "$1", "$2"... for its "%s")."""
    parts = sql.split("%s")
    prepared = parts[0] + "".join(f"${n}{part}" for n, part in enumerate(parts[1:], start=1))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COALESCE(SUM(generic_plans), 0), COALESCE(SUM(custom_plans), 0)"
            " FROM pg_prepared_statements WHERE statement = %s",
            [prepared],
        )
        generic, custom = cursor.fetchone()
    return int(generic), int(custom)


def _plan_cache_mode() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        return str(cursor.fetchone()[0])


def test_the_built_pages_reads_keep_a_generic_plan_and_the_rest_does_not(editor):
    revision = RevisionFactory(author=editor, canonical_body="Rest the heel.")
    workflow.revision_submit(revision=revision, actor=editor)
    url = workflow.article_publish(revision=revision, actor=editor).get_absolute_url()
    # the stored page's lookup (the article's token not cached), then the page's read
    before = [_plans_of(STORED_PAGE_SQL), _plans_of(page_statement())]
    # psycopg prepares a statement at its 5th run; PostgreSQL plans its first 5 runs anyway
    for _ in range(12):
        StoredPage.objects.all().delete()
        cache.clear()
        local_pages_clear()
        assert "Rest the heel." in Client().get(url).text
        assert _plan_cache_mode() == "force_custom_plan"
    for sql, (generic_before, _) in zip([STORED_PAGE_SQL, page_statement()], before, strict=True):
        generic, custom = _plans_of(sql)
        assert generic > generic_before, (sql, generic, custom)


def test_a_page_not_found_leaves_statements_planned_for_their_values(db):
    assert Client().get("/articles/no-such-article/").status_code == 404
    assert _plan_cache_mode() == "force_custom_plan"


def test_the_database_going_away_on_the_setting_is_djangos_error(db, monkeypatch):
    """Sent on the driver's connection, the setting's failure still reads as Django's
    OperationalError: the page answers 503 (config.unavailable), not 500."""
    connection.ensure_connection()

    def gone(*args: object, **kwargs: object) -> None:
        raise psycopg.OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(connection.connection, "execute", gone)
    with pytest.raises(OperationalError, match="server closed"), generic_plans():
        pass


def test_a_page_is_stored_compressed_with_lz4(editor):
    revision = RevisionFactory(author=editor, canonical_body="Rest the heel.")
    workflow.revision_submit(revision=revision, actor=editor)
    url = workflow.article_publish(revision=revision, actor=editor).get_absolute_url()
    StoredPage.objects.all().delete()
    Client().get(url)
    with connection.cursor() as cursor:
        # long enough for PostgreSQL to compress it (2 KB and more)
        cursor.execute("UPDATE articles_storedpage SET html = html || repeat(' ', 4000)")
        cursor.execute("SELECT pg_column_compression(html) FROM articles_storedpage")
        assert cursor.fetchone() == ("lz4",)
