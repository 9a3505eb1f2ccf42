"""The workspace and the public page in a real browser, on a phone-sized screen, under the CSP."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from articles.models import AudienceLevel, ReviewStatus
from editorial import workflow
from tests.browser.tools import login_form_submit
from tests.factories import EditorFactory, RevisionFactory

pytestmark = [
    pytest.mark.browser,
    # live_server reads from another thread: real transactions, and the migrations' rows
    # (audience levels, groups) restored for the next test.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_editor_logs_in_and_submits_a_draft(live_server, page: Page, console):
    editor = EditorFactory(username="edith")
    draft = RevisionFactory(author=editor, canonical_body="Rest, then *graded* loading.")

    page.goto(live_server.url + reverse("editorial:dashboard"))
    expect(page).to_have_url(f"{live_server.url}{reverse('login')}?next=/editorial/")
    login_form_submit(page, "edith")
    expect(page.get_by_role("heading", name="Workspace")).to_be_visible()

    page.get_by_role("link", name=draft.article.title).first.click()
    expect(page.locator(".status-line")).to_contain_text("Draft")
    page.get_by_role("button", name="Submit").click()

    expect(page.locator(".message-success")).to_contain_text(
        f"Submit: done for revision {draft.number}"
    )
    expect(page.locator(".status-line")).to_contain_text("Submitted")
    expect(page.get_by_role("button", name="Submit")).to_have_count(0)
    expect(page.get_by_role("button", name="Withdraw")).to_be_visible()
    draft.refresh_from_db()
    assert draft.status == ReviewStatus.SUBMITTED
    assert console.csp_violations == []
    assert console.errors == []


def test_public_article_on_a_phone_shows_track_and_disclaimer(live_server, page: Page, console):
    editor = EditorFactory()
    revision = RevisionFactory(author=editor, canonical_body="## What helps\n\n- Rest\n- Ice")
    workflow.revision_submit(revision=revision, actor=editor)
    article = workflow.article_publish(revision=revision, actor=editor)
    disclaimer = AudienceLevel.objects.get(is_canonical=True).disclaimer

    page.goto(live_server.url + article.get_absolute_url())

    expect(page.get_by_role("heading", level=1)).to_have_text(article.title)
    track = page.get_by_role("list").filter(has_text="Under review")
    expect(track.locator("li")).to_have_count(3)
    expect(track.locator('[aria-current="step"]')).to_contain_text("Submitted")
    expect(page.get_by_text("Exercise caution")).to_be_visible()
    expect(page.get_by_role("heading", name="What helps")).to_be_visible()
    expect(page.get_by_text(disclaimer)).to_be_visible()
    expect(page.get_by_role("link", name="View editorial policy")).to_be_visible()
    # The stylesheet loaded (the CSP allows our own origin) and nothing overflows sideways.
    assert page.evaluate("getComputedStyle(document.body).margin") == "0px"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert console.csp_violations == []
    assert console.errors == []
