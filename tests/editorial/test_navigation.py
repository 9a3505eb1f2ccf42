"""The navigation offers only what the user may open, and counts their unread notifications."""

import re

from django.urls import reverse

from editorial import workflow
from editorial.models import Notification
from tests.factories import RevisionFactory, UserFactory


def _nav(client, user) -> list[str]:  # type: ignore[no-untyped-def]
    client.force_login(user)
    html = client.get(reverse("editorial:dashboard")).text
    nav = html.split('aria-label="Main"')[1].split("</nav>")[0]
    return re.findall(r'<li><a href="[^"]+"[^>]*>([A-Z][a-z]+(?: [a-z]+)?)', nav)


def test_each_role_sees_the_pages_it_may_open(client, editor, reviewer):
    assert _nav(client, editor) == [
        "Articles",
        "Workspace",
        "Board",
        "References",
        "Questions",
        "Inbox",
    ]
    assert _nav(client, reviewer) == ["Articles", "Workspace", "My reviews", "References", "Inbox"]
    assert _nav(client, UserFactory()) == ["Articles", "Workspace", "Inbox"]


def test_the_inbox_count_goes_down_as_items_are_read(
    client, editor, reviewer, django_capture_on_commit_callbacks
):
    revision = workflow.revision_submit(revision=RevisionFactory(author=editor), actor=editor)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.revision_assign_reviewer(revision=revision, actor=editor, reviewer=reviewer)
    client.force_login(reviewer)
    badge = '<span class="badge">{}<span class="visually-hidden"> unread</span></span>'
    assert badge.format(1) in client.get(reverse("editorial:queue")).text

    notification = Notification.objects.get(recipient=reviewer)
    client.post(reverse("editorial:inbox_read", args=[notification.pk]))
    assert 'class="badge"' not in client.get(reverse("editorial:queue")).text
