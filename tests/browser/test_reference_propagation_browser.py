"""A retracted reference on a phone: the editor sees the flag on the dashboard and starts the
draft that updates the citation, under the CSP."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from articles.models import ReferenceStatus
from tests.browser.tools import login_form_submit
from tests.editorial.test_reference_propagation import KEY, citing, published, revise
from tests.factories import EditorFactory, ReferenceFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_editor_starts_a_draft_from_the_flag(live_server, page: Page, console):
    editor = EditorFactory(username="edith")
    librarian = EditorFactory(username="libby")
    reference = ReferenceFactory(key=KEY, actor=librarian)
    live = published(citing(editor, KEY), editor)
    revise(reference, librarian, ReferenceStatus.CORRECTED, "Dosage table corrected")

    page.goto(live_server.url + reverse("login"))
    login_form_submit(page, "edith")
    flagged = page.locator("section").filter(
        has=page.get_by_role("heading", name="References changed since review")
    )
    expect(flagged).to_contain_text(live.article.title)
    expect(flagged).to_contain_text("Dosage table corrected")

    flagged.get_by_role("button", name="Start a new draft to update the citation").click()

    expect(page.get_by_role("heading", name="Edit revision 2")).to_be_visible()
    expect(page.locator("[data-repin]")).to_contain_text(
        "will be re-pinned from version 1 to version 2"
    )
    page.goto(live_server.url + reverse("editorial:article", kwargs={"pk": live.article_id}))
    expect(page.get_by_role("link", name="Update the citation in draft revision 2")).to_be_visible()
    assert console.csp_violations == []
    assert console.errors == []
