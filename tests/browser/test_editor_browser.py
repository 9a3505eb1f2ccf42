"""The article editor in Chromium, under the CSP: the warning before leaving unsaved text,
autosave, the live preview as readers will see it, and a refused save that keeps every tab."""

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Dialog, Page, expect

from articles.models import AudienceLevel, Revision
from articles.references.services import reference_create
from articles.services import revision_edit
from editorial.models import User
from tests.browser.conftest import DESKTOP
from tests.browser.tools import login_form_submit
from tests.factories import EditorFactory, RevisionFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def writer(db) -> User:
    return EditorFactory(username="wren", first_name="Wren", last_name="Writer")


@pytest.fixture
def draft(writer) -> Revision:
    return RevisionFactory(author=writer, number=1, canonical_body="Rest helps most people.")


def _open_editor(page: Page, live_server, revision: Revision) -> str:
    url = live_server.url + reverse("editorial:article_edit", kwargs={"pk": revision.article_id})
    page.goto(url)
    login_form_submit(page, "wren")
    expect(page).to_have_url(url)
    page.wait_for_load_state("load")  # the editor's deferred scripts have run
    return url


def _dialogs(page: Page, *, accept: bool) -> list[str]:
    """The types of the dialogs the page opens from now on; each is accepted or dismissed."""
    seen: list[str] = []

    def answer(dialog: Dialog) -> None:
        seen.append(dialog.type)
        dialog.accept() if accept else dialog.dismiss()

    page.on("dialog", answer)
    return seen


def _type_into(page: Page, slug: str, text: str) -> None:
    box = page.locator(f"#id_body_{slug}")
    box.click()
    box.press("Control+End")
    page.keyboard.type(text)


def test_leaving_with_typed_text_warns_and_saving_ends_the_warning(
    live_server, desktop_page: Page, console, draft
):
    page = desktop_page
    url = _open_editor(page, live_server, draft)
    dialogs = _dialogs(page, accept=False)

    _type_into(page, "professional", " Ice too.")
    page.get_by_role("link", name="Articles", exact=True).click()  # a menu link

    expect(page.locator("#id_body_professional")).to_have_value("Rest helps most people. Ice too.")
    assert dialogs == ["beforeunload"]
    assert page.url == url  # dismissed: still here, with the text

    page.get_by_label("Change summary").fill("Ice")
    page.get_by_role("button", name="Save draft").click()

    expect(page.get_by_text("Revision 1 saved.")).to_be_visible()
    expect(page).to_have_url(url)  # the editor stays open
    expect(page.locator("#id_body_professional")).to_have_value("Rest helps most people. Ice too.")
    expect(page.get_by_label("Change summary")).to_have_value("")
    page.get_by_role("link", name="Articles", exact=True).click()
    expect(page).to_have_url(live_server.url + "/")
    assert dialogs == ["beforeunload"]  # no second warning: nothing was left unsaved
    assert console.csp_violations == []
    assert console.errors == []


def test_autosave_survives_a_reload(live_server, page: Page, console, draft):
    url = _open_editor(page, live_server, draft)
    dialogs = _dialogs(page, accept=True)
    page.locator("label[for=tab-patient]").click()

    _type_into(page, "patient", "Rest, then walk a little more each day.")

    status = page.locator("#save-status")
    expect(status).to_have_text("Unsaved changes")
    expect(status).to_contain_text("Saved at", timeout=15_000)
    page.reload()

    expect(page.locator("#tab-patient")).to_be_checked()  # the tab worked in stays open
    expect(page.locator("#id_body_patient")).to_have_value(
        "Rest, then walk a little more each day."
    )
    assert dialogs == []  # saved: reloading did not warn
    elsewhere = page.context.new_page()  # not the browser's memory of the form: the server's
    elsewhere.goto(url)
    expect(elsewhere.locator("#id_body_patient")).to_have_value(
        "Rest, then walk a little more each day."
    )
    assert draft.bodies.get(audience__slug="patient").body == (
        "Rest, then walk a little more each day."
    )
    assert console.csp_violations == []
    assert console.errors == []


def test_autosave_stops_on_a_colleagues_change_and_overwrites_nothing(
    live_server, page: Page, console, draft
):
    _open_editor(page, live_server, draft)
    colleague = EditorFactory(first_name="Ada", last_name="Byrne")
    canonical = AudienceLevel.objects.get(is_canonical=True)
    revision_edit(revision=draft, editor=colleague, bodies={canonical: "Their careful wording."})

    _type_into(page, "professional", " Mine.")

    status = page.locator("#save-status")
    expect(status).to_contain_text("changed by Ada Byrne since you read it", timeout=15_000)
    expect(status).to_contain_text("Autosave is off")
    assert draft.bodies.get().body == "Their careful wording."

    # Save draft shows theirs beside the editor's own, which is kept.
    _dialogs(page, accept=True)
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator(".conflict-text")).to_have_text("Their careful wording.")
    expect(page.locator("#id_body_professional")).to_have_value("Rest helps most people. Mine.")
    expect(page.locator("#save-status")).to_contain_text("Autosave is off")
    assert draft.bodies.get().body == "Their careful wording."
    assert console.csp_violations == []


def test_live_preview_shows_the_page_as_readers_will_see_it(
    live_server, desktop_page: Page, console, screenshot, writer, draft
):
    reference_create(
        key="kim2013-loading",
        actor=writer,
        type="research",
        csl={
            "type": "article-journal",
            "title": "Graded loading of the Achilles tendon",
            "author": [{"family": "Kim", "given": "Wan-Hee"}],
            "container-title": "Am J Sports Med",
            "issued": {"date-parts": [[2013]]},
        },
    )
    page = desktop_page
    _open_editor(page, live_server, draft)
    box = page.locator("#id_body_professional")
    box.fill("")
    box.press_sequentially("## What helps\n\n- Rest\n- Graded loading ")

    # Cite from the picker, at the caret, without leaving the editor.
    page.get_by_label("Search the library").fill("achilles")
    page.get_by_role("button", name="Insert [@kim2013-loading]").click()
    expect(box).to_have_value("## What helps\n\n- Rest\n- Graded loading [@kim2013-loading]")

    preview = page.locator("#preview-professional")
    expect(preview.get_by_role("heading", name="What helps")).to_be_visible()
    expect(preview.locator(".article-body li")).to_have_text(["Rest", "Graded loading 1"])
    expect(preview.locator("sup a")).to_have_attribute("href", "#professional-ref-1")
    expect(preview.get_by_role("heading", name="References")).to_be_visible()
    expect(preview.locator(".reference-list li")).to_contain_text(
        "Graded loading of the Achilles tendon"
    )
    # Beside the text on a wide screen.
    text_box, preview_box = box.bounding_box(), preview.bounding_box()
    assert text_box is not None
    assert preview_box is not None
    assert preview_box["x"] > text_box["x"] + text_box["width"]
    screenshot(page)
    assert console.csp_violations == []
    assert console.errors == []


def test_a_refused_save_shows_the_error_on_its_tab_and_keeps_every_text(
    live_server, page: Page, console, screenshot, draft
):
    _open_editor(page, live_server, draft)
    _type_into(page, "professional", " Ice helps too.")
    page.locator("label[for=tab-patient]").click()
    _type_into(page, "patient", "Rest [@nobody2020-rest].")
    page.locator("label[for=tab-professional]").click()  # away from the tab at fault
    dialogs = _dialogs(page, accept=False)

    page.get_by_role("button", name="Save draft").click()

    expect(page.get_by_role("alert").first).to_contain_text("Nothing was saved.")
    patient = page.locator("#id_body_patient")
    expect(patient).to_be_visible()  # its tab is the one open
    expect(patient).to_have_value("Rest [@nobody2020-rest].")
    expect(page.locator("#id_body_patient_error")).to_have_text(
        "Patient or caregiver version: unknown reference keys: nobody2020-rest. "
        "Add them to the library or fix the markers."
    )
    expect(page.locator("label[for=tab-patient] .error-mark")).to_be_visible()
    expect(page.locator("#id_body_professional")).to_have_value(
        "Rest helps most people. Ice helps too."
    )
    screenshot(page)
    # The text is still not saved: leaving warns.
    patient.click()
    page.get_by_role("link", name="Articles", exact=True).click()
    expect(patient).to_be_visible()
    assert dialogs == ["beforeunload"]
    assert draft.bodies.get().body == "Rest helps most people."
    assert console.csp_violations == []


def test_without_javascript_the_form_saves_and_the_preview_follows(
    live_server, browser: Browser, draft
):
    context = browser.new_context(java_script_enabled=False, viewport=DESKTOP)
    page = context.new_page()
    url = _open_editor(page, live_server, draft)
    box = page.locator("#id_body_professional")

    box.fill("## Rest first\n\n- Rest\n- Then load")
    page.get_by_role("button", name="Save draft").click()

    expect(page.get_by_text("Revision 1 saved.")).to_be_visible()
    expect(page).to_have_url(url)
    expect(box).to_have_value("## Rest first\n\n- Rest\n- Then load")
    preview = page.locator("#preview-professional")
    expect(preview.get_by_role("heading", name="Rest first")).to_be_visible()
    expect(preview.locator("li")).to_have_text(["Rest", "Then load"])
    expect(page.locator("#save-status")).to_be_hidden()  # autosave needs the script
    context.close()
