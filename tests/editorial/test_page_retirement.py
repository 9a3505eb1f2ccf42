"""Retiring every article page (the levels, a reviewer's public profile) raises one generation
row instead of every article's page_version, and only for a change the pages show."""

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article, OutboxMessage, PageGeneration, ReviewStatus, StoredPage
from articles.page_versions import article_pages_invalidate_all, local_pages_clear
from editorial import workflow
from tests.articles.test_public_fast import PRO_TEXT, _publish
from tests.factories import BoardMemberFactory
from tests.test_admin_sweep import _posted_back


def _generation() -> int:
    return PageGeneration.objects.filter(pk=1).values_list("value", flat=True).first() or 0


def _cache_lost() -> None:
    cache.clear()
    local_pages_clear()


@pytest.mark.parametrize("size", [2, 12])
def test_retiring_every_page_writes_one_row_whatever_the_number_of_articles(
    size, editor, django_capture_on_commit_callbacks, django_assert_num_queries
):
    articles = [_publish(editor) for _ in range(size)]
    urls = [article.get_absolute_url() for article in articles]
    for url in urls:
        Client().get(url)  # built and stored
    versions = dict(Article.objects.values_list("pk", "page_version"))
    _cache_lost()
    with django_assert_num_queries(2):  # the levels, and the stored page: not built again
        assert PRO_TEXT in Client().get(urls[0]).text

    with (
        django_capture_on_commit_callbacks(execute=True),
        CaptureQueriesContext(connection) as q,
        transaction.atomic(),
    ):
        article_pages_invalidate_all()

    written = [
        s["sql"] for s in q.captured_queries if not s["sql"].startswith(("SAVEPOINT", "RELEASE"))
    ]
    # the generation row (made if missing, raised) and the outbox's message
    assert len(written) == 3, written
    assert not any(Article._meta.db_table in sql for sql in written)
    assert dict(Article.objects.values_list("pk", "page_version")) == versions
    assert _generation() == 1
    # Every stored page is retired: each is built again (and stored in the new generation).
    _cache_lost()
    for url in urls:
        # the levels (the first time), no valid stored page, the article with its revisions
        # (review dates, update history), the levels with its bodies, the page stored
        with django_assert_num_queries(5 if url == urls[0] else 4):
            assert PRO_TEXT in Client().get(url).text
    assert set(StoredPage.objects.values_list("generation", flat=True)) == {1}
    _cache_lost()
    with django_assert_num_queries(2):
        assert PRO_TEXT in Client().get(urls[-1]).text


def test_a_page_built_from_an_older_generation_is_never_served(editor):
    url = _publish(editor).get_absolute_url()
    Client().get(url)
    # A page stored in the generation read before a change committed meanwhile:
    StoredPage.objects.update(html="<p>Built before the change</p>", generation=0)
    PageGeneration.objects.create(pk=1, value=1)
    _cache_lost()
    assert PRO_TEXT in Client().get(url).text


@pytest.fixture
def approved_page(editor, reviewer, second_reviewer, draft, reach):  # type: ignore[no-untyped-def]
    revision = reach(
        draft, ReviewStatus.APPROVED, editor=editor, reviewers=[reviewer, second_reviewer]
    )
    url = workflow.article_publish(revision=revision, actor=editor).get_absolute_url()
    assert "Rhea Reviewer" in Client().get(url).text  # built and stored
    return url


def _admin_change(admin_client, name: str, pk: int, **changes):  # type: ignore[no-untyped-def]
    url = reverse(f"admin:{name}_change", args=[pk])
    data = _posted_back(admin_client.get(url).context) | changes
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context and response.context.get("errors")


def _page_retired() -> bool:
    return OutboxMessage.objects.filter(topic="article-page.changed", payload__slug="").exists()


@pytest.mark.parametrize(
    "changes",
    [
        {"email": "rhea@elsewhere.example"},
        {"last_login_0": "2026-01-02", "last_login_1": "10:00:00"},
        {"is_staff": "on"},
        {"board_profile-0-bio": "A new biography."},
    ],
    ids=["e-mail", "last login", "staff", "bio"],
)
def test_a_change_no_page_shows_retires_no_page(
    changes, approved_page, admin_client, reviewer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _admin_change(admin_client, "editorial_user", reviewer.pk, **changes)

    assert _generation() == 0
    assert not _page_retired()


@pytest.mark.parametrize(
    ("changes", "shown"),
    [
        ({"first_name": "Rhiannon"}, "Rhiannon Reviewer"),
        ({"board_profile-0-credentials": "MD, PhD"}, "MD, PhD"),
    ],
)
def test_a_change_the_pages_show_retires_them(
    changes, shown, approved_page, admin_client, reviewer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _admin_change(admin_client, "editorial_user", reviewer.pk, **changes)

    assert _generation() == 1
    _cache_lost()
    assert shown in Client().get(approved_page).text


def test_renaming_someone_who_approved_nothing_retires_no_page(
    approved_page, admin_client, django_capture_on_commit_callbacks
):
    bystander = BoardMemberFactory()
    with django_capture_on_commit_callbacks(execute=True):
        _admin_change(admin_client, "editorial_user", bystander.pk, first_name="Someone")
        _admin_change(
            admin_client,
            "editorial_boardprofile",
            bystander.board_profile.pk,
            credentials="DO",
        )

    assert _generation() == 0


def test_the_board_profile_admin_retires_pages_for_credentials_not_for_the_bio(
    approved_page, admin_client, reviewer, django_capture_on_commit_callbacks
):
    profile = reviewer.board_profile
    with django_capture_on_commit_callbacks(execute=True):
        _admin_change(admin_client, "editorial_boardprofile", profile.pk, bio="Elsewhere now.")
    assert _generation() == 0

    with django_capture_on_commit_callbacks(execute=True):
        _admin_change(admin_client, "editorial_boardprofile", profile.pk, specialty="Cardiology")
    assert _generation() == 1
    _cache_lost()
    assert "Cardiology" in Client().get(approved_page).text


def test_every_host_name_shares_one_copy_of_a_page_under_the_public_origin(
    editor, settings, django_assert_num_queries
):
    settings.ALLOWED_HOSTS = ["testserver", "other.example", "www.example.org"]
    settings.IMPRIMATUR_PUBLIC_ORIGIN = "https://www.example.org"
    url = _publish(editor).get_absolute_url()
    first = Client().get(url, headers={"host": "other.example"})
    local_pages_clear()

    with django_assert_num_queries(0):  # the other name: the same entry, from the cache
        second = Client().get(url)

    assert second.content == first.content
    assert f'href="https://www.example.org{url}"' in first.text
    assert "other.example" not in first.text
    assert "testserver" not in first.text
    assert list(StoredPage.objects.values_list("origin", flat=True)) == ["https://www.example.org/"]
