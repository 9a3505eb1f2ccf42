"""Each article's newest revision and its status are kept by the database (triggers of
migration articles 0021_article_newest, on SQLite and on PostgreSQL): whatever writes a
revision, and even a save of an article read before the revision changed."""

import pytest
from django.db.models import Count

from articles.models import Article, ReviewStatus, Revision
from articles.selectors import articles_with_status
from articles.services import article_create, revision_create_draft
from editorial import workflow
from tests.factories import ArticleFactory, RevisionFactory

pytestmark = pytest.mark.django_db


def _newest(article: Article) -> tuple[int | None, str | None]:
    fresh = Article.objects.values_list("newest_revision_id", "newest_status").get(pk=article.pk)
    return fresh[0], fresh[1]


def test_an_article_created_has_its_first_draft_as_newest(editor):
    article = article_create(title="Is ice useful?", topic="Sports", author=editor)
    assert _newest(article) == (Revision.objects.get(article=article).pk, ReviewStatus.DRAFT)


def test_the_newest_revision_and_its_status_follow_every_write(editor):
    first = RevisionFactory(author=editor)
    article = first.article
    assert _newest(article) == (first.pk, ReviewStatus.DRAFT)
    workflow.revision_submit(revision=first, actor=editor)
    assert _newest(article) == (first.pk, ReviewStatus.SUBMITTED)
    workflow.revision_withdraw(revision=first, actor=editor)
    second = revision_create_draft(article=article, author=editor)
    assert _newest(article) == (second.pk, ReviewStatus.DRAFT)
    # A write that no action makes (an update of many rows) is followed too.
    Revision.objects.filter(pk=second.pk).update(status=ReviewStatus.UNDER_REVIEW)
    assert _newest(article) == (second.pk, ReviewStatus.UNDER_REVIEW)
    second.delete()
    assert _newest(article) == (first.pk, Revision.objects.get(pk=first.pk).status)
    first.delete()
    assert _newest(article) == (None, None)


def test_a_stale_article_saved_keeps_the_newest_status(editor):
    revision = RevisionFactory(author=editor)
    article = revision.article
    stale = Article.objects.get(pk=article.pk)  # read while the revision is a draft
    workflow.revision_submit(revision=revision, actor=editor)
    stale.title = "Is heat useful at all?"
    stale.save()
    assert _newest(article)[1] == ReviewStatus.SUBMITTED


def test_status_filters_and_counts_read_the_column(editor):
    drafts = [RevisionFactory(author=editor) for _ in range(3)]
    workflow.revision_submit(revision=drafts[0], actor=editor)
    ArticleFactory()  # no revision at all
    counts = dict(
        articles_with_status().order_by().values_list("status").annotate(n=Count("pk"))  # type: ignore[misc]
    )
    assert counts == {ReviewStatus.DRAFT: 2, ReviewStatus.SUBMITTED: 1, None: 1}
    sql = str(articles_with_status().filter(status=ReviewStatus.DRAFT).query)
    assert '"newest_status" = draft' in sql.replace("'", "")
