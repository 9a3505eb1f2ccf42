"""The inbox: a person's notifications, newest first, in pages; opening one marks it read and
goes where it points; one or all can be marked read."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from editorial.notifications import (
    notification_mark_read,
    notification_path,
    notifications_mark_all_read,
)
from editorial.selectors import notifications_for_user
from editorial.workspace.common import workspace_user

INBOX_PAGE_SIZE = 25
ALL_READ = "Marked {count} notification{s} read."


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    notifications = notifications_for_user(user=workspace_user(request)).order_by(
        "-created_at", "-pk"
    )
    page = Paginator(notifications, INBOX_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "editorial/inbox.html", {"page": page})


@login_required
@require_POST
def inbox_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark the notification read and go to the page it is about."""
    user = workspace_user(request)
    notification = get_object_or_404(notifications_for_user(user=user), pk=pk)
    notification_mark_read(notification=notification, actor=user)
    return redirect(notification_path(event=notification.event, recipient=user))


@login_required
@require_POST
def inbox_read(request: HttpRequest, pk: int) -> HttpResponse:
    notification = get_object_or_404(notifications_for_user(user=workspace_user(request)), pk=pk)
    notification_mark_read(notification=notification, actor=workspace_user(request))
    return redirect("editorial:inbox")


@login_required
@require_POST
def inbox_read_all(request: HttpRequest) -> HttpResponse:
    count = notifications_mark_all_read(actor=workspace_user(request))
    messages.success(request, ALL_READ.format(count=count, s="" if count == 1 else "s"))
    return redirect("editorial:inbox")
