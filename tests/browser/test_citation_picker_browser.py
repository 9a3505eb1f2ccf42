"""The citation picker in the article editor: search, Insert, the marker lands at the cursor."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from articles.models import AudienceLevel
from tests.browser.tools import login_form_submit
from tests.factories import EditorFactory, ReferenceFactory, RevisionFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_editor_inserts_a_citation_at_the_cursor_of_the_active_tab(
    live_server, page: Page, console
):
    editor = EditorFactory(username="edith")
    draft = RevisionFactory(author=editor, canonical_body="Rest, then graded loading.")
    ReferenceFactory(key="kim2013-hip", actor=editor, title="Ischiofemoral impingement")
    ReferenceFactory(key="doe2018-knee", actor=editor, title="Knee pain in runners")
    canonical = AudienceLevel.objects.get(is_canonical=True)
    patient = AudienceLevel.objects.exclude(is_canonical=True).order_by("order").first()
    edit_url = live_server.url + reverse("editorial:article_edit", kwargs={"pk": draft.article_id})

    page.goto(edit_url)
    login_form_submit(page, "edith")
    expect(page).to_have_url(edit_url)

    body = page.locator(f"#id_body_{canonical.slug}")
    body.click()
    body.press("Control+Home")
    for _ in range(len("Rest,")):
        body.press("ArrowRight")

    page.get_by_label("Search the library").fill("ischio")
    insert = page.get_by_role("button", name="Insert [@kim2013-hip]")
    expect(insert).to_be_visible()
    expect(page.get_by_role("button", name="Insert [@doe2018-knee]")).to_have_count(0)
    insert.click()

    expect(body).to_have_value("Rest,[@kim2013-hip] then graded loading.")
    expect(body).to_be_focused()
    expect(page.locator("#picker-status")).to_contain_text("Inserted [@kim2013-hip]")

    # Another audience's tab: the marker goes into that textarea, at its cursor (the end).
    page.locator(f"label[for='tab-{patient.slug}']").click()
    other = page.locator(f"#id_body_{patient.slug}")
    other.fill("Rest helps.")
    page.get_by_label("Search the library").fill("knee")
    page.get_by_role("button", name="Insert [@doe2018-knee]").click()
    expect(other).to_have_value("Rest helps.[@doe2018-knee]")
    expect(body).to_have_value("Rest,[@kim2013-hip] then graded loading.")

    assert console.csp_violations == []
    assert console.errors == []
