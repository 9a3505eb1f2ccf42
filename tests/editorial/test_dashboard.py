"""The dashboard: due dates (overdue said in words), what is published, and lists bounded
however large the library grows."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from editorial import workflow
from editorial.models import ReviewAssignment
from editorial.selectors import my_drafts
from editorial.workspace.dashboard import DASHBOARD_LIST
from tests.factories import ArticleFactory, RevisionFactory, assign_ready
from tests.plans import plan_with_indexes


def test_reviews_to_decide_show_their_due_date_and_say_overdue(client, editor, reviewer):
    revision = workflow.revision_submit(revision=RevisionFactory(author=editor), actor=editor)
    assignment = assign_ready(revision, editor=editor, reviewer=reviewer)
    ReviewAssignment.objects.filter(pk=assignment.pk).update(
        due_date=timezone.localdate() - timedelta(days=3)
    )
    client.force_login(reviewer)
    html = client.get(reverse("editorial:dashboard")).text
    due = (timezone.localdate() - timedelta(days=3)).strftime("%b %-d")
    assert f'<span class="overdue">overdue since {due}</span>' in html
    assert "assigned " not in html


def test_published_articles_say_so(client, editor, draft):
    workflow.revision_submit(revision=draft, actor=editor)
    workflow.article_publish(revision=draft, actor=editor)
    client.force_login(editor)
    html = client.get(reverse("editorial:dashboard")).text
    assert '<span class="live-mark">Published</span>' in html


def test_the_lists_are_bounded(client, editor):
    for _ in range(DASHBOARD_LIST + 5):
        RevisionFactory(author=editor, article=ArticleFactory())
    client.force_login(editor)
    response = client.get(reverse("editorial:dashboard"))
    assert len(response.context["articles"].items) == DASHBOARD_LIST
    assert len(response.context["drafts"].items) == DASHBOARD_LIST
    assert f"The {DASHBOARD_LIST} changed most recently" in response.text


@pytest.mark.postgresql
def test_a_writers_drafts_are_read_from_indexes_of_drafts(editor):
    # Submitted revisions are most of a library: none of them is read to find the drafts.
    for _ in range(3):
        workflow.revision_submit(revision=RevisionFactory(author=editor), actor=editor)
    RevisionFactory(author=editor)
    with CaptureQueriesContext(connection) as queries:
        assert len(list(my_drafts(user=editor)[:DASHBOARD_LIST])) == 1
    plan = plan_with_indexes(queries.captured_queries[-1]["sql"])
    assert "Seq Scan on articles_revision" not in plan, plan
    assert re.search(r"Index Scan using revision_draft_by_(author|editor) ", plan), plan
