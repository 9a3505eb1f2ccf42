"""What changed, told to readers, in Chromium: an editor submits a revision saying what kind of
change it is and what readers should be told, another editor publishes it (an editorial change
on one editor's approval, as the topic's policy allows), and a reader on a phone sees the
update history while "last reviewed" keeps the board's review."""

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from articles.models import Article, AudienceLevel, ChangeKind, ReviewStatus, Revision
from articles.services import revision_create_draft, revision_edit
from editorial import workflow
from editorial.models import ApprovalPolicy
from tests.browser.tools import overflowing, workspace_page
from tests.conftest import reach_status
from tests.factories import BoardMemberFactory, EditorFactory, RevisionFactory

SUMMARY = "We fixed a broken link to the exercise leaflet. The advice is unchanged."

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_an_editor_classifies_a_change_and_a_reader_on_a_phone_sees_the_history(
    live_server, browser: Browser, page: Page, screenshot
):
    writer = EditorFactory(username="ella")
    publisher = EditorFactory(username="otto")
    reviewers = [BoardMemberFactory(username=name) for name in ("amir", "bo")]
    approved = reach_status(
        RevisionFactory(author=writer, number=1, canonical_body="Rest, then calf exercises."),
        ReviewStatus.APPROVED,
        editor=writer,
        reviewers=reviewers,
    )
    article = workflow.article_publish(revision=approved, actor=writer)
    ApprovalPolicy.objects.create(
        topic=article.topic, min_approvals=2, editorial_by_one_editor=True
    )
    draft = revision_create_draft(article=article, author=writer)
    revision_edit(
        revision=draft,
        editor=writer,
        bodies={AudienceLevel.objects.get(is_canonical=True): "Rest, then exercises for the calf."},
    )

    # The writer submits, saying what changed; without a summary the server refuses an update.
    editor_page = workspace_page(browser, live_server, writer.username)
    editor_page.goto(live_server.url + reverse("editorial:article", args=[article.pk]))
    submit_form = editor_page.locator('form[data-transition="submit"]')
    submit_form.get_by_label("Kind of change").select_option(label="Editorial change")
    submit_form.get_by_role("button", name="Submit").click()
    expect(editor_page.get_by_text(workflow.READER_SUMMARY_MISSING)).to_be_visible()
    assert Revision.objects.get(pk=draft.pk).status == ReviewStatus.DRAFT

    submit_form = editor_page.locator('form[data-transition="submit"]')
    submit_form.get_by_label("Kind of change").select_option(label="Editorial change")
    submit_form.get_by_label("What changed, for readers").fill(SUMMARY)
    submit_form.get_by_role("button", name="Submit").click()
    expect(editor_page.get_by_text("Submit: done for revision 2.")).to_be_visible()
    submitted = Revision.objects.get(pk=draft.pk)
    assert (submitted.change_kind, submitted.reader_summary) == (ChangeKind.EDITORIAL, SUMMARY)
    # Its writer cannot publish it on their own approval.
    expect(editor_page.get_by_role("button", name="Publish…")).to_have_count(0)

    # Another editor publishes it: the confirmation says what the history will say.
    other = workspace_page(browser, live_server, publisher.username)
    other.goto(live_server.url + reverse("editorial:article", args=[article.pk]))
    other.get_by_role("button", name="Publish…").click()
    expect(other.locator("dl.facts")).to_contain_text(f"Editorial change: {SUMMARY}")
    expect(other.get_by_role("note")).to_contain_text("still covers what readers read")
    other.get_by_role("button", name="Publish revision 2").click()
    expect(other.get_by_text("Publish: done for revision 2.")).to_be_visible()
    assert Article.objects.get(pk=article.pk).published_revision_id == draft.pk

    # A reader on a phone: the new text, the review kept, and the history.
    page.goto(live_server.url + article.get_absolute_url())
    expect(page.get_by_text("Rest, then exercises for the calf.")).to_be_visible()
    approved.refresh_from_db()
    assert approved.approved_at is not None
    expect(page.locator(".review-dates")).to_contain_text(
        f"Last reviewed {approved.approved_at:%B %-d, %Y}"
    )
    expect(page.locator(".caution-banner")).to_have_count(0)
    page.get_by_role("link", name="Update history").click()
    history = page.get_by_role("region", name="Update history")
    expect(history).to_be_in_viewport()
    lines = history.get_by_role("listitem")
    expect(lines).to_have_count(2)
    expect(lines.first).to_contain_text("Editorial change")
    expect(lines.first).to_contain_text(SUMMARY)
    expect(lines.last).to_contain_text("New article")
    width = page.viewport_size["width"] if page.viewport_size else 390
    assert overflowing(page, width) == []
    screenshot(page, "reader")
