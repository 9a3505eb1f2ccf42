"""The follow-up question form, a same-origin frame of the article page, in Chromium under the
CSP: it fits its content with JavaScript, scrolls within a fixed height without, and sends
the question either way without leaving the article."""

import pytest
from playwright.sync_api import Browser, Page, expect

from articles.models import Article, FollowUpQuestion
from editorial import workflow
from tests.browser.conftest import DESKTOP, ConsoleLog
from tests.factories import EditorFactory, RevisionFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

FRAME = "iframe.follow-up-frame"
# The frame's height and its document's (the parent may read it: same origin).
HEIGHTS = """() => {
  const frame = document.querySelector('iframe.follow-up-frame');
  return {frame: frame.getBoundingClientRect().height,
          content: frame.contentDocument.documentElement.scrollHeight};
}"""


def _published() -> Article:
    editor = EditorFactory()
    revision = RevisionFactory(author=editor, canonical_body="Offer graded tendon loading.")
    workflow.revision_submit(revision=revision, actor=editor)
    return workflow.article_publish(revision=revision, actor=editor)


def _send(page: Page, question: str) -> None:
    page.locator(FRAME).scroll_into_view_if_needed()  # a lazy frame loads near the viewport
    frame = page.frame_locator(FRAME)
    frame.get_by_label("Your question").fill(question)
    frame.get_by_role("button", name="Send my question").click()


def _fitted(page: Page) -> dict[str, float]:
    heights: dict[str, float] = page.evaluate(HEIGHTS)
    assert abs(heights["frame"] - heights["content"]) <= 1, heights
    return heights


def test_the_frame_fits_its_form_errors_and_thanks(live_server, desktop_page, console, screenshot):
    page = desktop_page
    article = _published()
    page.goto(live_server.url + article.get_absolute_url() + "?audience=student")
    frame = page.frame_locator(FRAME)
    page.locator(FRAME).scroll_into_view_if_needed()
    expect(frame.get_by_label("Your question")).to_be_visible()
    expect(page.locator(FRAME)).to_have_class("follow-up-frame is-fitted")
    # The article's own heading names the frame: the frame's is left to screen readers.
    expect(frame.get_by_role("heading", name="Ask a follow-up question")).to_have_count(1)
    assert frame.locator(".frame-intro").evaluate("el => el.getBoundingClientRect().width") <= 1
    form = _fitted(page)

    _send(page, "Why?")
    expect(frame.get_by_role("alert")).to_contain_text("at least 10 characters")
    expect(frame.get_by_label("Your question")).to_have_value("Why?")
    page.wait_for_function(
        "(h) => document.querySelector('iframe.follow-up-frame').getBoundingClientRect()"
        ".height > h",
        arg=form["frame"],
    )
    _fitted(page)  # taller: the errors

    _send(page, "Can I keep running while it heals?")
    expect(frame.get_by_role("heading", name="Thank you for your question")).to_be_visible()
    page.wait_for_function(
        "(h) => document.querySelector('iframe.follow-up-frame').getBoundingClientRect()"
        ".height < h",
        arg=form["frame"],
    )
    _fitted(page)  # shorter: the thank-you text
    screenshot(page, "thanks")

    expect(page).to_have_url(live_server.url + article.get_absolute_url() + "?audience=student")
    # The article serves the canonical version to a student (no student version): its level.
    stored = FollowUpQuestion.objects.get()
    assert (stored.article_id, stored.audience.slug) == (article.pk, "professional")
    assert stored.question == "Can I keep running while it heals?"
    # Leaving the frame takes the whole window.
    frame.get_by_role("link", name="Back to the article").click()
    expect(page).to_have_url(live_server.url + article.get_absolute_url())
    assert console.csp_violations == []
    # The refused question is answered 400 on purpose; Chromium logs it.
    assert [e for e in console.errors if "status of 400" not in e] == []


def test_without_javascript_the_frame_scrolls_and_still_sends(
    live_server, browser: Browser, console: ConsoleLog, screenshot
):
    article = _published()
    context = browser.new_context(viewport=DESKTOP, java_script_enabled=False)
    page = context.new_page()
    page.on("console", console.on_console)
    page.set_default_timeout(10_000)
    try:
        page.goto(live_server.url + article.get_absolute_url())
        page.locator(FRAME).scroll_into_view_if_needed()
        frame = page.frame_locator(FRAME)
        expect(frame.get_by_label("Your question")).to_be_visible()
        expect(frame.get_by_role("heading", name="Ask a follow-up question")).to_be_visible()
        box = page.locator(FRAME).bounding_box()
        assert box is not None
        assert box["height"] == 32 * 16  # the stylesheet's height
        expect(page.locator(FRAME)).not_to_have_class("follow-up-frame is-fitted")
        screenshot(page)

        _send(page, "Can I keep running while it heals?")

        expect(frame.get_by_role("heading", name="Thank you for your question")).to_be_visible()
        assert FollowUpQuestion.objects.count() == 1
        expect(page).to_have_url(live_server.url + article.get_absolute_url())
    finally:
        context.close()
    assert console.csp_violations == []
