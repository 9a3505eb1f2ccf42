"""Adding a reference by its DOI in Chromium, as an editor: the library's box looks it up (doi.org
replayed by tests/lookup_replay.py), the record is shown filled for checking, the editor
corrects it and saves, and finds it in the library; under the CSP, without console errors."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from articles.models import Reference
from tests.browser.tools import login_form_submit
from tests.factories import EditorFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_editor_pastes_a_doi_checks_the_record_and_finds_it_in_the_library(
    live_server, page: Page, console, lookup_replay, screenshot
):
    EditorFactory(username="edith")
    page.goto(live_server.url + reverse("login"))
    login_form_submit(page, "edith")
    page.goto(live_server.url + reverse("editorial:references"))

    page.get_by_label("Add by DOI, PMID or PMCID").fill("https://doi.org/10.1136/bmj.a1302")
    page.get_by_role("button", name="Look up").click()

    expect(page.get_by_role("heading", name="Found: check it before saving")).to_be_visible()
    expect(page.locator(".lookup-preview")).to_contain_text(
        "Hay AD, Costelloe C, Redmond NM, et al. Paracetamol plus ibuprofen"
    )
    expect(page.get_by_label("Title", exact=True)).to_have_value(
        "Paracetamol plus ibuprofen for the treatment of fever in children (PITCH): "
        "randomised controlled trial"
    )
    expect(page.get_by_label("DOI", exact=True)).to_have_value("10.1136/bmj.a1302")
    expect(page.get_by_label("Key", exact=True)).to_have_value("hay2008-paracetamol")
    assert Reference.objects.count() == 0  # nothing saved before the editor confirms
    screenshot(page)  # test-artifacts/screenshots/: the record as the editor checks it

    page.get_by_label("Key", exact=True).fill("hay2008-pitch")
    page.get_by_label("Evidence level").select_option(label="OCEBM level 2")
    page.get_by_role("button", name="Save to the library").click()

    expect(page.get_by_text("Reference hay2008-pitch created.")).to_be_visible()
    page.goto(live_server.url + reverse("editorial:references") + "?q=10.1136/BMJ.A1302")
    row = page.locator("tr").filter(has_text="hay2008-pitch")
    expect(row).to_contain_text("Paracetamol plus ibuprofen")
    screenshot(page, "library")
    version = Reference.objects.get(key="hay2008-pitch").current_version
    assert version.csl["ISSN"] == "0959-8138, 1468-5833"  # kept though the form hides it
    assert console.csp_violations == []
    assert console.errors == []
