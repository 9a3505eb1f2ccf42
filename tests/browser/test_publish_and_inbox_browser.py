"""Two things people do many times a day, in Chromium: an editor publishes a revision that is not
approved over the approved one readers see (the confirmation says what readers will get, a
reason is required and kept in the audit trail), and a board member works through the inbox
(the count in the navigation goes down as items are opened, and "Mark all read" clears it)."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, expect

from articles.models import Article, AudienceLevel, ReviewStatus
from articles.services import revision_create_draft, revision_edit
from editorial import workflow
from tests.browser.tools import workspace_page
from tests.conftest import reach_status
from tests.factories import BoardMemberFactory, EditorFactory, RevisionFactory

REASON = "Revision 1 gives the adult ibuprofen dose; revision 2 corrects it and awaits review."

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_replacing_the_approved_revision_asks_for_a_reason_and_the_audit_trail_keeps_it(
    live_server, browser: Browser, screenshot
):
    editor = EditorFactory(username="ella")
    reviewers = [BoardMemberFactory(username=name) for name in ("amir", "bo")]
    approved = reach_status(
        RevisionFactory(author=editor, number=1, canonical_body="Give ibuprofen 400 mg."),
        ReviewStatus.APPROVED,
        editor=editor,
        reviewers=reviewers,
    )
    article = workflow.article_publish(revision=approved, actor=editor)
    draft = revision_create_draft(article=article, author=editor)
    canonical = AudienceLevel.objects.get(is_canonical=True)
    revision_edit(
        revision=draft,
        editor=editor,
        bodies={canonical: "Give ibuprofen 10 mg/kg."},
        change_summary="Dose by weight",
    )
    workflow.revision_submit(revision=draft, actor=editor)

    page = workspace_page(browser, live_server, editor.username)
    page.goto(live_server.url + reverse("editorial:article", args=[article.pk]))
    page.get_by_role("button", name="Publish…").click()

    # What readers will get, the caution banner it brings, and what it takes off the page.
    expect(page.get_by_role("heading", name="Publish revision 2?")).to_be_visible()
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("Revision 2, submitted: Dose by weight")
    expect(facts).to_contain_text("Revision 1, approved")
    expect(page.get_by_role("note")).to_contain_text(
        "Not approved yet: the public page will carry the caution banner"
    )
    expect(page.locator(".caution-banner[role=alert]")).to_contain_text(
        "This takes approved revision 1 off the public page."
    )
    reason = page.get_by_label("Why must this revision replace the approved one?")
    publish = page.get_by_role("button", name="Publish revision 2")

    # No reason: the browser refuses at the field, nothing is sent.
    confirming = page.url
    publish.click()
    assert reason.evaluate("field => !field.validity.valid && field.validationMessage !== ''")
    expect(page).to_have_url(confirming)
    expect(page.locator("#publish-note-error")).to_have_count(0)
    # Only spaces get past the browser: the server refuses, and says so at the field.
    reason.fill("   ")
    publish.click()
    expect(reason).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#publish-note-error")).to_have_text(
        "Readers see approved revision 1: say why this one, not approved, replaces it."
    )
    expect(reason).to_have_attribute("aria-describedby", "publish-note-error")
    screenshot(page, "reason-refused")
    assert Article.objects.get(pk=article.pk).published_revision_id == approved.pk

    page.get_by_label("Why must this revision replace the approved one?").fill(REASON)
    page.get_by_role("button", name="Publish revision 2").click()

    expect(page.get_by_text("Publish: done for revision 2.")).to_be_visible()
    trail = page.locator(".audit-trail li", has=page.locator('[data-action="publish"]')).first
    expect(trail).to_contain_text("published revision 2")
    expect(trail).to_contain_text(
        f"Replaced approved revision 1 with revision 2, not approved: {REASON}"
    )
    assert Article.objects.get(pk=article.pk).published_revision_id == draft.pk
    reader = browser.new_page()
    reader.goto(live_server.url + article.get_absolute_url())
    expect(reader.locator(".caution-banner")).to_be_visible()
    expect(reader.get_by_text("Give ibuprofen 10 mg/kg.")).to_be_visible()


def test_the_inbox_count_goes_down_as_items_are_opened_and_mark_all_read_clears_it(
    live_server, browser: Browser, screenshot
):
    editor = EditorFactory(username="ella")
    member = BoardMemberFactory(username="amir", first_name="Amir", last_name="Adeyemi")
    for _ in range(3):
        revision = RevisionFactory(author=editor)
        workflow.revision_submit(revision=revision, actor=editor)
        workflow.revision_assign_reviewer(revision=revision, actor=editor, reviewer=member)

    page = workspace_page(browser, live_server, member.username)
    badge = page.get_by_role("navigation").get_by_role("link", name=re.compile("^Inbox"))
    expect(badge.locator(".badge")).to_have_text("3 unread")

    badge.click()
    items = page.locator(".inbox li")
    expect(items).to_have_count(3)
    expect(page.locator(".inbox li.unread")).to_have_count(3)
    opened = items.first
    opened_title = opened.locator(".notification-open").inner_text()
    opened.locator(".notification-open").click()

    # Opening an item goes where it points and marks it read: one fewer unread.
    expect(page.get_by_role("heading", name=re.compile("Review of revision"))).to_be_visible()
    expect(page.get_by_text(opened_title).first).to_be_visible()
    expect(badge.locator(".badge")).to_have_text("2 unread")
    screenshot(page, "one-opened")

    badge.click()
    expect(page.locator(".inbox li.unread")).to_have_count(2)
    page.get_by_role("button", name="Mark all read").click()

    expect(page.get_by_text("Marked 2 notifications read.")).to_be_visible()
    expect(badge.locator(".badge")).to_have_count(0)
    expect(page.locator(".inbox li.unread")).to_have_count(0)
    expect(page.get_by_role("button", name="Mark all read")).to_have_count(0)
