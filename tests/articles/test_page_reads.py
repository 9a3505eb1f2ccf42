"""The page's hand-written reads (articles.public.page_reads) agree with the selectors whose
rules they write again as SQL for speed."""

from django.utils import timezone

from articles.models import Article, AudienceLevel, Revision
from articles.public.page_cache import code_build
from articles.public.page_reads import article_page_read, article_published_read
from articles.selectors import audience_canonical, revisions_up_to
from articles.services import revision_edit
from editorial import workflow
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


def _published_with_levels(editor):  # type: ignore[no-untyped-def]
    levels = {level.slug: level for level in AudienceLevel.objects.all()}
    revision = RevisionFactory(author=editor, canonical_body="For professionals.")
    revision_edit(revision=revision, editor=editor, bodies={levels["patient"]: "For patients."})
    workflow.revision_submit(revision=revision, actor=editor)
    return workflow.article_publish(revision=revision, actor=editor), levels


def test_the_page_is_read_in_one_statement(editor, django_assert_num_queries):
    article, levels = _published_with_levels(editor)
    stored = ["http://testserver/", "patient", code_build()]

    with django_assert_num_queries(1):
        read = article_page_read(
            slug=article.slug, wanted=("patient",), stored=[article.slug, *stored]
        )

    assert read.stored[1] is None  # no page stored yet
    published = read.published
    assert published is not None
    assert published.article.pk == article.pk
    assert published.article.published_revision == published.revisions[0]
    assert [level.slug for level in published.levels] == [
        level.slug for level in AudienceLevel.objects.order_by("order", "pk")
    ]
    # the patient's body and the canonical one, not the student level's (it has none)
    assert {body.audience.slug for body in published.bodies.values()} == {
        "patient",
        audience_canonical(list(levels.values())).slug,
    }


def test_a_valid_stored_page_is_read_without_the_article(client, editor):
    article, _ = _published_with_levels(editor)
    client.get(article.get_absolute_url(), {"audience": "patient"})  # built and stored
    stored = [article.slug, "http://testserver/", "patient", code_build()]

    read = article_page_read(slug=article.slug, wanted=("patient",), stored=stored)

    assert "For patients." in read.stored[1]
    assert read.published is None
    # a page stored by other code is not valid: the article is read
    other = article_page_read(slug=article.slug, wanted=("patient",), stored=[*stored[:3], "x"])
    assert other.stored[1] is None
    assert other.published is not None


def test_no_published_article_reads_only_the_generation(db):
    read = article_page_read(slug="nothing-here", wanted=())
    assert read.published is None
    assert read.stored == (0, None, None, None, None)
