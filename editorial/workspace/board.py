"""The editors' board (each state's latest articles with the state's count, one state's pages,
late reviews) and an article's history (its audit events)."""

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.decorators.http import require_GET

from articles.models import ReviewStatus
from articles.status_counts import article_status_counts
from editorial import permissions
from editorial.selectors import articles_for_user, audit_events_visible, late_assignments
from editorial.workspace.common import workspace_user
from editorial.workspace.dashboard import ArticleRow, _rows

BOARD_COLUMN = 20  # articles shown per state on the board
BOARD_PAGE = 50  # articles per page of one state
HISTORY_PAGE = 50  # audit events per page of an article's history


@dataclass(frozen=True)
class Column:
    """One state on the board: its first rows (or a page of them) and how many there are."""

    status: str
    label: str
    rows: list[ArticleRow]
    count: int


class CountedPaginator(Paginator):
    """A Paginator given its count (one the database keeps) rather than counting the rows."""

    def __init__(self, object_list: Any, per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self.known_count = count

    @cached_property
    def count(self) -> int:
        return self.known_count


@login_required
@require_GET
def board(request: HttpRequest) -> HttpResponse:
    """The editors' board: each state's most recently changed articles (BOARD_COLUMN, with the
    count in the database) and the late reviews; `?status=` pages through one state."""
    user = workspace_user(request)
    if not permissions.is_editor.test(user):
        raise PermissionDenied
    articles = articles_for_user(user=user).order_by("-updated_at", "-pk")
    # An editor's articles are all of them: each state's count is the one the database keeps,
    # not a count of every article at each request.
    counts = article_status_counts()
    labels = dict(ReviewStatus.choices)
    wanted = request.GET.get("status", "")
    if wanted in labels:
        count = counts.get(wanted, 0)
        paginator = CountedPaginator(articles.filter(Q(status=wanted)), BOARD_PAGE, count=count)
        page = paginator.get_page(request.GET.get("page"))
        column = Column(wanted, labels[wanted], _rows(page), count)
        return render(request, "editorial/board_state.html", {"column": column, "page": page})
    # Each state's BOARD_COLUMN latest: one query per state that has any, each reading
    # BOARD_COLUMN rows of the index on (newest status, last change).
    shown = {
        status: _rows(articles.filter(Q(status=status))[:BOARD_COLUMN])
        for status in labels
        if counts.get(status)
    }
    columns = [
        Column(status, label, shown.get(status, []), counts.get(status, 0))
        for status, label in ReviewStatus.choices
    ]
    today = timezone.localdate()
    late = late_assignments()
    late_shown = [(a, (today - a.due_date).days) for a in late[:BOARD_COLUMN] if a.due_date]
    context = {
        "columns": columns,
        "late": late_shown,
        "late_count": late.count() if len(late_shown) == BOARD_COLUMN else len(late_shown),
        "shown": BOARD_COLUMN,
    }
    return render(request, "editorial/board.html", context)


@login_required
@require_GET
def history(request: HttpRequest, pk: int) -> HttpResponse:
    """An article's audit events, newest first, in pages."""
    user = workspace_user(request)
    article = get_object_or_404(articles_for_user(user=user), pk=pk)
    events = audit_events_visible(user=user, article=article).order_by("-created_at", "-pk")
    page = Paginator(events, HISTORY_PAGE).get_page(request.GET.get("page"))
    context = {
        "article": article,
        "page": page,
        "can_compare": permissions.can_compare_revisions.test(user),
    }
    return render(request, "editorial/history.html", context)
