"""The API's lists by keyset (editorial.api.pagination): every row once, in order, both ways;
a page costs the same number of queries whatever the list's length, and none counts it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article, ReviewStatus
from editorial import workflow
from editorial.api.articles import LIST_ROW_FIELDS, ArticleViewSet
from editorial.api.pagination import CURSOR_INVALID
from tests.editorial.test_api import API, client_for
from tests.factories import ArticleFactory, ReferenceFactory, RevisionFactory
from tests.plans import assert_served_by


def walk(client, url, params=None):
    """Every page of the list, following `next`; with the SQL each page ran."""
    pages, sql = [], []
    while url:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, params)
        assert response.status_code == 200, response.content
        body = response.json()
        pages.append(body)
        sql.append([q["sql"] for q in queries.captured_queries])
        url, params = body["next"], None
    return pages, sql


@pytest.mark.parametrize("size", [30, 80])
def test_article_pages_hold_every_article_once_in_order_at_a_constant_cost(size, editor):
    RevisionFactory.create_batch(size, author=editor)
    # Two articles with the same title: the primary key keeps the order (and the pages) exact.
    twin = ArticleFactory(title="How is condition 1 treated?")
    RevisionFactory(article=twin, author=editor)
    client = client_for(editor)
    client.get(f"{API}/articles/")  # the session once

    pages, sql = walk(client, f"{API}/articles/")

    listed = [a["id"] for page in pages for a in page["results"]]
    expected = [a.pk for a in sorted(twin.__class__.objects.all(), key=lambda a: (a.title, a.pk))]
    assert listed == expected
    assert [len(page["results"]) for page in pages[:-1]] == [25] * (len(pages) - 1)
    assert pages[0]["previous"] is None
    assert pages[-1]["next"] is None
    assert "count" not in pages[0]
    # session, user, groups, the page with its rows' newest revisions: on every page, any size
    assert {len(statements) for statements in sql} == {4}
    assert not any("COUNT(" in s.upper() for statements in sql for s in statements)
    # No subquery per row: the page's statuses come with it, through a join.
    page_sql = sql[1][3]
    assert page_sql.upper().count("SELECT") == 1, page_sql
    assert "JOIN" in page_sql.upper(), page_sql


def test_previous_links_walk_back_through_the_same_pages(editor):
    RevisionFactory.create_batch(60, author=editor)
    client = client_for(editor)
    forward, _ = walk(client, f"{API}/articles/")

    backward, url = [], forward[-1]["previous"]
    while url:
        page = client.get(url).json()
        backward.append(page)
        url = page["previous"]

    assert [p["results"] for p in reversed(backward)] == [p["results"] for p in forward[:-1]]
    assert backward[-1]["previous"] is None  # the first page again
    assert backward[0]["next"] is not None


def test_the_status_is_the_newest_revisions_and_filters_the_list(editor):
    older = RevisionFactory(author=editor)
    newer = RevisionFactory(article=older.article, author=editor, number=older.number + 1)
    workflow.revision_submit(revision=newer, actor=editor)
    untouched = RevisionFactory(author=editor)
    client = client_for(editor)

    listed = {a["id"]: a for a in client.get(f"{API}/articles/").json()["results"]}
    submitted = client.get(f"{API}/articles/", {"status": ReviewStatus.SUBMITTED}).json()

    assert listed[older.article_id]["status"] == ReviewStatus.SUBMITTED
    assert listed[older.article_id]["latest_revision_number"] == newer.number
    assert listed[untouched.article_id]["status"] == ReviewStatus.DRAFT
    assert [a["id"] for a in submitted["results"]] == [older.article_id]


@pytest.mark.parametrize("ordering", ["-created_at", "published_at", "-published_at", "title"])
def test_an_ordering_is_followed_across_pages_nulls_last(ordering, editor):
    revisions = RevisionFactory.create_batch(40, author=editor)
    for revision in revisions[::3]:  # some published, most not (published_at null)
        workflow.revision_submit(revision=revision, actor=editor)
        workflow.article_publish(revision=revision, actor=editor)
    client = client_for(editor)

    pages, _ = walk(client, f"{API}/articles/", {"ordering": ordering})

    listed = [(a["id"], a[ordering.lstrip("-")]) for p in pages for a in p["results"]]
    assert sorted(i for i, _ in listed) == sorted(r.article_id for r in revisions)
    values = [v for _, v in listed]
    present = [v for v in values if v is not None]
    assert values == present + [None] * (len(values) - len(present))  # nulls last, both ways
    assert present == sorted(present, reverse=ordering.startswith("-"))
    # and back from the last page through the same pages (nulls first when walking back)
    backward, url = [], pages[-1]["previous"]
    while url:
        page = client.get(url).json()
        backward.append(page["results"])
        url = page["previous"]
    assert list(reversed(backward)) == [p["results"] for p in pages[:-1]]


@pytest.mark.postgresql
@pytest.mark.parametrize(
    ("ordering", "index"),
    [
        ("title", "article_by_title"),
        ("-title", "article_by_title"),
        ("-created_at", "article_by_created"),
        ("published_at", "article_by_published"),
        ("-published_at", "article_by_published_desc"),
        ("-updated_at", "article_changed_last"),
    ],
)
def test_each_order_of_the_article_list_is_read_from_an_index(ordering, index, editor):
    """A page of the list is a range of an index in every order it offers, on its first page
    and past a cursor: never a sort of the whole table (at 100,000 articles 45 ms a page)."""
    RevisionFactory.create_batch(30, author=editor)
    client = client_for(editor)
    first = client.get(f"{API}/articles/", {"ordering": ordering}).json()
    for url, params in ((f"{API}/articles/", {"ordering": ordering}), (first["next"], None)):
        with CaptureQueriesContext(connection) as queries:
            client.get(url, params)
        (listing,) = [q["sql"] for q in queries.captured_queries if " LIMIT 26" in q["sql"]]
        assert_served_by(listing, index)


def test_a_cursor_not_made_by_this_list_is_refused_clearly(editor):
    RevisionFactory.create_batch(30, author=editor)
    client = client_for(editor)
    next_link = client.get(f"{API}/articles/").json()["next"]
    cursor = next_link.split("cursor=")[1]

    for bad in ("not-base64!", "e30=", cursor[:-4]):
        response = client.get(f"{API}/articles/", {"cursor": bad})
        assert response.status_code == 404
        assert response.json()["detail"] == CURSOR_INVALID
    # a cursor of one order does not continue another
    response = client.get(f"{API}/articles/", {"cursor": cursor, "ordering": "-created_at"})
    assert response.status_code == 404


def test_numbered_pages_still_answer_with_their_count(editor):
    RevisionFactory.create_batch(30, author=editor)
    client = client_for(editor)

    second = client.get(f"{API}/articles/", {"page": 2}).json()

    assert second["count"] == 30
    assert len(second["results"]) == 5
    assert second["next"] is None
    assert second["previous"].endswith(f"{API}/articles/")  # page 1, as DRF always wrote it
    assert client.get(f"{API}/articles/", {"page": 3}).status_code == 404


@pytest.mark.parametrize("size", [10, 40])
def test_other_lists_page_by_keyset_at_a_constant_cost(size, editor, reviewer):
    for revision in RevisionFactory.create_batch(size, author=editor):
        workflow.revision_submit(revision=revision, actor=editor)
        workflow.revision_assign_reviewer(revision=revision, actor=editor, reviewer=reviewer)
    client = client_for(editor)
    client.get(f"{API}/revisions/")

    for path, total in (
        ("revisions/", size),
        ("assignments/", size),
        ("audit-events/", 2 * size),
        ("bodies/", size),
    ):
        pages, sql = walk(client, f"{API}/{path}")
        ids = [row["id"] for page in pages for row in page["results"]]
        assert len(ids) == len(set(ids)) == total, path
        # session, user, groups, the page
        assert {len(statements) for statements in sql} == {4}, path
        assert not any("COUNT(" in s.upper() for statements in sql for s in statements), path


def test_the_schema_documents_the_cursor_and_the_links(db):
    schema = client_for().get("/api/schema/?format=json").json()

    listing = schema["paths"]["/api/v1/articles/"]["get"]
    names = {p["name"] for p in listing["parameters"]}
    page = schema["components"]["schemas"]["PaginatedArticleList"]

    assert {"cursor", "page"} <= names
    assert set(page["properties"]) == {"count", "next", "previous", "results"}
    assert page["required"] == ["results"]


def test_the_browsable_api_shows_a_page_of_the_list(editor):
    RevisionFactory.create_batch(30, author=editor)
    response = client_for(editor).get(f"{API}/articles/", headers={"accept": "text/html"})

    assert response.status_code == 200
    assert "cursor=" in response.content.decode()  # the next link, in the JSON shown


@pytest.mark.parametrize("size", [3, 30])
def test_a_pages_rows_ask_for_the_time_zone_once(size, editor, monkeypatch):
    """The rows' 3 dates each are written by DRF's field given the zone once for the page
    (editorial.api.articles.article_rows), not asked for again at each date."""
    RevisionFactory.create_batch(size, author=editor)
    client = client_for(editor)
    client.get(f"{API}/articles/")  # the session once
    asked: list[object] = []
    current = timezone.get_current_timezone

    def counted() -> object:
        asked.append(None)
        return current()

    monkeypatch.setattr(timezone, "get_current_timezone", counted)
    rows = client.get(f"{API}/articles/").json()["results"]
    assert len(rows) == min(size, 25)
    assert len(asked) == 1


@pytest.mark.parametrize("size", [3, 30])
def test_a_pages_rows_are_read_without_model_instances(size, editor, monkeypatch):
    """The list reads its page as rows of LIST_ROW_FIELDS: no Article is built for it."""
    RevisionFactory.create_batch(size, author=editor)
    client = client_for(editor)
    client.get(f"{API}/articles/")  # the session once
    built: list[object] = []
    from_db = Article.from_db

    def counted(*args: object, **kwargs: object) -> Article:
        built.append(None)
        return from_db(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Article, "from_db", counted)
    rows = client.get(f"{API}/articles/").json()["results"]
    assert len(rows) == min(size, 25)
    assert built == []


def test_every_order_a_client_may_ask_for_is_in_the_rows():
    """The keyset's cursor reads its columns from the page's rows."""
    assert {"pk", *ArticleViewSet.ordering_fields} <= set(LIST_ROW_FIELDS)


@pytest.mark.postgresql
@pytest.mark.parametrize("ordering", ["created_at", "-created_at"])
def test_the_reference_list_by_date_is_read_from_an_index(ordering, editor):
    """The library's API list by date added, on its first page and past a cursor: a range of
    an index, never a sort of the library (at 100,000 references it sorted all of them for
    each page, 20 ms of PostgreSQL). (By key, its default, the unique key's index gives the
    order, the id breaking no ties.)"""
    index = "reference_by_created"
    ReferenceFactory.create_batch(30)
    client = client_for(editor)
    first = client.get(f"{API}/references/", {"ordering": ordering}).json()
    assert len(first["results"]) == 25
    for url, params in ((f"{API}/references/", {"ordering": ordering}), (first["next"], None)):
        with CaptureQueriesContext(connection) as queries:
            client.get(url, params)
        (listing,) = [q["sql"] for q in queries.captured_queries if " LIMIT 26" in q["sql"]]
        assert_served_by(listing, index)
