"""An editor previews a draft as the public page, switches level, and sees the other text
(issue 12, point 3)."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from articles.models import AudienceLevel
from articles.services import revision_edit
from tests.browser.tools import login_form_submit
from tests.factories import EditorFactory, RevisionFactory

PROFESSIONAL = "Progressive tendon loading is the first-line treatment."
PATIENT = "Rest first, then move a little more each week."

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_preview_at_two_levels(live_server, page: Page, console, screenshot):
    editor = EditorFactory(username="eli")
    draft = RevisionFactory(author=editor, canonical_body=PROFESSIONAL)
    patient = AudienceLevel.objects.get(slug="patient")
    revision_edit(revision=draft, editor=editor, bodies={patient: PATIENT})
    edit_url = live_server.url + reverse("editorial:article_edit", kwargs={"pk": draft.article_id})

    page.goto(edit_url)
    login_form_submit(page, "eli")
    expect(page).to_have_url(edit_url)
    page.get_by_role("link", name=f"Preview revision {draft.number} as saved").click()

    expect(page.get_by_text("Preview: not published")).to_be_visible()
    body = page.locator(".article-body")
    expect(body).to_have_text(PROFESSIONAL)
    expect(page.locator("meta[name=robots]")).to_have_attribute("content", "noindex")

    page.get_by_label("Patient or caregiver").check()
    page.get_by_role("button", name="Show this version").click()

    expect(page).to_have_url(re.compile(r"/preview/\?audience=patient$"))
    expect(body).to_have_text(PATIENT)
    expect(page.get_by_text("Preview: not published")).to_be_visible()
    expect(page.locator(".fallback-note")).to_have_count(0)

    page.get_by_label("Medical student").check()
    page.get_by_role("button", name="Show this version").click()

    expect(page.locator(".fallback-note")).to_contain_text(
        "This article has no version for Medical student yet"
    )
    expect(body).to_have_text(PROFESSIONAL)
    screenshot(page)
    assert console.csp_violations == []
    assert console.errors == []
