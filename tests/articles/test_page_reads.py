"""The page's hand-written reads (articles.public.page_reads) agree with the selectors whose
rules they write again as SQL for speed."""

from django.utils import timezone

from articles.models import Article, Revision
from articles.public.page_reads import article_published_read
from articles.selectors import revisions_up_to
from tests.factories import ArticleFactory, RevisionFactory


def test_the_page_reads_the_revisions_revisions_up_to_reads(db):
    article = ArticleFactory()
    now = timezone.now()
    submitted = RevisionFactory(article=article, number=1)
    RevisionFactory(article=article, number=2)  # a draft never submitted
    published = RevisionFactory(article=article, number=3)
    later = RevisionFactory(article=article, number=4)  # after the published one
    Revision.objects.filter(pk__in=[submitted.pk, published.pk, later.pk]).update(submitted_at=now)
    published.refresh_from_db()
    Article.objects.filter(pk=article.pk).update(published_revision=published, published_at=now)

    read = article_published_read(slug=article.slug, wanted=())

    assert read is not None
    expected = [revision.pk for revision in revisions_up_to(revision=published)]
    assert [revision.pk for revision in read.revisions] == expected == [published.pk, submitted.pk]
