"""Indexes for the API's article list, a page by keyset in each order it offers
(editorial.api.pagination): title, creation, publication. Publication newest first with the
unpublished last (DESC NULLS LAST) is an index SQLite cannot declare: PostgreSQL only."""

from django.db import migrations, models

PUBLISHED_DESC = (
    "CREATE INDEX article_by_published_desc ON articles_article "
    "(published_at DESC NULLS LAST, id DESC)"
)


def _published_desc(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PUBLISHED_DESC)


def _published_desc_drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX article_by_published_desc")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0024_answer_passages"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="article",
            index=models.Index(fields=["title", "id"], name="article_by_title"),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(fields=["created_at", "id"], name="article_by_created"),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(fields=["published_at", "id"], name="article_by_published"),
        ),
        migrations.RunPython(_published_desc, _published_desc_drop),
    ]
