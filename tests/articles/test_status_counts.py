"""The articles counted per newest status by the database's triggers (migration articles 0035,
on SQLite and on PostgreSQL) agree with a count of the articles whatever changes them, and
folding the rows loses nothing, even beside a transaction still adding rows."""

from datetime import timedelta

import psycopg
import pytest
from django.db import connection
from django.db.models import Count

from articles.models import Article, ReviewStatus, Revision, StatusCount
from articles.status_counts import article_status_counts, article_status_counts_fold
from articles.tasks import fold_status_counts
from editorial import workflow
from editorial.models import ReviewAssignment, ReviewDecision
from tests.factories import ArticleFactory, RevisionFactory, assign_ready


def counted_by_status() -> dict[str | None, int]:
    """Articles per newest status, counted from the articles themselves."""
    rows = Article.objects.order_by().values("newest_status").annotate(n=Count("pk"))
    return {row["newest_status"]: row["n"] for row in rows}


def _agree() -> dict[str | None, int]:
    counts = article_status_counts()
    assert counts == counted_by_status()
    return counts


@pytest.mark.django_db
def test_the_counts_follow_every_change_of_an_articles_newest_status(
    editor, reviewer, second_reviewer
):
    assert _agree() == {}
    empty = ArticleFactory()  # no revision yet
    drafts = [RevisionFactory(author=editor) for _ in range(3)]
    assert _agree() == {None: 1, ReviewStatus.DRAFT: 3}

    revision = workflow.revision_submit(revision=drafts[0], actor=editor)
    assign_ready(revision, editor=editor, reviewer=reviewer)
    assign_ready(revision, editor=editor, reviewer=second_reviewer)
    assert _agree() == {None: 1, ReviewStatus.DRAFT: 2, ReviewStatus.UNDER_REVIEW: 1}
    for member in (reviewer, second_reviewer):
        workflow.revision_approve(revision=Revision.objects.get(pk=revision.pk), actor=member)
    assert _agree() == {None: 1, ReviewStatus.DRAFT: 2, ReviewStatus.APPROVED: 1}

    # A second revision of a draft's article is its newest; an article deleted goes.
    RevisionFactory(article=drafts[1].article, author=editor, number=drafts[1].number + 1)
    workflow.revision_submit(revision=drafts[2], actor=editor)
    drafts[2].article.delete()
    assert _agree() == {None: 1, ReviewStatus.DRAFT: 1, ReviewStatus.APPROVED: 1}

    # A save of an article read before its revision changed cannot count it wrongly.
    stale = Article.objects.get(pk=empty.pk)
    RevisionFactory(article=empty, author=editor)
    stale.title = "Renamed"
    stale.save()
    # Writes no action makes: a revision's status set by an update, a revision deleted.
    Revision.objects.filter(pk=drafts[1].pk).update(status=ReviewStatus.SUBMITTED)
    Revision.objects.filter(article=drafts[1].article).order_by("-number").first().delete()
    assert _agree() == {ReviewStatus.DRAFT: 1, ReviewStatus.SUBMITTED: 1, ReviewStatus.APPROVED: 1}


@pytest.mark.django_db
def test_folding_leaves_one_row_per_status_with_the_same_counts(editor):
    for _ in range(4):
        workflow.revision_submit(revision=RevisionFactory(author=editor), actor=editor)
    RevisionFactory(author=editor)
    before = _agree()
    rows = StatusCount.objects.count()
    assert rows > len(before)  # +1 and -1 rows as each article moved

    assert article_status_counts_fold() == rows
    assert _agree() == before == {ReviewStatus.DRAFT: 1, ReviewStatus.SUBMITTED: 4}
    assert sorted(StatusCount.objects.values_list("status", "n")) == [
        (ReviewStatus.DRAFT, 1),
        (ReviewStatus.SUBMITTED, 4),
    ]
    # A status no article has any more is not kept.
    Revision.objects.update(status=ReviewStatus.DRAFT)
    article_status_counts_fold()
    assert list(StatusCount.objects.values_list("status", "n")) == [(ReviewStatus.DRAFT, 5)]


def test_beat_folds_the_counts_hourly(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["fold-status-counts"]
    assert (entry["task"], entry["schedule"]) == (fold_status_counts.name, timedelta(hours=1))


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_fold_beside_a_transaction_adding_rows_loses_none_of_them(editor):
    for _ in range(3):
        RevisionFactory(author=editor)
    other = psycopg.connect(**connection.get_connection_params(), autocommit=False)
    try:
        # Another connection adds an article and moves one to Submitted, not yet committed.
        other.execute(
            "INSERT INTO articles_article (slug, title, topic, page_version,"
            " review_interval_months, created_at, updated_at)"
            " VALUES ('other', 'Other', 'Knees', 1, 12, now(), now())"
        )
        other.execute(
            "UPDATE articles_revision SET status = 'submitted' WHERE id = %s",
            [Revision.objects.order_by("pk").first().pk],
        )
        assert article_status_counts_fold() > 0  # waits for none of the other's rows
        other.commit()
    finally:
        other.close()
    assert _agree() == {None: 1, ReviewStatus.DRAFT: 2, ReviewStatus.SUBMITTED: 1}
    article_status_counts_fold()
    assert _agree() == {None: 1, ReviewStatus.DRAFT: 2, ReviewStatus.SUBMITTED: 1}


@pytest.mark.django_db
@pytest.mark.parametrize("counts_first", [True, False])
def test_emptying_every_table_one_after_another_leaves_no_count_behind(
    counts_first, editor, reviewer, second_reviewer
):
    # As SQLite's flush does (transactional tests, `manage.py flush`): a DELETE of each table,
    # in no particular order, the triggers firing.
    revision = workflow.revision_submit(revision=RevisionFactory(author=editor), actor=editor)
    for member in (reviewer, second_reviewer):
        assign_ready(revision, editor=editor, reviewer=member)
    workflow.revision_approve(revision=Revision.objects.get(pk=revision.pk), actor=reviewer)
    RevisionFactory(author=editor)
    counts = StatusCount._meta.db_table
    # Last, in this order: revisions (their articles' newest status changes), decisions (each
    # touches an assignment whose revision is gone), assignments, articles.
    last = [model._meta.db_table for model in (Revision, ReviewDecision, ReviewAssignment, Article)]
    tables = sorted(connection.introspection.django_table_names(only_existing=True))
    tables = [table for table in tables if table not in (counts, *last)] + last
    with connection.cursor() as cursor:
        for table in [counts, *tables] if counts_first else [*tables, counts]:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")  # noqa: S608
    assert not StatusCount.objects.exists()
