"""Reference files kept in pieces (ImportChunk, ADR 018) instead of one text column: a file
still waiting for its confirm or its task is moved into pieces of 1 MB."""

import django.db.models.deletion
from django.db import migrations, models

CHUNK_BYTES = 1024 * 1024


def text_to_chunks(apps, schema_editor):  # type: ignore[no-untyped-def]
    upload_model = apps.get_model("articles", "ImportUpload")
    chunk_model = apps.get_model("articles", "ImportChunk")
    for upload in upload_model.objects.exclude(text="").iterator():
        data = upload.text.encode("utf-8")
        chunk_model.objects.bulk_create(
            chunk_model(upload=upload, number=n, data=data[start : start + CHUNK_BYTES])
            for n, start in enumerate(range(0, len(data), CHUNK_BYTES))
        )
        upload_model.objects.filter(pk=upload.pk).update(size=len(data))


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0028_citation_flag_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="importupload",
            name="size",
            field=models.PositiveBigIntegerField(default=0),
        ),
        migrations.CreateModel(
            name="ImportChunk",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("number", models.PositiveIntegerField()),
                ("data", models.BinaryField()),
                (
                    "upload",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="chunks",
                        to="articles.importupload",
                    ),
                ),
            ],
            options={
                "ordering": ["upload", "number"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("upload", "number"), name="import_chunk_once"
                    )
                ],
            },
        ),
        migrations.RunPython(text_to_chunks, migrations.RunPython.noop),
        migrations.RemoveField(model_name="importupload", name="text"),
    ]
