"""A browser's revalidation of an article page this process keeps is answered before the rest
of the middleware and the view (articles.public.middleware); anything else goes on."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from articles.page_versions import local_pages_clear
from articles.public.middleware import ArticleRevalidationMiddleware
from editorial import workflow
from tests.factories import RevisionFactory

PASSED_ON = HttpResponse("passed on to the view")


@pytest.fixture
def page(client, editor):  # type: ignore[no-untyped-def]
    revision = RevisionFactory(author=editor, canonical_body="Rest, then load the tendon.")
    workflow.revision_submit(revision=revision, actor=editor)
    article = workflow.article_publish(revision=revision, actor=editor)
    url = article.get_absolute_url()
    client.get(url)  # into the shared cache
    response = client.get(url)  # read from it: this process keeps it
    return url, response


def _answer(url: str, **headers: str) -> HttpResponse:
    middleware = ArticleRevalidationMiddleware(lambda request: PASSED_ON)
    return middleware(RequestFactory().get(url, headers=headers))


def test_a_revalidation_of_a_kept_page_gets_a_304_without_going_further(page):
    url, first = page
    response = _answer(url, if_none_match=first["ETag"])
    assert response.status_code == 304
    assert response["ETag"] == first["ETag"]
    assert response["Last-Modified"] == first["Last-Modified"]
    assert response["Vary"] == "Cookie"
    assert response.content == b""


@pytest.mark.parametrize(
    "headers",
    [
        {"if_none_match": '"another"'},  # another version of the page: the view sends it
        {"if_none_match": "W/{etag}"},  # a weak comparison: Django's rules decide
        {"if_none_match": "{etag}", "if_match": '"another"'},  # a 412 case
        {"if_none_match": "{etag}", "if_unmodified_since": "Thu, 01 Jan 2015 00:00:00 GMT"},
        {"if_none_match": "{etag}", "cookie": "sessionid=abc"},  # a reader with a session
        {"if_none_match": "{etag}", "cookie": "audience=patient"},  # another level's page
    ],
)
def test_anything_else_goes_on_to_the_view(page, headers):
    url, first = page
    sent = {name: value.format(etag=first["ETag"]) for name, value in headers.items()}
    assert _answer(url, **sent) is PASSED_ON


def test_a_page_this_process_does_not_keep_goes_on_to_the_view(page):
    url, first = page
    local_pages_clear()  # an invalidation, or the moment it keeps pages for has passed
    assert _answer(url, if_none_match=first["ETag"]) is PASSED_ON
    assert _answer("/articles/", if_none_match=first["ETag"]) is PASSED_ON
    assert _answer(f"{url}questions/", if_none_match=first["ETag"]) is PASSED_ON


def test_the_view_gives_the_same_answer_behind_it(client, page):
    url, first = page
    local_pages_clear()
    response = client.get(url, headers={"if-none-match": first["ETag"]})
    assert response.status_code == 304
    assert (response["ETag"], response["Vary"]) == (first["ETag"], "Cookie")
