"""What every workspace page shares: the logged-in user and the permission check."""

from typing import cast

import rules
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

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
