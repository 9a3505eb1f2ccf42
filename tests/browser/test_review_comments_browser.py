"""A reviewer comments on the text as readers will see it (issue 12, point 4): selects a passage
of the professional version crossing bold and a list item, comments through the box beside it,
and sees the thread in the margin and its passage highlighted, without a reload; the margin's
quote jumps to the highlight and the highlight back to the thread; resolving removes the
highlight in place."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from articles.models import AudienceLevel
from articles.services import revision_edit
from editorial import workflow
from editorial.models import ReviewComment
from tests.browser.tools import login_form_submit
from tests.factories import BoardMemberFactory, EditorFactory, RevisionFactory, assign_ready

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PROFESSIONAL = (
    "## Loading\n\n"
    + "Tendinopathy is common in runners and in people who start a new sport. " * 8
    + "\n\nMost people recover with **rest and graded loading** of the tendon.\n\n"
    "- Eccentric exercise twice a day\n- Ice for pain\n"
)
# Selected from the middle of the bold text into the first list item.
START, END = "graded", "Eccentric exercise"


def _drag_select(page: Page, start: str, end: str) -> None:
    """Press the mouse on the first letter of `start` and release it after `end`, in the
    professional text: the reader's gesture, not a scripted range."""
    points = page.evaluate(
        """([start, end]) => {
          const text = document.getElementById('text-professional');
          const walker = document.createTreeWalker(text, NodeFilter.SHOW_TEXT);
          const at = (word, after) => {
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
              const index = node.data.indexOf(word);
              if (index >= 0) {
                const range = document.createRange();
                const offset = after ? index + word.length : index;
                range.setStart(node, after ? offset - 1 : offset);
                range.setEnd(node, after ? offset : offset + 1);
                const box = range.getBoundingClientRect();
                return {x: after ? box.right - 1 : box.left + 1, y: box.top + box.height / 2};
              }
            }
            return null;
          };
          return [at(start, false), at(end, true)];
        }""",
        [start, end],
    )
    first, last = points
    page.mouse.move(first["x"], first["y"])
    page.mouse.down()
    page.mouse.move((first["x"] + last["x"]) / 2, (first["y"] + last["y"]) / 2, steps=5)
    page.mouse.move(last["x"], last["y"], steps=5)
    page.mouse.up()


def test_select_a_passage_across_formatting_comment_jump_and_resolve_in_place(
    live_server, desktop_page: Page, console, screenshot
):
    page = desktop_page
    editor = EditorFactory()
    reviewer = BoardMemberFactory(username="rosa", first_name="Rosa", last_name="Reviewer")
    revision = RevisionFactory(author=editor, canonical_body=PROFESSIONAL)
    patient = AudienceLevel.objects.get(slug="patient")
    revision_edit(revision=revision, editor=editor, bodies={patient: "Rest, then graded loading."})
    workflow.revision_submit(revision=revision, actor=editor)
    assign_ready(revision, editor=editor, reviewer=reviewer)
    review_url = live_server.url + reverse("editorial:review", kwargs={"pk": revision.pk})

    page.goto(review_url)
    login_form_submit(page, "rosa")
    expect(page).to_have_url(review_url)
    page.wait_for_load_state("load")  # review-comments.js (deferred) listens for selections
    page.evaluate("window.stillTheSamePage = true")  # a full page load would lose this
    professional = page.locator("section.review-body").filter(
        has=page.get_by_role("heading", name="Healthcare professional")
    )
    text = professional.locator("#text-professional")
    text.scroll_into_view_if_needed()

    # The Comment button appears beside the selection, and the keyboard reaches it.
    _drag_select(page, START, END)
    button = professional.get_by_role("button", name="Comment on the selected passage")
    expect(button).to_be_visible()
    for _ in range(6):
        if page.evaluate("document.activeElement.classList.contains('comment-on-selection')"):
            break
        page.keyboard.press("Tab")
    expect(button).to_be_focused()
    page.keyboard.press("Enter")

    box = professional.locator("details.comment-box")
    expect(box).to_have_attribute("open", "")
    expect(box.get_by_label("Passage (quote it exactly)")).to_have_value(
        "graded loading of the tendon. Eccentric exercise"
    )
    expect(box.get_by_label("Comment", exact=True)).to_be_focused()
    screenshot(page, "box")
    box.get_by_label("Severity").select_option("safety")
    box.get_by_label("Comment", exact=True).fill("Say how many weeks.")
    box.get_by_role("button", name="Add comment").click()

    threads = page.locator("#threads-professional")
    expect(threads.get_by_text("Comment added.")).to_be_visible()
    expect(threads.locator("article.thread")).to_have_count(1)
    expect(threads).to_contain_text("Say how many weeks.")
    thread = ReviewComment.objects.get()
    assert thread.audience.slug == "professional"  # the version read, not a default
    assert thread.quoted_text == "graded loading of the tendon. Eccentric exercise"
    expect(page.locator(f"#comment-{thread.pk}")).to_be_focused()

    # Highlighted across the bold text, the paragraph and the list item.
    marks = text.locator(f'mark[data-thread="{thread.pk}"]')
    expect(marks).to_have_count(3)
    assert marks.evaluate_all("(ms) => ms.map((m) => m.parentElement.tagName)") == [
        "STRONG",
        "P",
        "LI",
    ]
    assert "".join(marks.all_inner_texts()) == "graded loading of the tendon.Eccentric exercise"
    expect(page.locator("#threads-patient article.thread")).to_have_count(0)
    screenshot(page, "highlighted")

    # The margin's quote jumps to the highlight; the highlight's link back to the thread.
    page.evaluate("window.scrollTo(0, 0)")
    threads.get_by_role("link", name="Show in the text").click()
    first_mark = page.locator(f"#passage-{thread.pk}")
    expect(first_mark).to_be_focused()
    expect(first_mark).to_be_in_viewport()
    text.get_by_role("link", name="Safety comment by Rosa Reviewer").click()
    expect(page.locator(f"#comment-{thread.pk}")).to_be_focused()

    # Resolved in place: the highlight goes, the thread stays in the margin as resolved.
    threads.get_by_role("button", name="Resolve").click()
    expect(threads.get_by_text("Comment resolved.")).to_be_visible()
    expect(threads).to_contain_text("Resolved by Rosa Reviewer")
    expect(marks).to_have_count(0)
    assert page.evaluate("window.stillTheSamePage") is True
    thread.refresh_from_db()
    assert thread.resolved_by == reviewer
    assert console.csp_violations == []
    assert console.errors == []


def test_on_a_phone_a_selected_passage_is_commented_with_a_tap(
    live_server, narrow_page: Page, console
):
    """375 px, touch: the selection (made here through the Selection API, as a long press
    would) shows the button; a tap opens the box below it, the comment posts in place."""
    page = narrow_page
    editor = EditorFactory()
    reviewer = BoardMemberFactory(username="tess", first_name="Tess", last_name="Phone")
    revision = RevisionFactory(author=editor, canonical_body=PROFESSIONAL)
    workflow.revision_submit(revision=revision, actor=editor)
    assign_ready(revision, editor=editor, reviewer=reviewer)
    review_url = live_server.url + reverse("editorial:review", kwargs={"pk": revision.pk})
    page.goto(review_url)
    login_form_submit(page, "tess")
    expect(page).to_have_url(review_url)
    # review-comments.js is deferred: a selection made before it listens shows no button (seen
    # on a loaded machine).
    page.wait_for_load_state("load")

    page.evaluate(
        """() => {
          const text = document.getElementById('text-professional');
          const bold = text.querySelector('strong').firstChild;
          const item = text.querySelector('li').firstChild;
          text.scrollIntoView();
          window.getSelection().setBaseAndExtent(bold, 9, item, 9);
        }"""
    )
    button = page.get_by_role("button", name="Comment on the selected passage")
    expect(button).to_be_visible()
    button.tap()
    box = page.locator("#comment-box-professional")
    expect(box.get_by_label("Passage (quote it exactly)")).to_have_value(
        "graded loading of the tendon. Eccentric"
    )
    box.get_by_label("Comment", exact=True).fill("Which protocol?")
    box.get_by_role("button", name="Add comment").tap()

    expect(page.locator("#threads-professional")).to_contain_text("Which protocol?")
    thread = ReviewComment.objects.get()
    expect(page.locator(f'#text-professional mark[data-thread="{thread.pk}"]')).to_have_count(3)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert console.csp_violations == []
    assert console.errors == []
