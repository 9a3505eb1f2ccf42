"""sitemap.xml lists exactly the public articles, by blocks of ids, each answer one query on
the index `article_sitemap` (articles.public.sitemaps; the last change the sitemap shows is kept
by the triggers of migration articles 0027, on SQLite and on PostgreSQL alike)."""

from datetime import UTC, datetime, timedelta
from xml.etree import ElementTree

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article, ReviewStatus, Revision
from articles.selectors import articles_published
from articles.services import revision_create_draft
from editorial import workflow
from editorial.models import User
from tests.factories import RevisionFactory, assign_ready
from tests.plans import assert_served_by, plan_with_indexes

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
DAY_ONE = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


@pytest.fixture
def clock(monkeypatch):  # type: ignore[no-untyped-def]
    """Set Django's clock (timezone.now, which the actions and auto_now fields read)."""
    now = {"at": DAY_ONE}
    monkeypatch.setattr(timezone, "now", lambda: now["at"])

    def set_to(moment: datetime) -> None:
        now["at"] = moment

    return set_to


def _published_submitted(editor: User) -> Article:
    revision = RevisionFactory(author=editor)
    workflow.revision_submit(revision=revision, actor=editor)
    return workflow.article_publish(revision=revision, actor=editor)


def _xml(client, path: str) -> ElementTree.Element:  # type: ignore[no-untyped-def]
    response = client.get(path)
    assert response.status_code == 200, path
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    return ElementTree.fromstring(response.content)  # noqa: S314  # our own output


def _listed(client) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Every article address in every page of the index, with its lastmod."""
    listed: dict[str, str] = {}
    for page in _xml(client, "/sitemap.xml").iter(f"{SITEMAP}sitemap"):
        loc = page.findtext(f"{SITEMAP}loc", "").removeprefix("http://testserver")
        for url in _xml(client, loc).iter(f"{SITEMAP}url"):
            listed[url.findtext(f"{SITEMAP}loc", "")] = url.findtext(f"{SITEMAP}lastmod", "")
    return listed


def _public(client) -> set[str]:  # type: ignore[no-untyped-def]
    return {f"http://testserver{a.get_absolute_url()}" for a in articles_published()}


def test_the_sitemap_lists_exactly_the_public_articles(
    client, editor, reviewer, second_reviewer, reach, clock
):
    approved = reach(
        RevisionFactory(author=editor, last_edited_by=editor),
        ReviewStatus.APPROVED,
        editor=editor,
        reviewers=[reviewer, second_reviewer],
    )
    clock(DAY_ONE + timedelta(days=1))
    approved_article = workflow.article_publish(revision=approved, actor=editor)
    clock(DAY_ONE + timedelta(days=2))
    submitted = _published_submitted(editor)
    unpublished = _published_submitted(editor)
    withdrawn = _published_submitted(editor)
    RevisionFactory(author=editor)  # a draft, never published
    workflow.article_unpublish(article=unpublished, actor=editor)
    # Withdrawn from review, the text stays published (the page answers), so listed.
    workflow.revision_withdraw(revision=withdrawn.published_revision, actor=editor)

    listed = _listed(client)

    assert set(listed) == _public(client)
    assert set(listed) == {
        f"http://testserver{a.get_absolute_url()}" for a in (approved_article, submitted, withdrawn)
    }
    assert listed[f"http://testserver{approved_article.get_absolute_url()}"] == (
        "2026-03-03T09:30:00+00:00"  # published after its approval
    )
    assert client.get(unpublished.get_absolute_url()).status_code == 404
    assert client.get(withdrawn.get_absolute_url()).status_code == 200


def test_lastmod_follows_the_publication_and_the_approval_of_the_public_text(
    client, editor, reviewer, second_reviewer, clock
):
    article = _published_submitted(editor)
    url = f"http://testserver{article.get_absolute_url()}"
    assert _listed(client) == {url: "2026-03-02T09:30:00+00:00"}
    # Approved after its publication: the review is the later change.
    clock(DAY_ONE + timedelta(days=3))
    published = Revision.objects.get(pk=article.published_revision_id)
    for member in (reviewer, second_reviewer):
        assign_ready(published, editor=editor, reviewer=member)
    for member in (reviewer, second_reviewer):
        workflow.revision_approve(revision=published, actor=member)
    assert _listed(client) == {url: "2026-03-05T09:30:00+00:00"}
    # A new draft changes nothing readers see; its publication does.
    clock(DAY_ONE + timedelta(days=5))
    draft = revision_create_draft(article=article, author=editor)
    assert _listed(client) == {url: "2026-03-05T09:30:00+00:00"}
    workflow.revision_submit(revision=draft, actor=editor)
    clock(DAY_ONE + timedelta(days=6))
    workflow.article_publish(revision=draft, actor=editor, note="A clearer dose table")
    assert _listed(client) == {url: "2026-03-08T09:30:00+00:00"}


def test_writes_no_action_makes_are_followed_too(editor, clock):
    article = _published_submitted(editor)
    stale = Article.objects.get(pk=article.pk)  # read while published
    Article.objects.filter(pk=article.pk).update(published_revision=None, published_at=None)
    stale.title = "Is heat useful at all?"
    stale.save()  # writes back the publication it read: public again, with its date
    assert Article.objects.get(pk=article.pk).sitemap_lastmod == DAY_ONE
    later = DAY_ONE + timedelta(days=9)
    Revision.objects.filter(pk=article.published_revision_id).update(approved_at=later)
    assert Article.objects.get(pk=article.pk).sitemap_lastmod == later
    Article.objects.filter(pk=article.pk).update(published_revision=None)
    assert Article.objects.get(pk=article.pk).sitemap_lastmod is None


@pytest.mark.parametrize("size", [3, 12])
def test_the_sitemap_is_an_index_of_id_blocks_each_answer_one_query(
    size, client, editor, settings, django_assert_num_queries
):
    settings.IMPRIMATUR_SITEMAP_PAGE_SIZE = 5
    articles = [_published_submitted(editor) for _ in range(size)]
    workflow.article_unpublish(article=articles[1], actor=editor)
    public = [article for n, article in enumerate(articles) if n != 1]
    blocks = sorted({(article.pk - 1) // 5 + 1 for article in public})
    with django_assert_num_queries(1):
        index = _xml(client, "/sitemap.xml")
    pages = [page.findtext(f"{SITEMAP}loc") for page in index.iter(f"{SITEMAP}sitemap")]
    assert pages == [
        "http://testserver/sitemap-articles.xml" + ("" if block == 1 else f"?p={block}")
        for block in blocks
    ]
    listed = []
    for block in blocks:
        with django_assert_num_queries(1):
            page = _xml(client, f"/sitemap-articles.xml?p={block}")
        urls = [url.findtext(f"{SITEMAP}loc") for url in page.iter(f"{SITEMAP}url")]
        assert 0 < len(urls) <= 5
        listed += urls
    assert listed == [f"http://testserver{article.get_absolute_url()}" for article in public]
    for missing in (blocks[-1] + 1, 0, "x", "-1", "1.0"):
        assert client.get(f"/sitemap-articles.xml?p={missing}").status_code == 404


def test_an_empty_site_has_an_empty_index(client, db):
    assert list(_xml(client, "/sitemap.xml")) == []
    assert client.get("/sitemap-articles.xml").status_code == 404


def test_the_sitemap_answers_get_and_head_only(client, editor):
    _published_submitted(editor)
    for path in ("/sitemap.xml", "/sitemap-articles.xml"):
        assert client.head(path).status_code == 200
        assert client.post(path).status_code == 405


def test_the_public_origin_names_the_sitemap_and_its_pages(client, editor, settings):
    settings.IMPRIMATUR_PUBLIC_ORIGIN = "https://www.example.org"
    article = _published_submitted(editor)
    index = _xml(client, "/sitemap.xml")
    assert [loc.text for loc in index.iter(f"{SITEMAP}loc")] == [
        "https://www.example.org/sitemap-articles.xml"
    ]
    odd = _published_submitted(editor)
    Article.objects.filter(pk=odd.pk).update(slug="ça&va")  # no action writes one
    page = _xml(client, "/sitemap-articles.xml")
    assert [loc.text for loc in page.iter(f"{SITEMAP}loc")] == [
        f"https://www.example.org{article.get_absolute_url()}",
        "https://www.example.org/articles/%C3%A7a%26va/",
    ]
    robots = client.get("/robots.txt").content.decode().splitlines()
    assert "Sitemap: https://www.example.org/sitemap.xml" in robots


@pytest.mark.postgresql
def test_the_sitemap_reads_its_index_alone(client, editor):
    """At 100,000 articles a page over the ORM and the revisions cost 0.8 to 3.5 s."""
    _published_submitted(editor)
    with connection.cursor() as cursor:  # a bitmap scan is the choice for a test's few rows
        cursor.execute("SET LOCAL enable_bitmapscan = off")
    for path in ("/sitemap-articles.xml", "/sitemap.xml"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        (sql,) = [q["sql"] for q in queries.captured_queries]
        if path == "/sitemap-articles.xml":  # a range of the index, in its order
            assert_served_by(sql, "article_sitemap", only=True)
        else:  # every entry of the index, grouped by block (at 100,000 articles, 12 ms)
            assert "Index Only Scan using article_sitemap " in plan_with_indexes(sql), sql
