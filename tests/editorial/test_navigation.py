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


def test_opening_an_item_marks_it_read_and_goes_where_it_points(
    client, editor, reviewer, django_capture_on_commit_callbacks
):
    revision = workflow.revision_submit(revision=RevisionFactory(author=editor), actor=editor)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.revision_assign_reviewer(revision=revision, actor=editor, reviewer=reviewer)
    notification = Notification.objects.get(recipient=reviewer)
    client.force_login(reviewer)

    response = client.post(reverse("editorial:inbox_open", args=[notification.pk]))

    assert response.status_code == 302
    assert response.url == reverse("editorial:review", kwargs={"pk": revision.pk})
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_mark_all_read_reads_only_mine(
    client, editor, reviewer, second_reviewer, django_capture_on_commit_callbacks
):
    revision = workflow.revision_submit(revision=RevisionFactory(author=editor), actor=editor)
    with django_capture_on_commit_callbacks(execute=True):
        for member in (reviewer, second_reviewer):
            workflow.revision_assign_reviewer(revision=revision, actor=editor, reviewer=member)
    client.force_login(reviewer)

    response = client.post(reverse("editorial:inbox_read_all"), follow=True)

    assert "Marked 1 notification read." in response.text
    assert not Notification.objects.filter(recipient=reviewer, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=second_reviewer, read_at__isnull=True).exists()
    assert "Mark all read" not in response.text


def test_someone_elses_notification_is_not_found(
    client, editor, reviewer, second_reviewer, django_capture_on_commit_callbacks
):
    revision = workflow.revision_submit(revision=RevisionFactory(author=editor), actor=editor)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.revision_assign_reviewer(revision=revision, actor=editor, reviewer=reviewer)
    notification = Notification.objects.get(recipient=reviewer)
    client.force_login(second_reviewer)
    assert client.post(reverse("editorial:inbox_open", args=[notification.pk])).status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None
