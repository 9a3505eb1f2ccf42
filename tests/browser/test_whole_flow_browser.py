"""The whole flow, as each of its people does it in Chromium: an editor writes and submits an
article and invites two board members; each accepts, declares and approves (the second is told
the approval approves it); the editor publishes after the confirmation; a reader on a phone
reads the reviewed page."""

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from articles.models import Article, ReviewStatus, Topic
from tests.browser.conftest import NARROW_PHONE
from tests.browser.tools import workspace_page
from tests.factories import BoardMemberFactory, EditorFactory

TITLE = "How long does a sprained ankle take to heal?"
BODY = (
    "## Recovery\n\nMost sprains heal in **two to six weeks** with early, protected movement.\n\n"
    "- Keep walking if you can\n- Use ice for the first days\n"
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _review(page: Page, *, confirms: str, number: int = 1) -> None:
    """Accept the invitation to review revision `number`, declare no interests, approve."""
    page.get_by_role("link", name="My reviews").click()
    page.get_by_role("link", name=TITLE).click()
    page.get_by_role("button", name="Accept").click()
    page.get_by_label("I have no conflict of interest to declare").check()
    page.get_by_role("button", name="Save declaration").click()
    page.get_by_role("button", name="Approve").click()
    expect(page.locator("#decision-outcome")).to_contain_text(confirms)
    page.get_by_role("button", name="Confirm: approve").click()
    expect(page.get_by_text(f"Approve: done for revision {number}")).to_be_visible()


def test_an_article_from_first_draft_to_a_reader_on_a_phone(live_server, browser: Browser):
    editor = EditorFactory(username="ella", first_name="Ella", last_name="Editor")
    first = BoardMemberFactory(username="amir", first_name="Amir", last_name="Adeyemi")
    second = BoardMemberFactory(username="bo", first_name="Bo", last_name="Berg")
    Topic.objects.create(name="Sports medicine")

    # The editor writes it: the address comes from the title, the topic from the list.
    page = workspace_page(browser, live_server, editor.username)
    page.get_by_role("link", name="New article").click()
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Topic").select_option("Sports medicine")
    page.get_by_role("button", name="Create article").click()
    page.get_by_label("Healthcare professional (required)").fill(BODY)
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Revision 1 saved.")).to_be_visible()  # still in the editor
    page.get_by_role("link", name=f"← {TITLE}").click()
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_text("Submit: done for revision 1")).to_be_visible()
    for member in (first, second):
        page.get_by_label("Board member").select_option(label=str(member))
        page.get_by_role("button", name="Assign reviewer").click()
        expect(page.get_by_text("Assign reviewer: done for revision 1")).to_be_visible()
    article = Article.objects.get(title=TITLE)
    assert article.slug == "how-long-does-a-sprained-ankle-take-to-heal"

    # Two board members review it; the second is told the approval approves it.
    _review(workspace_page(browser, live_server, first.username), confirms="the 1st of 2 approvals")
    _review(
        workspace_page(browser, live_server, second.username),
        confirms="the 2nd of 2 approvals needed: revision 1 becomes Approved",
    )
    article.refresh_from_db()
    assert article.revisions.get().status == ReviewStatus.APPROVED

    # The editor publishes, after the confirmation says what readers will get.
    page.goto(live_server.url + reverse("editorial:article", args=[article.pk]))
    page.get_by_role("button", name="Publish…").click()
    expect(page.get_by_role("heading", name="Publish revision 1?")).to_be_visible()
    expect(page.get_by_text("Nothing: the article is not published")).to_be_visible()
    page.get_by_role("button", name="Publish revision 1").click()
    expect(page.get_by_text("Publish: done for revision 1")).to_be_visible()

    # A reader on a phone reads the reviewed page.
    reader = browser.new_context(viewport=NARROW_PHONE, is_mobile=True).new_page()
    reader.goto(live_server.url + article.get_absolute_url())
    expect(reader.get_by_role("heading", name=TITLE)).to_be_visible()
    expect(reader.get_by_text("two to six weeks")).to_be_visible()
    expect(reader.get_by_text("Amir Adeyemi")).to_be_visible()
    expect(reader.get_by_text("Bo Berg")).to_be_visible()
    expect(reader.locator(".caution-banner")).to_have_count(0)
    assert reader.evaluate("document.documentElement.scrollWidth") <= NARROW_PHONE["width"]


def test_changes_requested_then_the_next_round_to_publication(live_server, browser: Browser):
    """The second round, each step in Chromium: a board member on a phone requests changes;
    the editor reads it in the inbox, starts revision 2, rewrites, submits and invites the
    same two reviewers with one button; both approve revision 2; the editor publishes it."""
    from articles.models import AudienceLevel
    from articles.services import article_create, revision_edit
    from editorial import workflow
    from tests.factories import assign_ready

    editor = EditorFactory(username="ella", first_name="Ella", last_name="Editor")
    first = BoardMemberFactory(username="amir", first_name="Amir", last_name="Adeyemi")
    second = BoardMemberFactory(username="bo", first_name="Bo", last_name="Berg")
    article = article_create(title=TITLE, topic="", author=editor)
    revision = article.revisions.get()
    revision_edit(
        revision=revision,
        editor=editor,
        bodies={AudienceLevel.objects.get(is_canonical=True): BODY},
    )
    workflow.revision_submit(revision=revision, actor=editor)
    for member in (first, second):
        assign_ready(revision, editor=editor, reviewer=member)

    # Bo, on a phone, asks for a source.
    phone = workspace_page(browser, live_server, second.username, viewport=NARROW_PHONE)
    phone.get_by_role("link", name="My reviews").click()
    phone.get_by_role("link", name=TITLE).click()
    phone.get_by_role("button", name="Request changes…").click()
    phone.get_by_label("What needs to change").fill("Cite the trial behind 'two to six weeks'.")
    phone.get_by_role("button", name="Confirm: request changes").click()
    expect(phone.get_by_text("Request changes: done for revision 1")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= NARROW_PHONE["width"]

    # Ella reads it in her inbox, starts revision 2, rewrites and submits it.
    page = workspace_page(browser, live_server, editor.username)
    page.get_by_role("link", name="Inbox").click()
    expect(page.locator("main")).to_contain_text("Bo Berg requested changes to revision 1")
    page.goto(live_server.url + reverse("editorial:article_edit", args=[article.pk]))
    page.get_by_role("button", name="Start a new draft").click()
    page.get_by_label("Healthcare professional (required)").fill(
        BODY + "\nA 2019 trial found most sprains healed within six weeks.\n"
    )
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Revision 2 saved.")).to_be_visible()
    page.get_by_role("link", name=f"← {TITLE}").click()
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_text("Submit: done for revision 2")).to_be_visible()
    page.get_by_role("button", name="Invite them to review revision 2").click()
    expect(page.get_by_text("Invited to review revision 2: Amir Adeyemi, Bo Berg.")).to_be_visible()

    # Both review revision 2 (each accepts and declares again), then Ella publishes it.
    _review(
        workspace_page(browser, live_server, first.username),
        confirms="the 1st of 2 approvals",
        number=2,
    )
    _review(
        workspace_page(browser, live_server, second.username),
        confirms="the 2nd of 2 approvals needed: revision 2 becomes Approved",
        number=2,
    )
    page.goto(live_server.url + reverse("editorial:article", args=[article.pk]))
    page.get_by_role("button", name="Publish…").click()
    page.get_by_role("button", name="Publish revision 2").click()
    expect(page.get_by_text("Publish: done for revision 2")).to_be_visible()

    reader = browser.new_context(viewport=NARROW_PHONE, is_mobile=True).new_page()
    reader.goto(live_server.url + article.get_absolute_url())
    expect(reader.get_by_text("A 2019 trial found most sprains healed")).to_be_visible()
    expect(reader.get_by_text("Bo Berg")).to_be_visible()
