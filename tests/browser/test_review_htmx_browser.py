"""On the review page a reviewer comments and resolves in place: the page never reloads."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from articles.models import AudienceLevel
from editorial import workflow
from editorial.models import ReviewComment
from tests.browser.tools import login_form_submit
from tests.factories import BoardMemberFactory, EditorFactory, RevisionFactory, assign_ready

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_reviewer_comments_and_resolves_without_a_reload(live_server, page: Page, console):
    editor = EditorFactory()
    reviewer = BoardMemberFactory(username="rosa", first_name="Rosa", last_name="Reviewer")
    revision = RevisionFactory(author=editor, canonical_body="Rest, then graded loading.")
    workflow.revision_submit(revision=revision, actor=editor)
    assign_ready(revision, editor=editor, reviewer=reviewer)
    canonical = AudienceLevel.objects.get(is_canonical=True)
    review_url = live_server.url + reverse("editorial:review", kwargs={"pk": revision.pk})

    page.goto(review_url)
    login_form_submit(page, "rosa")
    expect(page).to_have_url(review_url)
    # A full page load would lose this.
    page.evaluate("window.stillTheSamePage = true")

    # Typed rather than selected (a phone, a keyboard): the version's box opens from its summary.
    page.get_by_text("Comment on a passage of this version").click()
    page.get_by_label("Passage (quote it exactly)").fill("graded loading")
    page.get_by_label("Severity").select_option("safety")
    page.get_by_label("Comment", exact=True).fill("Say how graded.")
    page.get_by_role("button", name="Add comment").click()

    threads = page.locator("aside.threads")
    expect(threads.get_by_text("Comment added.")).to_be_visible()
    expect(threads.locator("article.thread")).to_have_count(1)
    expect(threads).to_contain_text("Say how graded.")
    expect(page.get_by_label("Comment", exact=True)).to_have_value("")  # a fresh form

    threads.get_by_role("button", name="Resolve").click()

    expect(threads.get_by_text("Comment resolved.")).to_be_visible()
    expect(threads).to_contain_text("Resolved by Rosa Reviewer")
    expect(threads.get_by_role("button", name="Reopen")).to_be_visible()
    assert page.evaluate("window.stillTheSamePage") is True
    thread = ReviewComment.objects.get()
    assert (thread.resolved_by, thread.audience) == (reviewer, canonical)
    assert console.csp_violations == []
    assert console.errors == []
