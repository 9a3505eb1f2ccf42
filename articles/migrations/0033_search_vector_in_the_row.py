"""The search documents' tsvector kept in the table's row (STORAGE MAIN), not in its TOAST table.

A document's row holds its text (the bench's 3.7 KB compress to about 0.5 KB) and its vector
(about 1.5 KB, which pglz does not compress): more than the 2 KB past which PostgreSQL moves
values out of the row, and the vector, the largest value, went out. The search tests and ranks
each of its candidates by its vector (1,366 tested and 501 ranked for a common word), so each
cost a look-up in the TOAST index and its pages, twice: 4,500 of the ranking statement's 6,300
buffers at 100,000 articles, which ran in 3.3 to 4.8 ms and now in 1.8 to 2.0 (BENCHMARKS.md,
"Search: the snippets from a window of the text, the vectors in their rows"). With STORAGE MAIN
the text, which only the snippets of the page shown read, goes out first. A vector too large
for a row by itself (a text of many thousand words) still goes out. VACUUM FULL rewrites the
table, which places every existing value again by the new rule (and, unlike writing each vector
again, leaves no dead half of the table for the candidates' scan to walk): it locks the table
while it runs, about 6 s for 100,000 documents, so the migration is not atomic (VACUUM cannot
run in a transaction). PostgreSQL only: SQLite has no such storage and stores no vector.
"""

from django.db import migrations

TABLE = "articles_articlesearchdocument"


def vectors_in_rows(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER TABLE {TABLE} ALTER COLUMN search_vector SET STORAGE MAIN")
    # Maintenance, not a request: not cut short by the production settings' statement timeout
    # (as articles.migration_sql.per_vendor, whose SET LOCAL needs the transaction this has not).
    schema_editor.execute("SET statement_timeout = 0")
    try:
        schema_editor.execute(f"VACUUM FULL {TABLE}")
    finally:
        schema_editor.execute("RESET statement_timeout")


def vectors_toasted(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER TABLE {TABLE} ALTER COLUMN search_vector SET STORAGE EXTENDED")


class Migration(migrations.Migration):
    atomic = False
    dependencies = [
        ("articles", "0032_reference_by_created"),
    ]

    operations = [
        migrations.RunPython(vectors_in_rows, vectors_toasted),
    ]
