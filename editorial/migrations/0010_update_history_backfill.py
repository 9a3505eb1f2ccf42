"""Existing revisions get an update history: the first revision of each article is its new
article, every later submitted one a major clinical update (a full review: the safe reading);
a revision readers saw gets the day of its first publication, from the audit trail (and the
article's publication for the revision published now). Here, not in articles: the audit
trail is editorial's."""

from django.db import migrations
from django.db.models import Min


def backfill(apps, schema_editor):  # type: ignore[no-untyped-def]
    Article = apps.get_model("articles", "Article")
    Revision = apps.get_model("articles", "Revision")
    AuditEvent = apps.get_model("editorial", "AuditEvent")
    first_numbers = dict(
        Revision.objects.values("article_id")
        .annotate(first=Min("number"))
        .values_list("article_id", "first")
    )
    first_published = dict(
        AuditEvent.objects.filter(action="publish", revision__isnull=False)
        .values("revision_id")
        .annotate(first=Min("created_at"))
        .values_list("revision_id", "first")
    )
    current = dict(
        Article.objects.filter(published_revision__isnull=False).values_list(
            "published_revision_id", "published_at"
        )
    )
    changed = []
    for revision in Revision.objects.filter(change_kind="").iterator():
        is_first = revision.number == first_numbers.get(revision.article_id)
        if is_first:
            revision.change_kind = "new"
        elif revision.submitted_at is not None:
            revision.change_kind = "major"
        published = first_published.get(revision.pk) or current.get(revision.pk)
        if revision.published_at is None and published is not None:
            revision.published_at = published
        changed.append(revision)
    Revision.objects.bulk_update(changed, ["change_kind", "published_at"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0017_revision_change_kind_and_history"),
        ("editorial", "0009_policy_editorial_by_one_editor"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
