"""Answers from reviewed articles, the whole flow in Chromium under the CSP: a reader asks in the
article page's frame, sees the passages of published text with the caution of a page published
before approval, answers No; the editor finds the question in the
queue with the passages that were offered."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from articles.models import FollowUpQuestion
from editorial import workflow
from tests.browser.tools import login_form_submit
from tests.factories import EditorFactory, RevisionFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

FRAME = "iframe.follow-up-frame"
PASSAGE = "Offer graded tendon loading for Achilles pain."


def test_ask_see_passages_answer_no_and_the_editor_sees_them(
    live_server, desktop_page: Page, console, screenshot
):
    page = desktop_page
    editor = EditorFactory(username="edwin")
    revision = RevisionFactory(author=editor, canonical_body=f"{PASSAGE}\n\nRest helps too.")
    workflow.revision_submit(revision=revision, actor=editor)
    article = workflow.article_publish(revision=revision, actor=editor)

    page.goto(live_server.url + article.get_absolute_url())
    page.locator(FRAME).scroll_into_view_if_needed()
    frame = page.frame_locator(FRAME)
    frame.get_by_label("Your question").fill("Does loading the tendon help my Achilles?")
    frame.get_by_role("button", name="Send my question").click()

    expect(frame.get_by_role("heading", name="Answers from our reviewed articles")).to_be_visible()
    expect(frame.locator(".answer-passage blockquote").first).to_have_text(PASSAGE)
    expect(frame.get_by_text("Exercise caution").first).to_be_visible()  # not approved
    link = frame.get_by_role("link", name=article.title).first
    assert link.get_attribute("href", timeout=5000).endswith("#passage-1")
    screenshot(page, "passages")

    frame.get_by_role("button", name="No, send it to the editors").click()
    expect(frame.get_by_role("heading", name="Thank you for your question")).to_be_visible()
    question = FollowUpQuestion.objects.get()
    assert question.outcome == FollowUpQuestion.Outcome.QUEUED
    assert question.offered[0]["text"] == PASSAGE  # the best match first

    page.goto(live_server.url + reverse("login"))
    login_form_submit(page, "edwin")
    page.goto(live_server.url + reverse("editorial:questions"))
    card = page.locator(".question").filter(has_text="Does loading the tendon help my Achilles?")
    expect(card).to_have_count(1)
    card.get_by_text("Passages offered to the reader (").click()
    expect(card.get_by_text(PASSAGE)).to_be_visible()
    screenshot(page, "queue")
    assert console.csp_violations == []
    assert console.errors == []
