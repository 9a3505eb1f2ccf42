"""The inbox: a person's notifications, newest first, and marking one read."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from editorial.notifications import notification_mark_read
from editorial.selectors import notifications_for_user
from editorial.workspace.common import workspace_user


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    notifications = notifications_for_user(user=workspace_user(request))[:100]
    return render(request, "editorial/inbox.html", {"notifications": notifications})


@login_required
@require_POST
def inbox_read(request: HttpRequest, pk: int) -> HttpResponse:
    notification = get_object_or_404(notifications_for_user(user=workspace_user(request)), pk=pk)
    notification_mark_read(notification=notification, actor=workspace_user(request))
    return redirect("editorial:inbox")
