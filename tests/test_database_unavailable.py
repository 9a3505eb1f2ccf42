"""PostgreSQL going away: the pages, login, the workspace and the API answer 503 with
Retry-After (not 500, not a hang), and work again when it is back, without a restart.

The test's connection goes through a TCP proxy (tests.tcp_proxy) in front of the real
PostgreSQL; stopping the proxy makes the database unreachable, starting it brings it back.
"""

import time

import pytest
from django.conf import settings
from django.db import OperationalError, close_old_connections, connection
from django.test import Client
from django.urls import reverse

from config.unavailable import UNAVAILABLE_DETAIL, server_error
from tests.factories import EditorFactory
from tests.tcp_proxy import TcpProxy, database_through_proxy

# A real PostgreSQL made unreachable; transactional, as the connection is closed and reopened.
through_postgresql = [
    pytest.mark.postgresql,  # deselected on SQLite (tests/conftest.py); CI runs PostgreSQL
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def on_postgresql(test):  # type: ignore[no-untyped-def]
    for mark in through_postgresql:
        test = mark(test)
    return test


@pytest.fixture
def proxy():  # type: ignore[no-untyped-def]
    with database_through_proxy() as proxy:
        yield proxy


def database_goes_away(proxy: TcpProxy) -> None:
    proxy.stop()
    connection.close()  # as a new request would find it: no connection yet


def assert_unavailable_page(response) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 503
    assert response["Retry-After"] == str(settings.IMPRIMATUR_RETRY_AFTER_SECONDS)
    assert '<nav class="site-nav" aria-label="Main">' in response.text
    assert "We cannot reach our database just now" in response.text


@on_postgresql
def test_public_pages_search_and_login_answer_503_then_recover(proxy):
    client = Client()
    assert client.get("/editorial-policy/").status_code == 200
    database_goes_away(proxy)

    assert_unavailable_page(client.get("/editorial-policy/"))
    assert_unavailable_page(client.get("/", {"q": "gout"}))
    assert_unavailable_page(client.get("/articles/some-article/"))
    assert_unavailable_page(client.post(reverse("login"), {"username": "x", "password": "y"}))
    assert client.get("/healthz").status_code == 200  # the probe stays cheap and up

    proxy.start()  # back, on the same address: the next request connects again
    assert client.get("/", {"q": "gout"}).status_code == 200


@on_postgresql
def test_a_kept_connection_cut_under_it_answers_503_and_is_replaced(proxy):
    """As in production: connections kept between requests (CONN_MAX_AGE, health checks),
    and closed when unusable at each request's start and end, as the WSGI handler does."""
    kept = {"CONN_MAX_AGE": 60, "CONN_HEALTH_CHECKS": True}
    before = {name: connection.settings_dict[name] for name in kept}
    connection.settings_dict.update(kept)
    connection.close()
    client = Client()

    def get(path: str):  # type: ignore[no-untyped-def]
        close_old_connections()
        response = client.get(path)
        close_old_connections()
        return response

    try:
        assert get("/editorial-policy/").status_code == 200
        assert connection.connection is not None  # kept for the next request
        proxy.stop()  # the server goes away under the kept connection
        assert_unavailable_page(get("/editorial-policy/"))
        proxy.start()
        assert get("/editorial-policy/").status_code == 200
    finally:
        connection.settings_dict.update(before)


@on_postgresql
def test_the_workspace_answers_503_and_the_api_its_json(proxy):
    client = Client()
    client.force_login(EditorFactory())
    assert client.get(reverse("editorial:dashboard")).status_code == 200
    database_goes_away(proxy)

    assert_unavailable_page(client.get(reverse("editorial:dashboard")))
    response = client.get("/api/v1/articles/")
    assert response.status_code == 503
    assert response["Retry-After"] == str(settings.IMPRIMATUR_RETRY_AFTER_SECONDS)
    assert response.json()["detail"] == UNAVAILABLE_DETAIL
    assert [r["code"] for r in response.json()["reasons"]] == ["database-unavailable"]

    proxy.start()
    assert client.get("/api/v1/articles/").status_code == 200


@on_postgresql
def test_a_database_that_never_answers_is_given_up_after_the_connect_timeout(proxy):
    proxy.blackhole()
    connection.close()
    started = time.monotonic()
    response = Client().get("/", {"q": "gout"})
    elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert elapsed < settings.DATABASES["default"]["OPTIONS"]["connect_timeout"] + 2


@on_postgresql
def test_statements_have_a_timeout(proxy):
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "15s"


@on_postgresql
def test_queries_are_never_jit_compiled(proxy):
    """Short queries only: a misestimated one would spend longer compiling than running."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


@on_postgresql
def test_prepared_statements_are_planned_for_their_values(proxy):
    """No generic plan: one chosen for a statement's 6th run, blind to its values, read 100,000
    articles' citations for the editor's dashboard (2.5 s instead of 50 ms)."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        assert cursor.fetchone()[0] == "force_custom_plan"


def test_outside_a_view_the_500_handler_answers_503_for_the_database_only(rf):
    """A failure in a middleware (a session saved late) reaches handler500, not the middleware."""
    request = rf.get("/")
    try:
        raise OperationalError("connection to server failed")
    except OperationalError:
        assert_unavailable_page(server_error(request))
    try:
        raise ValueError("a bug")
    except ValueError:
        assert server_error(request).status_code == 500
