"""Indexes for the reference library's search (articles.references.selectors.references_matching)
at 100,000 references: pg_trgm GIN indexes for its `LIKE '%…%'` conditions, on the same
expressions Django's lookups write (`UPPER(col::text)` for icontains, the column for contains),
and B-trees on the identifiers. The pg_trgm extension and the GIN indexes are PostgreSQL's;
on SQLite both are no-ops (TrigramExtension checks the vendor itself), the B-trees are made on
every database."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

# (index name, table, indexed expression); each `gin (<expression> gin_trgm_ops)`.
TRIGRAM_INDEXES = [
    ("reference_key_trgm", "articles_reference", 'UPPER(("key")::text)'),
    ("reference_title_trgm", "articles_referenceversion", '("title_normalised")::text'),
    ("reference_container_trgm", "articles_referenceversion", 'UPPER(("container")::text)'),
    ("reference_authors_trgm", "articles_referenceversion", "UPPER(((\"csl\" ->> 'author'))::text)"),
]


def trigram_indexes_create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, table, expression in TRIGRAM_INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (({expression}) gin_trgm_ops)"
        )


def trigram_indexes_drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _, _ in TRIGRAM_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0015_plain_language_vocabulary"),
    ]

    operations = [
        TrigramExtension(),
        migrations.RunPython(trigram_indexes_create, trigram_indexes_drop),
        migrations.AddIndex(
            model_name="referenceversion",
            index=models.Index(fields=["doi"], name="reference_doi"),
        ),
        migrations.AddIndex(
            model_name="referenceversion",
            index=models.Index(fields=["pmid"], name="reference_pmid"),
        ),
        migrations.AddIndex(
            model_name="referenceversion",
            index=models.Index(fields=["pmcid"], name="reference_pmcid"),
        ),
    ]
