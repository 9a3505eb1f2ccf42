"""What every workspace page shares: the logged-in user, the permission check, and doing a
form's action once."""

from collections.abc import Callable
from typing import cast

import rules
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from articles.models import Article, Revision
from articles.selectors import revision_newest
from editorial.idempotency import Once, action_once
from editorial.models import User


def workspace_user(request: HttpRequest) -> User:
    """The logged-in user (every workspace view requires a login before it runs)."""
    return cast(User, request.user)


def require(request: HttpRequest, predicate: rules.Predicate) -> User:
    """The logged-in user if `predicate` (an editorial.permissions rule) holds, else 403."""
    user = workspace_user(request)
    if not predicate.test(user):
        raise PermissionDenied
    return user


NO_REVISION = "This article has no revision yet."


def newest_revision_or_404(article: Article) -> Revision:
    """The article's newest revision (the one the workspace acts on), or 404 before the first."""
    revision = revision_newest(article=article)
    if revision is None:
        raise Http404(NO_REVISION)
    return revision


def done_once(request: HttpRequest, *, action: str, perform: Callable[[], int]) -> Once:
    """`perform` once per key of the form sent (its `idempotency_key`: `{% sent_once_key %}` or
    a SentOnceForm's field): sent again, nothing is done and the view answers as the first
    time. Raises what action_once raises (InvalidInput, Conflict) and what `perform` raises."""
    return action_once(
        actor=workspace_user(request),
        key=request.POST.get("idempotency_key", ""),
        action=action,
        perform=perform,
    )
