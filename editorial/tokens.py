"""API tokens (django-rest-knox) end with the trust they stood for: a changed password or a
deactivated account revokes every token of that user. (Tokens also lapse after REST_KNOX's
TOKEN_TTL without use; sessions end on a password change through Django's own session hash.)"""

from typing import Any

from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from knox.models import AuthToken

from editorial.models import User

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
