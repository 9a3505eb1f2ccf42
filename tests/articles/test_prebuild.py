"""Pre-building the public pages in batches (articles.public.prebuild): afterwards a reader
whose page the cache lost gets it from its stored copy, built by nobody on their time."""

import io

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.test import Client

from articles.models import AudienceLevel, OutboxMessage, StoredPage
from articles.page_versions import PAGES_RETIRED, article_pages_invalidate_all, local_pages_clear
from articles.public.page_cache import code_build
from articles.public.prebuild import article_pages_prebuild
from articles.public.tasks import prebuild_article_pages
from tests.articles.test_public_fast import PATIENT_TEXT, PRO_TEXT, _publish
from tests.editorial.test_page_retirement import _admin_change
from tests.factories import RevisionFactory


def _cache_lost() -> None:
    cache.clear()
    local_pages_clear()


@pytest.mark.parametrize("size", [3, 7])
def test_the_command_builds_every_level_of_every_published_article_in_batches(
    size, editor, settings, django_assert_num_queries
):
    settings.IMPRIMATUR_PUBLIC_ORIGIN = "http://testserver"
    articles = [_publish(editor) for _ in range(size)]
    RevisionFactory(author=editor)  # a draft: no public page
    levels = AudienceLevel.objects.count()
    out = io.StringIO()

    call_command("pages_prebuild", "--batch", "2", stdout=out)

    assert f"Built the pages of {(size + 1) // 2} batch(es)." in out.getvalue()
    assert StoredPage.objects.count() == size * levels
    assert set(StoredPage.objects.values_list("build", flat=True)) == {code_build()}
    for article in articles:
        _cache_lost()
        with django_assert_num_queries(2):  # the levels, the stored page: nothing built
            assert PRO_TEXT in Client().get(article.get_absolute_url()).text
        with django_assert_num_queries(1):
            page = Client().get(article.get_absolute_url(), {"audience": "patient"})
            assert PATIENT_TEXT in page.text


def test_the_task_builds_the_pages_again_batch_by_batch(
    editor, settings, django_capture_on_commit_callbacks
):
    settings.IMPRIMATUR_PUBLIC_ORIGIN = "http://testserver"
    articles = [_publish(editor) for _ in range(5)]
    call_command("pages_prebuild", stdout=io.StringIO())
    with django_capture_on_commit_callbacks(execute=True):
        article_pages_invalidate_all()

    last = prebuild_article_pages.delay(after=0, batch=2).get()  # chains the other batches

    assert last == articles[1].pk  # the first batch's last article; the rest were queued
    assert set(StoredPage.objects.values_list("generation", flat=True)) == {1}
    assert StoredPage.objects.count() == 5 * AudienceLevel.objects.count()
    assert article_pages_prebuild(after=articles[-1].pk) is None


def _prebuilds() -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(topic=PAGES_RETIRED))


@pytest.mark.parametrize("size", [2, 5])
def test_a_change_of_levels_queues_the_prebuild_once_and_no_reader_builds_a_page(
    size, editor, admin_client, settings, django_capture_on_commit_callbacks,
    django_assert_num_queries,
):  # fmt: skip
    settings.IMPRIMATUR_PUBLIC_ORIGIN = "http://testserver"
    articles = [_publish(editor) for _ in range(size)]
    call_command("pages_prebuild", stdout=io.StringIO())
    level = AudienceLevel.objects.get(slug="patient")

    with django_capture_on_commit_callbacks(execute=True):
        _admin_change(admin_client, "articles_audiencelevel", level.pk, label="Patient or carer")

    (message,) = _prebuilds()
    assert message.done_at is not None  # sent after commit, and done
    assert set(StoredPage.objects.values_list("generation", flat=True)) == {1}
    assert StoredPage.objects.count() == size * AudienceLevel.objects.count()
    for article in articles:
        _cache_lost()
        with django_assert_num_queries(2):  # the levels, the stored page: nothing built
            page = Client().get(article.get_absolute_url(), {"audience": "patient"})
        assert "Patient or carer" in page.text


def test_retirements_before_the_prebuild_is_sent_queue_it_once(
    editor, django_capture_on_commit_callbacks
):
    _publish(editor)
    with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
        article_pages_invalidate_all()
        article_pages_invalidate_all()
    assert len(_prebuilds()) == 1
    article_pages_invalidate_all()  # another change, still before the message is sent
    assert len(_prebuilds()) == 1
    for callback in callbacks:
        callback()  # sent and built
    assert _prebuilds()[0].done_at is not None
    # A build under way or done is no reason to skip the next change's: it is queued again.
    article_pages_invalidate_all()
    assert len(_prebuilds()) == 2
