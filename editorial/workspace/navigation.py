"""The site's navigation for a logged-in user: only the pages they may open, and how many of
their notifications are unread (a template context processor; nothing for anonymous readers,
whose pages are the same for everyone)."""

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from editorial import permissions
from editorial.selectors import notifications_unread_count


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    name: str  # the URL name, to mark the current page


def nav_items(user) -> list[NavItem]:  # type: ignore[no-untyped-def]
    items = [NavItem("Workspace", reverse("editorial:dashboard"), "dashboard")]
    if permissions.is_board_member.test(user):
        items.append(NavItem("My reviews", reverse("editorial:queue"), "queue"))
    if permissions.is_editor.test(user):
        items.append(NavItem("Board", reverse("editorial:board"), "board"))
    if permissions.can_read_references.test(user):
        items.append(NavItem("References", reverse("editorial:references"), "references"))
    if permissions.can_handle_questions.test(user):
        items.append(NavItem("Questions", reverse("editorial:questions"), "questions"))
    return items


def workspace_navigation(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "workspace_nav": SimpleLazyObject(lambda: nav_items(user)),
        "inbox_unread": SimpleLazyObject(lambda: notifications_unread_count(user=user)),
    }
