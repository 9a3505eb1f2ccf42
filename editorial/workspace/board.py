"""The editors' board (every article by state, with counts, and late reviews) and an article's
history (its audit events)."""

from collections import Counter

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from articles.models import ReviewStatus
from editorial import permissions
from editorial.selectors import articles_for_user, audit_events_visible, late_assignments
from editorial.workspace.common import workspace_user
from editorial.workspace.dashboard import _rows


@login_required
@require_GET
def board(request: HttpRequest) -> HttpResponse:
    """The editors' board: every article by state, with counts, and who is late."""
    user = workspace_user(request)
    if not permissions.is_editor.test(user):
        raise PermissionDenied
    rows = _rows(articles_for_user(user=user))
    counts = Counter(row.status for row in rows)
    columns = [
        (status, label, [r for r in rows if r.status == status], counts[status])
        for status, label in ReviewStatus.choices
    ]
    today = timezone.localdate()
    late = [(a, (today - a.due_date).days) for a in late_assignments() if a.due_date]
    return render(request, "editorial/board.html", {"columns": columns, "late": late})


@login_required
@require_GET
def history(request: HttpRequest, pk: int) -> HttpResponse:
    user = workspace_user(request)
    article = get_object_or_404(articles_for_user(user=user), pk=pk)
    events = audit_events_visible(user=user, article=article)
    context = {
        "article": article,
        "events": events,
        "can_compare": permissions.can_compare_revisions.test(user),
    }
    return render(request, "editorial/history.html", context)
