"""Accounts and tokens: API tokens lapse and are revoked with the trust they stood for; logins
and password resets are counted per account and per client, the client being who is behind
the trusted proxies; what a signed-in person sees is never stored by a cache."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.utils import timezone
from knox import crypto as knox_crypto
from knox.models import AuthToken
from knox.settings import CONSTANTS
from rest_framework.test import APIClient

from editorial.models import ReviewAssignment
from editorial.tasks import prune_expired_tokens
from tests.factories import PASSWORD, EditorFactory, RevisionFactory

ARTICLES = "/api/v1/articles/"


def _token(user) -> str:  # type: ignore[no-untyped-def]
    response = APIClient().post(
        "/api/v1/auth/login/", {"username": user.username, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200, response.content
    return response.json()["token"]


def _with(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


@pytest.fixture
def rates(settings):  # type: ignore[no-untyped-def]
    """Small rates, so a test passes them in a few requests."""
    settings.IMPRIMATUR_RATES = settings.IMPRIMATUR_RATES | {
        "login-client": "4/10m",
        "login-account": "3/10m",
        "password-reset-client": "3/h",
        "password-reset-account": "2/h",
    }


WRONG = "not the password"


def _login(client: Client, username: str, password: str = WRONG):  # type: ignore[no-untyped-def]
    return client.post("/accounts/login/", {"username": username, "password": password})


# Tokens ----------------------------------------------------------------------------------


def test_a_token_lapses_after_the_idle_period_and_each_use_moves_it_on(editor):
    token = _token(editor)
    stored = AuthToken.objects.get(user=editor)
    assert stored.expiry is not None
    assert timedelta(days=29) < stored.expiry - timezone.now() <= timedelta(days=30)

    AuthToken.objects.filter(pk=stored.pk).update(expiry=timezone.now() - timedelta(days=6))
    AuthToken.objects.filter(pk=stored.pk).update(expiry=timezone.now() + timedelta(days=1))
    assert _with(token).get(ARTICLES).status_code == 200
    # knox moves the expiry on at a use (at most once a minute): a token in use stays valid.
    assert AuthToken.objects.get(pk=stored.pk).expiry > timezone.now() + timedelta(days=29)

    AuthToken.objects.filter(pk=stored.pk).update(expiry=timezone.now() - timedelta(seconds=1))
    anonymous = APIClient().get(ARTICLES).status_code
    assert _with(token).get(ARTICLES).status_code == anonymous == 403
    assert not AuthToken.objects.filter(pk=stored.pk).exists()


def test_a_password_change_or_a_deactivation_revokes_every_token(editor):
    other = EditorFactory()
    first, second, others = _token(editor), _token(editor), _token(other)
    editor.last_login = timezone.now()
    editor.save(update_fields=["last_login"])  # a login: tokens stay
    editor.first_name = "Edwina"
    editor.save()  # a profile change: tokens stay
    assert _with(first).get(ARTICLES).status_code == 200

    editor.set_password("a new and long passphrase")
    editor.save()
    assert _with(first).get(ARTICLES).status_code == 403  # as if anonymous
    assert _with(second).get(ARTICLES).status_code == 403
    assert _with(others).get(ARTICLES).status_code == 200  # nobody else's

    other.is_active = False
    other.save()
    assert not AuthToken.objects.filter(user=other).exists()


@pytest.mark.parametrize("others", [0, 200])
def test_authentication_costs_the_same_whatever_the_number_of_tokens(
    others, editor, monkeypatch, django_assert_num_queries
):
    RevisionFactory(author=editor)
    token = _token(editor)
    # The user's other tokens, all under the same 8-character prefix (the column knox looks up
    # by), half of them expired: knox's own authentication hashed the token again for each
    # and read every token of the user for each.
    now, prefix = timezone.now(), token[: CONSTANTS.TOKEN_KEY_LENGTH]
    AuthToken.objects.bulk_create(
        AuthToken(
            digest=f"{n:0128x}",
            token_key=prefix,
            user=editor,
            expiry=now + timedelta(days=1 if n % 2 else -1),
        )
        for n in range(others)
    )
    hashed: list[str] = []

    def hash_counted(value: str) -> str:
        hashed.append(value)
        return knox_crypto.hash_token(value)

    for where in ("knox.auth.hash_token", "editorial.tokens.hash_token"):
        monkeypatch.setattr(where, hash_counted)
    client = _with(token)

    # the token with its user and their groups, the page with its rows' newest revisions
    with django_assert_num_queries(2):
        assert client.get(ARTICLES).status_code == 200

    assert len(hashed) == 1
    assert AuthToken.objects.filter(user=editor).count() == others + 1  # none deleted on the way


@pytest.mark.parametrize("size", [1, 4])
def test_a_tokens_permissions_come_with_it_in_one_query(
    size, editor, reviewer, django_assert_num_queries
):
    """The token's statement carries its user's groups: the lists are filtered by them with
    no query of their own, for an editor (every article), a board member (the assigned
    ones), someone in both groups, and someone in none."""
    revisions = [RevisionFactory(author=editor) for _ in range(size)]
    reviewed = revisions[0]
    ReviewAssignment.objects.create(
        revision=reviewed, reviewer=reviewer, assigned_by=editor, due_date=timezone.now().date()
    )
    both = EditorFactory(username="bea")
    both.groups.add(*reviewer.groups.all())
    nobody = EditorFactory(username="ned")
    nobody.groups.clear()
    seen = {
        "editor": {revision.article_id for revision in revisions},
        "board member": {reviewed.article_id},
        "both": {revision.article_id for revision in revisions},
        "none": set(),
    }
    for who, user in {
        "editor": editor,
        "board member": reviewer,
        "both": both,
        "none": nobody,
    }.items():
        client = _with(_token(user))
        with django_assert_num_queries(1 if who == "none" else 2):
            rows = client.get(ARTICLES).json()["results"]
        assert {row["id"] for row in rows} == seen[who], who


def test_expired_tokens_are_deleted_by_the_daily_task(editor):
    kept, lapsed = _token(editor), _token(editor)
    AuthToken.objects.filter(token_key=lapsed[: CONSTANTS.TOKEN_KEY_LENGTH]).update(
        expiry=timezone.now() - timedelta(minutes=1)
    )

    assert prune_expired_tokens.delay().get() == 1
    assert list(AuthToken.objects.values_list("token_key", flat=True)) == [
        kept[: CONSTANTS.TOKEN_KEY_LENGTH]
    ]
    assert prune_expired_tokens.name in {
        entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }


@pytest.mark.parametrize("header", ["Token caf\xe9", "Token 0000", "Token " + "a" * 200])
def test_a_malformed_or_unknown_token_is_refused_as_anonymous(header, editor):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    assert client.get(ARTICLES).status_code == 403


# Logins and password resets, per account and per client -------------------------------------


def test_logins_to_one_account_are_counted_whatever_the_address(rates, editor):
    for n in range(3):
        assert _login(Client(REMOTE_ADDR=f"198.51.100.{n}"), editor.username).status_code == 200
    refused = _login(Client(REMOTE_ADDR="198.51.100.99"), editor.username, PASSWORD)
    assert refused.status_code == 429
    assert "please wait 10 minutes" in refused.text
    assert "_auth_user_id" not in refused.client.session  # the right password was not tried
    # Another account is not held up.
    other = EditorFactory()
    assert _login(Client(REMOTE_ADDR="198.51.100.99"), other.username, PASSWORD).status_code == 302


def test_password_spraying_from_one_address_is_stopped(rates, db):
    sprayer = Client(REMOTE_ADDR="203.0.113.5")
    users = [EditorFactory() for _ in range(5)]
    answers = [_login(sprayer, user.username).status_code for user in users]
    assert answers == [200, 200, 200, 200, 429]
    # Someone else, elsewhere, signs in as usual.
    assert _login(Client(REMOTE_ADDR="192.0.2.1"), users[4].username, PASSWORD).status_code == 302


def test_behind_trusted_proxies_each_client_is_counted_apart(rates, settings, db):
    settings.IMPRIMATUR_TRUSTED_PROXIES = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    users = [EditorFactory() for _ in range(6)]
    # Two readers behind the same proxy: each has their own count.
    for user in users[:4]:
        assert (
            _login(Client(HTTP_X_FORWARDED_FOR="192.0.2.10", **proxy), user.username).status_code
            == 200
        )
    assert (
        _login(Client(HTTP_X_FORWARDED_FOR="192.0.2.10", **proxy), users[4].username).status_code
        == 429
    )
    assert (
        _login(Client(HTTP_X_FORWARDED_FOR="192.0.2.20", **proxy), users[4].username).status_code
        == 200
    )
    # A client cannot choose its address: what it sends is left of what the proxy saw.
    forged = Client(HTTP_X_FORWARDED_FOR="198.51.100.1, 192.0.2.10", **proxy)
    assert _login(forged, users[5].username).status_code == 429


def test_the_api_login_and_the_admin_login_are_counted_with_the_page(rates, editor):
    api = APIClient(REMOTE_ADDR="203.0.113.8")
    for _ in range(2):
        api.post("/api/v1/auth/login/", {"username": editor.username, "password": "no"})
    assert _login(Client(REMOTE_ADDR="203.0.113.9"), editor.username).status_code == 200
    refused = api.post("/api/v1/auth/login/", {"username": editor.username, "password": PASSWORD})
    assert refused.status_code == 429
    assert "please wait 10 minutes" in str(refused.json())
    admin = Client(REMOTE_ADDR="203.0.113.10").post(
        "/admin/login/", {"username": editor.username, "password": PASSWORD}
    )
    assert admin.status_code == 429


def test_password_resets_are_counted_per_address_and_per_account(rates, editor):
    def reset(client: Client, email: str):  # type: ignore[no-untyped-def]
        return client.post("/accounts/password_reset/", {"email": email})

    here = Client(REMOTE_ADDR="203.0.113.20")
    assert reset(here, editor.email).status_code == 302
    assert reset(Client(REMOTE_ADDR="203.0.113.21"), editor.email).status_code == 302
    # The account's third request looks the same, and sends nothing.
    assert reset(Client(REMOTE_ADDR="203.0.113.22"), editor.email).status_code == 302
    assert len(mail.outbox) == 2
    assert reset(here, "someone@example.org").status_code == 302
    assert reset(here, "another@example.org").status_code == 302
    refused = reset(here, "a-fourth@example.org")
    assert refused.status_code == 429
    assert "please wait an hour" in refused.text


def test_with_the_cache_unreachable_nobody_is_refused_for_it(rates, settings, editor):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    # Four tries at one account, past its rate of three (axes would lock at the fifth).
    for _ in range(4):
        assert _login(Client(REMOTE_ADDR="203.0.113.30"), editor.username).status_code == 200


# Responses nobody stores -----------------------------------------------------------------


def test_workspace_api_and_account_pages_are_never_stored(client, editor):
    revision = RevisionFactory(author=editor)
    assert client.get("/accounts/login/")["Cache-Control"] == "private, no-store"
    assert client.get("/admin/login/")["Cache-Control"] == "private, no-store"
    client.force_login(editor)
    for url in (
        "/editorial/",
        f"/editorial/articles/{revision.article_id}/",
        ARTICLES,
        f"{ARTICLES}{revision.article_id}/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == "private, no-store", url
    assert "private" not in client.get("/").get("Cache-Control", "")
