"""Doing an action once however often its request arrives (a double click, a client's retry).

Each form carries a key made when it was rendered (the API: an `Idempotency-Key` header). The
action runs in one transaction with the insertion of (person, key) into a unique index: a
second request with the key waits for the first to commit, then finds the key taken and is
answered with what the first did. A refused action writes nothing, so sending again retries it.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from articles.errors import Conflict, InvalidInput
from articles.request_keys import KEY_INVALID, KEY_PATTERN
from editorial.models import RequestKey, User

KEY_REUSED = (
    "This request's key was already used for another action: reload the page and send it again."
)


@dataclass(frozen=True)
class Once:
    """What the action made or acted on (`object_id`), and whether this request only repeated
    one already done (`repeated`: nothing happened this time)."""

    object_id: int
    repeated: bool


def action_once(*, actor: User, key: str, action: str, perform: Callable[[], int]) -> Once:
    """Run `perform` (which returns the id of what it made or acted on) unless `actor` already
    sent `key`; then answer with the first run's id. Without a key, simply run it.

    Raises InvalidInput for a malformed key, Conflict for a key used for another action, and
    whatever `perform` raises (nothing is recorded then).
    """
    if not key:
        return Once(object_id=perform(), repeated=False)
    if not KEY_PATTERN.fullmatch(key):
        raise InvalidInput(KEY_INVALID)
    try:
        with transaction.atomic():
            # First: a second request with this key waits here until the first one commits.
            used = RequestKey.objects.create(user=actor, key=key, action=action, object_id=0)
            used.object_id = perform()
            used.save(update_fields=["object_id"])
    except IntegrityError:
        done = RequestKey.objects.filter(user=actor, key=key).first()
        if done is None:
            raise  # a constraint of the action itself
        if done.action != action:
            raise Conflict(KEY_REUSED) from None
        return Once(object_id=done.object_id, repeated=True)
    return Once(object_id=used.object_id, repeated=False)


def made_once[M: models.Model](
    once: Callable[[Callable[[], int]], Once], perform: Callable[[], M], model: type[M]
) -> M:
    """What `perform` makes, through `once` (action_once with the request's key and action:
    editorial.api.common.sent_once, editorial.workspace.common.done_once): the instance made
    this time, or, for a repeat, the first run's read again."""
    made: list[M] = []

    def run() -> int:
        made.append(perform())
        return made[0].pk

    done = once(run)
    return made[0] if made else model._default_manager.get(pk=done.object_id)


def request_keys_prune(*, now: datetime | None = None) -> int:
    """Delete the keys used more than IMPRIMATUR_PRUNE_AFTER_DAYS ago (a form that old is not
    sent again by a double click or a client's retry); returns how many."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.IMPRIMATUR_PRUNE_AFTER_DAYS)
    deleted, _ = RequestKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted
