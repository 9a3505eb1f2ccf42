"""API tokens (django-rest-knox) end with the trust they stood for: a changed password or a
deactivated account revokes every token of that user. (Tokens also lapse after REST_KNOX's
TOKEN_TTL without use; sessions end on a password change through Django's own session hash.)

Authentication with a token costs the same whatever the number of tokens its user holds
(TokenAuthentication); expired tokens are deleted by a daily task (tokens_expired_delete)
rather than at every request."""

import binascii
from datetime import datetime
from typing import Any

from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone
from knox import auth as knox_auth
from knox.crypto import hash_token
from knox.models import AuthToken
from knox.settings import CONSTANTS, knox_settings
from rest_framework.exceptions import AuthenticationFailed

from editorial.models import User

REFUSED = "Invalid token."


class TokenAuthentication(knox_auth.TokenAuthentication):
    """knox's token authentication at a constant cost: the token is hashed once and its row
    found by its digest (the table's primary key), one query with the user joined. knox's own
    hashes the token again for every stored token sharing its 8-character prefix and, for each,
    reads every token of the user to delete the expired ones (40 ms at 5,000 tokens)."""

    def authenticate_credentials(self, token: bytes) -> tuple[User, AuthToken]:
        try:
            text = token.decode()
            digest = hash_token(text)
        except (UnicodeDecodeError, TypeError, binascii.Error) as exc:
            raise AuthenticationFailed(REFUSED) from exc
        found = (
            AuthToken.objects.filter(digest=digest, token_key=text[: CONSTANTS.TOKEN_KEY_LENGTH])
            .select_related("user")
            .first()
        )
        if found is None:
            raise AuthenticationFailed(REFUSED)
        if found.expiry is not None and found.expiry < timezone.now():
            found.delete()
            raise AuthenticationFailed(REFUSED)
        if knox_settings.AUTO_REFRESH and found.expiry:
            self.renew_token(found)
        user, auth_token = self.validate_user(found)
        return user, auth_token


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
