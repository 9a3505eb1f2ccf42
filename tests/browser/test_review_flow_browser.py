"""A board member's whole review in a browser: queue, accept, comment, declare, approve; and
the next round, after the editor submits a revision sent back again."""

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from articles.models import AudienceLevel, ReviewStatus
from editorial import workflow
from editorial.models import ReviewComment
from tests.browser.tools import login_form_submit, workspace_page
from tests.factories import BoardMemberFactory, EditorFactory, RevisionFactory, assign_ready

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_second_approval_from_the_queue_approves_the_article(live_server, page: Page, console):
    editor = EditorFactory()
    first = BoardMemberFactory()
    me = BoardMemberFactory(username="bea", first_name="Bea", last_name="Board")
    revision = RevisionFactory(
        author=editor, canonical_body="Rest first, then graded loading of the tendon."
    )
    workflow.revision_submit(revision=revision, actor=editor)
    assign_ready(revision, editor=editor, reviewer=first)
    workflow.revision_approve(revision=revision, actor=first)
    workflow.revision_assign_reviewer(revision=revision, actor=editor, reviewer=me)
    canonical = AudienceLevel.objects.get(is_canonical=True)
    queue = live_server.url + reverse("editorial:queue")

    page.goto(queue)
    login_form_submit(page, "bea")
    expect(page).to_have_url(queue)
    page.get_by_role("link", name=revision.article.title).click()
    page.get_by_role("button", name="Accept").click()

    # Typed rather than selected (a phone, a keyboard): the version's box opens from its summary.
    page.get_by_text("Comment on a passage of this version").click()
    page.get_by_label("Passage (quote it exactly)").fill("graded loading")
    page.get_by_label("Comment", exact=True).fill("Name the loading protocol.")
    page.get_by_role("button", name="Add comment").click()
    expect(page.locator("aside.threads")).to_contain_text("Name the loading protocol.")

    # Not declared yet: Approve is shown disabled, saying why and what lifts it.
    expect(page.get_by_role("button", name="Approve")).to_be_disabled()
    expect(page.locator("#blocked-approve")).to_contain_text(workflow.DECLARATION_REQUIRED)
    page.get_by_label("I have no conflict of interest to declare").check()
    page.get_by_role("button", name="Save declaration").click()
    expect(page.get_by_role("button", name="Approve")).to_be_enabled()
    page.get_by_role("button", name="Approve").click()
    # The confirmation says what the approval does before it is given.
    expect(page.locator("#decision-outcome")).to_contain_text(
        f"This is the 2nd of 2 approvals needed: revision {revision.number} becomes Approved"
    )
    page.get_by_label("Note with your approval").fill("Accurate and well sourced.")
    page.get_by_role("button", name="Confirm: approve").click()

    expect(page.get_by_text("Approve: done for revision")).to_be_visible()
    revision.refresh_from_db()
    assert revision.status == ReviewStatus.APPROVED
    thread = ReviewComment.objects.get()
    assert (thread.quoted_text, thread.audience) == ("graded loading", canonical)
    assert console.csp_violations == []
    assert console.errors == []


def _changes_requested():  # type: ignore[no-untyped-def]
    """Ella's revision, reviewed by Femi First and Bea Board; Bea requested changes."""
    editor = EditorFactory(username="ella")
    first = BoardMemberFactory(first_name="Femi", last_name="First")
    me = BoardMemberFactory(username="bea", first_name="Bea", last_name="Board")
    revision = RevisionFactory(author=editor)
    workflow.revision_submit(revision=revision, actor=editor)
    assign_ready(revision, editor=editor, reviewer=first)
    assign_ready(revision, editor=editor, reviewer=me)
    workflow.revision_request_changes(revision=revision, actor=me, reason="Cite the trial.")
    return editor, first, me, revision


def test_a_revision_sent_back_and_submitted_again_goes_back_to_its_reviewers(
    live_server, browser: Browser, console
):
    """The editor answers a request for changes by submitting the revision again as it is
    (the text was right): it is under review again at once, in each reviewer's "To review",
    and the second approval of the new round approves it."""
    editor, first, me, revision = _changes_requested()
    title = revision.article.title

    page = workspace_page(browser, live_server, editor.username)
    page.goto(live_server.url + reverse("editorial:article", args=[revision.article_id]))
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_text(f"Submit: done for revision {revision.number}")).to_be_visible()
    expect(page.locator(".status-line")).to_contain_text("Under review")
    workflow.revision_approve(revision=revision, actor=first)

    page = workspace_page(browser, live_server, me.username)
    page.get_by_role("link", name="My reviews").click()
    expect(page.locator("main")).to_contain_text("To review (1)")
    page.get_by_role("link", name=title).click()
    page.get_by_role("button", name="Approve").click()
    expect(page.locator("#decision-outcome")).to_contain_text(
        f"This is the 2nd of 2 approvals needed: revision {revision.number} becomes Approved"
    )
    page.get_by_role("button", name="Confirm: approve").click()
    expect(page.get_by_text(f"Approve: done for revision {revision.number}")).to_be_visible()
    revision.refresh_from_db()
    assert (revision.status, revision.review_round) == (ReviewStatus.APPROVED, 2)
    assert console.csp_violations == []
    assert console.errors == []


def test_after_a_new_revision_the_last_rounds_reviewers_are_invited_with_one_button(
    live_server, browser: Browser, console
):
    """Changes were requested; the editors wrote revision 2 and submitted it, with nobody
    reviewing it. The editor invites revision 1's reviewers with one button; a board member
    finds it in "To review" and accepts."""
    from articles.services import revision_create_draft

    editor, _, me, revision = _changes_requested()
    second = revision_create_draft(article=revision.article, author=editor)
    workflow.revision_submit(revision=second, actor=editor)

    page = workspace_page(browser, live_server, editor.username)
    page.goto(live_server.url + reverse("editorial:article", args=[revision.article_id]))
    expect(page.locator("form.invite-again")).to_contain_text(
        "Reviewed the last round: Bea Board, Femi First."
    )
    page.get_by_role("button", name=f"Invite them to review revision {second.number}").click()
    expect(
        page.get_by_text(f"Invited to review revision {second.number}: Bea Board, Femi First.")
    ).to_be_visible()
    expect(page.locator(".status-line")).to_contain_text("Under review")
    expect(page.locator("form.invite-again")).to_have_count(0)

    page = workspace_page(browser, live_server, me.username)
    page.get_by_role("link", name="My reviews").click()
    expect(page.locator("main")).to_contain_text("To review (1)")
    page.get_by_role("link", name=revision.article.title).click()
    page.get_by_role("button", name="Accept").click()
    expect(page.get_by_label("I have no conflict of interest to declare")).to_be_visible()
    assert second.assignments.get(reviewer=me).state == "accepted"
    assert console.csp_violations == []
    assert console.errors == []
