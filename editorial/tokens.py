"""API tokens (django-rest-knox) end with the trust they stood for: a changed password or a
deactivated account revokes every token of that user. (Tokens also lapse after REST_KNOX's
TOKEN_TTL without use; sessions end on a password change through Django's own session hash.)

Authentication with a token costs the same whatever the number of tokens its user holds
(TokenAuthentication); expired tokens are deleted by a daily task (tokens_expired_delete)
rather than at every request."""

import binascii
from datetime import datetime
from typing import Any

from django.contrib.auth.models import Group
from django.db import connection
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone
from knox import auth as knox_auth
from knox.crypto import hash_token
from knox.models import AuthToken
from knox.settings import CONSTANTS, knox_settings
from rest_framework.exceptions import AuthenticationFailed

from articles.sql_rows import ModelColumns
from editorial.models import User
from editorial.permissions import group_names_known

REFUSED = "Invalid token."


class TokenAuthentication(knox_auth.TokenAuthentication):
    """knox's token authentication at a constant cost: the token is hashed once and its row
    found by its digest (the table's primary key), one query with the user and their groups.
    knox's own hashes the token again for every stored token sharing its 8-character prefix
    and, for each, reads every token of the user to delete the expired ones (40 ms at 5,000
    tokens)."""

    def authenticate_credentials(self, token: bytes) -> tuple[User, AuthToken]:
        try:
            text = token.decode()
            digest = hash_token(text)
        except (UnicodeDecodeError, TypeError, binascii.Error) as exc:
            raise AuthenticationFailed(REFUSED) from exc
        found = token_with_user_read(digest=digest, key=text[: CONSTANTS.TOKEN_KEY_LENGTH])
        if found is None:
            raise AuthenticationFailed(REFUSED)
        if found.expiry is not None and found.expiry < timezone.now():
            found.delete()
            raise AuthenticationFailed(REFUSED)
        if knox_settings.AUTO_REFRESH and found.expiry:
            self.renew_token(found)
        user, auth_token = self.validate_user(found)
        return user, auth_token


_TOKEN = ModelColumns(AuthToken, "token")
_USER = ModelColumns(User, "person")
_MEMBERSHIP = User.groups.through
# The token, its user and the user's group names (one row per group; one with NULL for none),
# in one statement: the permissions (editorial.permissions.group_names) then ask no query.
# Written as SQL: the queryset cost more to build and compile than the statement to run.
_TOKEN_SQL = f"""
SELECT {_TOKEN.sql}, {_USER.sql}, grp.name
FROM {AuthToken._meta.db_table} token
JOIN {User._meta.db_table} person ON person.id = token.user_id
LEFT JOIN {_MEMBERSHIP._meta.db_table} membership
  ON membership.{_MEMBERSHIP._meta.get_field("user").column} = person.id
LEFT JOIN {Group._meta.db_table} grp
  ON grp.id = membership.{_MEMBERSHIP._meta.get_field("group").column}
WHERE token.digest = %s AND token.token_key = %s
"""  # noqa: S608 (table and column names from the models; the token's values parameters)


def token_with_user_read(*, digest: str, key: str) -> AuthToken | None:
    """The token stored under `digest` and `key` with its user (`token.user`), whose group
    names are known to the permissions (group_names_known); or None. One query."""
    with connection.cursor() as cursor:
        cursor.execute(_TOKEN_SQL, [digest, key])
        rows = cursor.fetchall()
    if not rows:
        return None
    token: AuthToken = _TOKEN.instance(rows[0][: _TOKEN.width])
    user: User = _USER.instance(rows[0][_TOKEN.width : _TOKEN.width + _USER.width])
    group_names_known(user, (row[-1] for row in rows if row[-1] is not None))
    token.user = user
    return token


def tokens_expired_delete(*, now: datetime | None = None) -> int:
    """Delete the API tokens past their expiry (one statement); returns how many."""
    deleted, _ = AuthToken.objects.filter(expiry__lt=now or timezone.now()).delete()
    return deleted


_REVOKE = "_imprimatur_revoke_tokens"


@receiver(pre_save, sender=User, dispatch_uid="imprimatur-tokens-pre-save")
def _note_credentials_change(
    sender: type[User], instance: User, update_fields: Any = None, **kwargs: Any
) -> None:
    if instance.pk is None:
        return
    if update_fields is not None and not {"password", "is_active"} & set(update_fields):
        return  # e.g. last_login at each login: nothing to compare
    before = User.objects.filter(pk=instance.pk).values_list("password", "is_active").first()
    if before is None:
        return
    password, was_active = before
    changed = password != instance.password or (was_active and not instance.is_active)
    setattr(instance, _REVOKE, changed)


@receiver(post_save, sender=User, dispatch_uid="imprimatur-tokens-post-save")
def _revoke_tokens(sender: type[User], instance: User, **kwargs: Any) -> None:
    if getattr(instance, _REVOKE, False):
        AuthToken.objects.filter(user=instance).delete()
        setattr(instance, _REVOKE, False)
