"""The bench's one route of its own (bench/urls.py): the API's yardstick goes through the API's
authentication and permission like every list, and adds nothing to the site's routes."""

import pytest
from django.test import Client, override_settings
from django.urls import resolve
from knox.models import AuthToken

from bench.urls import EMPTY_PAGE
from config.urls import urlpatterns as site_urlpatterns

pytestmark = [pytest.mark.django_db, pytest.mark.urls("bench.urls")]


@pytest.mark.parametrize("headers", [{}, {"HTTP_AUTHORIZATION": "Token " + "0" * 64}])
def test_the_yardstick_refuses_what_the_article_list_refuses(headers: dict[str, str]) -> None:
    response = Client().get("/bench/api-floor/", **headers)
    listed = Client().get("/api/v1/articles/", **headers)
    assert response.status_code == listed.status_code == 403
    assert response.json() == listed.json()


def test_the_yardstick_answers_an_empty_page_to_a_token(editor) -> None:
    _, token = AuthToken.objects.create(user=editor)
    response = Client().get("/bench/api-floor/", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200
    assert response.json() == EMPTY_PAGE


def test_the_bench_serves_the_site_routes_as_they_are() -> None:
    from bench.urls import urlpatterns

    assert urlpatterns[1:] == site_urlpatterns
    assert resolve("/api/v1/articles/").url_name == "article-list"


@override_settings(ROOT_URLCONF="config.urls")
def test_the_site_itself_has_no_yardstick() -> None:
    assert Client().get("/bench/api-floor/").status_code == 404
