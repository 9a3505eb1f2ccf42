"""The public site for every reader (issue 6, point 8): axe-core finds no serious or critical
violation, the article page works by keyboard, nothing is cut or scrolls sideways at 375 px,
and the printed page keeps the references and the disclaimer. Screenshots of the article page
(desktop and 375 px), the audience picker and search results are kept in
test-artifacts/screenshots/."""

import pytest
from django.urls import reverse
from playwright.sync_api import Frame, Page, expect

from articles.models import Article, FollowUpQuestion, SitePage
from tests.browser.conftest import NARROW_PHONE
from tests.browser.scenes import LONG_URL, Scene, scene_build
from tests.browser.tools import axe_report, axe_violations, overflowing

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def scene(settings) -> Scene:
    settings.IMPRIMATUR_MIN_APPROVALS = 2
    return scene_build()


def _article_url(live_server, article: Article, query: str = "") -> str:
    return live_server.url + article.get_absolute_url() + query


FRAME = "iframe.follow-up-frame"


def _question_frame(page: Page) -> Frame:
    """The follow-up question frame, loaded (it is lazy: it loads near the viewport)."""
    page.locator(FRAME).scroll_into_view_if_needed()
    expect(page.frame_locator(FRAME).get_by_role("button", name="Send my question")).to_be_visible()
    handle = page.locator(FRAME).element_handle()
    frame = handle.content_frame() if handle else None
    assert frame is not None
    return frame


def _assert_no_serious_violations(page: Page | Frame) -> None:
    violations = axe_violations(page)
    assert violations == [], "axe-core found:\n" + axe_report(violations)


# --- axe-core --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("variant", "query"),
    [
        ("approved", ""),  # references, reviewers with a disclosure, review dates
        ("pending", ""),  # the caution banner, review in progress
        ("approved", "?audience=patient"),  # the fallback note, the patient's disclaimer
    ],
)
def test_article_page_has_no_serious_axe_violation(live_server, axe_page, scene, variant, query):
    article = scene.approved if variant == "approved" else scene.pending
    axe_page.goto(_article_url(live_server, article, query))
    if variant == "pending":
        expect(axe_page.locator(".caution-banner")).to_be_visible()
    else:
        expect(axe_page.locator(".reference-list li")).to_have_count(2)
    if query:
        expect(axe_page.locator(".fallback-note")).to_be_visible()
    _assert_no_serious_violations(axe_page)


def test_overdue_article_page_has_no_serious_axe_violation(live_server, axe_page, scene):
    Article.objects.filter(pk=scene.approved.pk).update(review_interval_months=0)
    axe_page.goto(_article_url(live_server, scene.approved))
    expect(axe_page.get_by_text("Review overdue")).to_be_visible()
    _assert_no_serious_violations(axe_page)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/", "What helps plantar heel pain?"),
        ("/?q=heel", "What helps plantar heel pain?"),
        ("/?q=zzzqqq", None),  # no result
        ("/editorial-policy/", "How an article is reviewed"),
        ("/advisory-board/", "Ada Okafor"),
    ],
)
def test_public_page_has_no_serious_axe_violation(live_server, axe_page, scene, path, expected):
    axe_page.goto(live_server.url + path)
    if expected:
        expect(axe_page.get_by_text(expected).first).to_be_visible()
    else:
        # The helpful empty state: it says so, and offers topics and recent articles instead.
        expect(axe_page.get_by_role("searchbox")).to_have_value("zzzqqq")
        expect(axe_page.get_by_role("heading", name="Nothing matched “zzzqqq”")).to_be_visible()
    _assert_no_serious_violations(axe_page)


def test_article_page_at_375_px_has_no_serious_axe_violation(live_server, axe_page, scene):
    axe_page.set_viewport_size(NARROW_PHONE)
    axe_page.goto(_article_url(live_server, scene.approved))
    _assert_no_serious_violations(axe_page)


def test_question_frame_its_errors_and_thanks_have_no_serious_axe_violation(
    live_server, axe_page, scene
):
    axe_page.goto(_article_url(live_server, scene.approved))
    frame = _question_frame(axe_page)
    _assert_no_serious_violations(frame)

    frame.get_by_label("Your question").fill("Why?")
    frame.get_by_role("button", name="Send my question").click()
    expect(frame.get_by_role("alert")).to_contain_text("at least 10 characters")
    expect(frame.get_by_label("Your question")).to_have_value("Why?")  # nothing lost
    _assert_no_serious_violations(frame)

    frame.get_by_label("Your question").fill("Can I keep running while it heals?")
    frame.get_by_role("button", name="Send my question").click()
    expect(frame.get_by_role("heading", name="Thank you for your question")).to_be_visible()
    _assert_no_serious_violations(frame)
    # The article page around it, the frame included.
    _assert_no_serious_violations(axe_page)


@pytest.mark.parametrize("name", ["articles:question_ask", "articles:question_thanks"])
def test_frame_documents_opened_directly_have_no_serious_axe_violation(
    live_server, axe_page, scene, name
):
    axe_page.goto(live_server.url + reverse(name, kwargs={"slug": scene.approved.slug}))
    expect(axe_page.get_by_role("heading", level=1)).to_have_count(1)
    expect(axe_page.get_by_role("link", name=scene.approved.title).first).to_be_visible()
    _assert_no_serious_violations(axe_page)


def test_administrators_policy_page_has_no_serious_axe_violation(live_server, axe_page, db):
    SitePage.objects.update_or_create(
        slug="editorial-policy",
        defaults={"title": "Our policy", "body": "## Review\n\nEvery article is *reviewed*."},
    )
    axe_page.goto(live_server.url + "/editorial-policy/")
    expect(axe_page.get_by_text("Every article is")).to_be_visible()
    _assert_no_serious_violations(axe_page)


# --- keyboard --------------------------------------------------------------------------------

# The focused element, looked for inside our same-origin frames too (there the parent's
# activeElement is the <iframe>).
FOCUSED = """() => {
  let el = document.activeElement;
  while (el && el.tagName === 'IFRAME' && el.contentDocument && el.contentDocument.activeElement) {
    el = el.contentDocument.activeElement;
  }
  const style = el.ownerDocument.defaultView.getComputedStyle(el);
  return {id: el.id, tag: el.tagName.toLowerCase(), name: el.getAttribute('name'),
          text: (el.textContent || '').trim(), outline: style.outlineStyle,
          outlineWidth: parseFloat(style.outlineWidth)};
}"""


def _tab_until(page: Page, matches, *, limit: int = 60) -> dict:  # type: ignore[no-untyped-def,type-arg]
    """Press Tab until the focused element matches; every stop must show a focus outline."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        assert focused["outline"] != "none", f"no visible focus on {focused}"
        assert focused["outlineWidth"] >= 2, f"no visible focus on {focused}"
        if matches(focused):
            return focused  # type: ignore[no-any-return]
    raise AssertionError(f"not reached in {limit} tabs")


def test_article_page_works_by_keyboard(live_server, desktop_page, console, scene):
    page = desktop_page
    page.goto(_article_url(live_server, scene.approved))

    # The first Tab stop is the skip link, shown when focused; Enter moves focus to <main>.
    first = _tab_until(page, lambda f: True, limit=1)
    assert first["text"] == "Skip to content"
    expect(page.get_by_role("link", name="Skip to content")).to_be_in_viewport()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # The next stop is inside the main content, not back in the navigation.
    inside = _tab_until(page, lambda f: True, limit=1)
    assert page.evaluate("document.activeElement.closest('main') !== null"), inside

    # The picker: Tab to the checked level, arrow keys to another one, Tab to the button, Enter.
    _tab_until(page, lambda f: f["name"] == "audience")
    page.keyboard.press("ArrowUp")
    assert page.evaluate("document.activeElement.value") == "student"
    _tab_until(page, lambda f: f["text"] == "Show this version", limit=1)
    page.keyboard.press("Enter")
    expect(page.get_by_label("Medical student")).to_be_checked()
    expect(page.locator(".fallback-note")).to_be_visible()

    # Tab goes on into the question frame; the question is typed and sent by keyboard.
    page.goto(_article_url(live_server, scene.approved))
    frame = _question_frame(page)
    page.evaluate("window.scrollTo(0, 0)")
    _tab_until(page, lambda f: f["id"] == "id_question")
    question = frame.get_by_label("Your question")
    expect(question).to_be_focused()
    expect(question).to_have_accessible_description(
        "Up to 2000 characters. Please leave out personal health details."
    )
    page.keyboard.type("Can I keep running while it heals?")
    _tab_until(page, lambda f: f["id"] == "id_email")
    _tab_until(page, lambda f: f["text"] == "Send my question")
    page.keyboard.press("Enter")
    expect(frame.get_by_role("heading", name="Thank you for your question")).to_be_visible()
    assert FollowUpQuestion.objects.get().question == "Can I keep running while it heals?"
    assert console.csp_violations == []
    assert console.errors == []


# --- 375 px wide -----------------------------------------------------------------------------


def test_public_pages_fit_375_px_without_sideways_scroll(
    live_server, narrow_page, console, scene, screenshot
):
    page = narrow_page
    pages = {
        "article": scene.approved.get_absolute_url(),
        "pending": scene.pending.get_absolute_url(),
        "home": "/",
        "search": "/?q=heel",
        "policy": "/editorial-policy/",
        "board": "/advisory-board/",
        "question": reverse("articles:question_ask", kwargs={"slug": scene.approved.slug}),
    }
    for name, path in pages.items():
        page.goto(live_server.url + path)
        assert overflowing(page, 375) == [], name
        assert page.evaluate("document.documentElement.scrollWidth") <= 375, name
        if name == "article":
            expect(page.get_by_text(LONG_URL, exact=False)).to_be_visible()
            # The question frame takes the article's width, and its form fits inside it.
            frame = _question_frame(page)
            width = page.locator(FRAME).evaluate("el => el.clientWidth")
            assert 0 < width <= 375
            assert overflowing(frame, width) == [], "question frame"
            assert frame.evaluate("document.documentElement.scrollWidth") <= width
            screenshot(page, "article")
    assert console.csp_violations == []
    assert console.errors == []


# --- print -----------------------------------------------------------------------------------


def test_printed_article_keeps_references_and_disclaimer_but_no_picker_or_forms(
    live_server, desktop_page, scene
):
    page = desktop_page
    page.goto(_article_url(live_server, scene.approved))
    page.emulate_media(media="print")

    expect(page.get_by_role("heading", name="What helps plantar heel pain?")).to_be_visible()
    expect(page.locator(".review-facts")).to_be_visible()
    expect(page.get_by_text("Medically reviewed by")).to_be_visible()
    expect(page.locator(".article-body")).to_be_visible()
    expect(page.locator(".reference-list li")).to_have_count(2)
    for entry in page.locator(".reference-list li").all():
        expect(entry).to_be_visible()
    expect(page.locator(".disclaimer")).to_be_visible()
    expect(page.locator(".site-nav")).to_be_hidden()
    expect(page.locator(".audience-picker")).to_be_hidden()
    expect(page.locator(".follow-up")).to_be_hidden()
    expect(page.locator(FRAME)).to_be_hidden()
    assert page.locator("button:visible, form:visible, input:visible").count() == 0
    # An external link prints its address after its text.
    after = page.evaluate(
        "getComputedStyle(document.querySelector('.article-body a[href^=\"http\"]'),"
        " '::after').content"
    )
    assert LONG_URL in after

    page.emulate_media(media="screen")
    expect(page.locator(".audience-picker")).to_be_visible()


def test_printed_pending_article_keeps_the_caution_banner(live_server, desktop_page, scene):
    page = desktop_page
    page.emulate_media(media="print")
    page.goto(_article_url(live_server, scene.pending))
    expect(page.locator(".caution-banner")).to_be_visible()
    expect(page.locator(".review-status")).to_be_visible()
    expect(page.locator(".disclaimer")).to_be_visible()
    expect(page.locator(".audience-picker")).to_be_hidden()


# --- screenshots kept as artefacts -----------------------------------------------------------


def test_article_page_screenshots_desktop_and_375_px(
    live_server, desktop_page, narrow_page, console, scene, screenshot
):
    for page, name in ((desktop_page, "desktop"), (narrow_page, "375px")):
        page.goto(_article_url(live_server, scene.approved))
        expect(page.locator(".reference-list")).to_be_visible()
        path = screenshot(page, name)
        assert path.stat().st_size > 10_000
    assert console.csp_violations == []


def test_audience_picker_used_screenshots(live_server, narrow_page, console, scene, screenshot):
    page = narrow_page
    page.goto(_article_url(live_server, scene.pending))
    page.get_by_label("Patient or caregiver").check()
    screenshot(page, "chosen")
    page.get_by_role("button", name="Show this version").click()
    expect(page.locator(".fallback-note")).to_be_visible()
    expect(page.get_by_label("Patient or caregiver")).to_be_checked()
    assert screenshot(page, "shown").exists()
    assert console.csp_violations == []
    assert console.errors == []


def test_search_results_screenshot(live_server, desktop_page, console, scene, screenshot):
    page = desktop_page
    page.goto(live_server.url + reverse("articles:home"))
    page.get_by_role("searchbox").fill("heel")
    page.get_by_role("searchbox").press("Enter")
    expect(page.get_by_role("link", name="What helps plantar heel pain?")).to_be_visible()
    expect(page.get_by_role("link", name=scene.pending.title)).to_have_count(0)
    assert screenshot(page).exists()
    assert console.csp_violations == []
