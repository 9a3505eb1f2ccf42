"""Logging in: the workspace form and the API token login lock out after repeated failures."""

import pytest
from rest_framework.test import APIClient

from tests.factories import PASSWORD

LOGIN = "/accounts/login/"
TOKEN_LOGIN = "/api/v1/auth/login/"


def test_the_login_form_logs_an_editor_into_the_workspace(client, editor):
    response = client.post(LOGIN, {"username": editor.username, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/editorial/"


def test_repeated_failures_lock_the_login_form(client, editor, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(2):
        response = client.post(LOGIN, {"username": editor.username, "password": "wrong"})
        assert response.status_code == 200
        assert "enter a correct username and password" in response.content.decode()
    assert client.post(LOGIN, {"username": editor.username, "password": "wrong"}).status_code == 429

    # Even the right password is refused while locked, with a page that says why.
    response = client.post(LOGIN, {"username": editor.username, "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_lockout_is_per_username(client, editor, reviewer, settings):
    settings.AXES_FAILURE_LIMIT = 2
    for _ in range(2):
        client.post(LOGIN, {"username": editor.username, "password": "wrong"})
    response = client.post(LOGIN, {"username": reviewer.username, "password": PASSWORD})
    assert response.status_code == 302


@pytest.mark.parametrize("failures", [0, 3])
def test_the_token_login_is_throttled_too(editor, settings, failures):
    settings.AXES_FAILURE_LIMIT = 3
    api = APIClient()
    for _ in range(failures):
        assert api.post(
            TOKEN_LOGIN, {"username": editor.username, "password": "no"}
        ).status_code in (
            400,
            429,
        )
    response = api.post(TOKEN_LOGIN, {"username": editor.username, "password": PASSWORD})
    if failures:
        assert response.status_code == 429
        assert "token" not in response.content.decode()
    else:
        assert response.status_code == 200
        assert response.json()["token"]
