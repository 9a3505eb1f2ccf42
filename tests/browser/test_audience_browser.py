"""Audience versions in a real browser under the CSP: the reader's picker, the editor's tabs."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from articles.models import AudienceLevel, ReaderPreference
from articles.services import revision_edit
from editorial import workflow
from tests.browser.tools import login_form_submit
from tests.factories import EditorFactory, RevisionFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _publish(editor, *, professional: str, patient: str):  # type: ignore[no-untyped-def]
    revision = RevisionFactory(author=editor, canonical_body=professional)
    revision_edit(
        revision=revision,
        editor=editor,
        bodies={AudienceLevel.objects.get(slug="patient"): patient},
    )
    workflow.revision_submit(revision=revision, actor=editor)
    return workflow.article_publish(revision=revision, actor=editor)


def test_reader_picks_patient_and_the_next_article_opens_at_that_level(
    live_server, page: Page, console
):
    editor = EditorFactory()
    first = _publish(
        editor, professional="Offer graded tendon loading.", patient="Rest your heel each day."
    )
    second = _publish(
        editor, professional="Consider shock-wave therapy.", patient="Ice helps the pain go down."
    )
    patient = AudienceLevel.objects.get(slug="patient")
    professional = AudienceLevel.objects.get(is_canonical=True)

    page.goto(live_server.url + first.get_absolute_url())
    expect(page.get_by_text("Offer graded tendon loading.")).to_be_visible()
    expect(page.get_by_text(professional.disclaimer)).to_be_visible()
    expect(page.get_by_text("Which best describes you?")).to_be_visible()

    page.get_by_label("Patient or caregiver").check()
    page.get_by_role("button", name="Show this version").click()

    # A GET form: the address names the level, and the article remembers it in a cookie.
    expect(page).to_have_url(live_server.url + first.get_absolute_url() + "?audience=patient")
    expect(page.get_by_text("Rest your heel each day.")).to_be_visible()
    expect(page.get_by_text("Offer graded tendon loading.")).to_have_count(0)
    expect(page.get_by_text(patient.disclaimer)).to_be_visible()
    expect(page.get_by_text(professional.disclaimer)).to_have_count(0)
    expect(page.get_by_label("Patient or caregiver")).to_be_checked()

    cookies = {c["name"]: c for c in page.context.cookies()}
    assert cookies["audience"]["value"] == "patient"

    page.goto(live_server.url + second.get_absolute_url())
    expect(page.get_by_text("Ice helps the pain go down.")).to_be_visible()
    expect(page.get_by_text(patient.disclaimer)).to_be_visible()
    expect(page.get_by_label("Patient or caregiver")).to_be_checked()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert console.csp_violations == []
    assert console.errors == []


def test_logged_in_reader_picks_through_the_post_form_saved_on_the_account(
    live_server, page: Page, console
):
    editor = EditorFactory(username="edwin")
    article = _publish(editor, professional="Offer graded tendon loading.", patient="Rest it.")

    page.goto(live_server.url + reverse("login"))
    login_form_submit(page, "edwin")
    page.goto(live_server.url + article.get_absolute_url())
    page.get_by_label("Patient or caregiver").check()
    page.get_by_role("button", name="Show this version").click()

    expect(page).to_have_url(live_server.url + article.get_absolute_url())  # POST, redirect
    expect(page.get_by_text("Rest it.")).to_be_visible()
    assert ReaderPreference.objects.get(user=editor).audience.slug == "patient"
    assert console.csp_violations == []
    assert console.errors == []


def test_editor_sees_readability_update_while_typing_in_a_tab(live_server, page: Page, console):
    editor = EditorFactory(username="edwin")
    draft = RevisionFactory(author=editor, canonical_body="Offer graded tendon loading.")

    page.goto(live_server.url + reverse("login"))
    login_form_submit(page, "edwin")
    page.goto(live_server.url + reverse("editorial:article_edit", kwargs={"pk": draft.article_id}))

    patient_box = page.locator("#id_body_patient")
    expect(patient_box).to_be_hidden()  # another tab is open
    page.locator("label[for=tab-patient]").click()
    expect(patient_box).to_be_visible()
    patient_box.fill("Physicians recommend regular exercise. Patients tolerate medication well.")

    panel = page.locator("#readability-patient")
    expect(panel.locator(".fk-grade")).to_have_text("18.4")
    expect(panel).to_contain_text("above the target of grade 8 or lower")
    # The readability request saves nothing; autosave does, after a pause in typing.
    expect(page.locator("#save-status")).to_contain_text("Saved at", timeout=15_000)
    assert draft.bodies.get(audience__slug="patient").body.startswith("Physicians recommend")
    assert console.csp_violations == []
    assert console.errors == []
