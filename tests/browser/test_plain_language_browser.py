"""Plain language in the editor, in Chromium under the CSP: while the editor types, the patient
version's marks (sentences above the target, medical terms with their plain words) and its
checklist appear beside the scores, each explaining itself; the text itself is never changed."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from articles.models import AudienceLevel, Revision
from articles.services import revision_edit
from editorial.models import User
from tests.browser.tools import axe_report, axe_violations, login_form_submit, overflowing
from tests.factories import EditorFactory, RevisionFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

DENSE = "Physicians recommend regular exercise for hypertension."
PLAIN = "You can walk each day. It helps your high blood pressure."


@pytest.fixture
def writer(db) -> User:
    return EditorFactory(username="wren", first_name="Wren", last_name="Writer")


@pytest.fixture
def draft(writer) -> Revision:
    return RevisionFactory(author=writer, number=1, canonical_body="Rest helps most people.")


def test_marks_appear_while_typing_and_leave_the_text_alone(
    live_server, desktop_page: Page, console, screenshot, draft
):
    page = desktop_page
    url = live_server.url + reverse("editorial:article_edit", kwargs={"pk": draft.article_id})
    page.goto(url)
    login_form_submit(page, "wren")
    page.wait_for_load_state("load")
    page.locator("label[for=tab-patient]").click()
    panel = page.locator("#readability-patient")
    expect(panel).to_contain_text("Write some text to see its readability.")

    box = page.locator("#id_body_patient")
    box.click()
    page.keyboard.type(DENSE)

    # After a pause in typing, the server's analysis lands beside the scores.
    marks = panel.locator(".mark-list li")
    expect(marks).to_have_count(3, timeout=10_000)
    expect(marks.nth(0)).to_contain_text("Reads at grade")
    expect(marks.nth(0)).to_contain_text("Physicians, recommend, regular, exercise")
    expect(marks.nth(1)).to_contain_text("Physicians → doctor")
    expect(marks.nth(2)).to_contain_text("hypertension → high blood pressure")
    term = panel.locator("mark.mark-term").nth(1)
    expect(term).to_have_text("hypertension3")  # the mark and its number in the list
    expect(term).to_have_attribute(
        "title",
        "“hypertension” has a plain equivalent: “high blood pressure”. If you keep "
        "“hypertension”, explain it where it first appears.",
    )
    expect(panel.locator("mark.mark-sentence")).to_have_attribute(
        "aria-describedby", "why-patient-1"
    )
    checklist = panel.locator(".checklist li")
    expect(checklist).to_have_count(4)
    expect(panel.locator('[data-check="terms"]')).to_contain_text("To do")
    expect(panel.locator('[data-check="you"]')).to_contain_text("To do")
    expect(box).to_have_value(DENSE)  # suggestions only
    screenshot(page)

    # "Find in text" selects the marked passage in the textarea, ready to be rewritten.
    marks.nth(2).get_by_role("button", name="Find in text").click()
    expect(box).to_be_focused()
    selected = box.evaluate("b => b.value.slice(b.selectionStart, b.selectionEnd)")
    assert selected == "hypertension"

    box.fill("")
    page.keyboard.type(PLAIN)

    expect(panel).to_contain_text(
        "Nothing marked: the text reads within its target.", timeout=10_000
    )
    expect(panel.locator(".mark-list li")).to_have_count(0)
    expect(panel.locator('[data-check="terms"]')).to_contain_text("Met")
    expect(panel.locator('[data-check="you"]')).to_contain_text("Met")
    expect(box).to_have_value(PLAIN)
    assert console.csp_violations == []
    assert console.errors == []


POOR = """## Background

Patients with plantar fasciitis frequently experience considerable discomfort, and clinicians
generally recommend a combination of stretching, appropriate footwear and analgesia for a period
of several weeks before further treatment is considered.
"""


def test_marks_and_checklist_pass_axe_and_fit_a_phone(
    live_server, axe_page: Page, narrow_page: Page, screenshot, writer, draft
):
    patient = AudienceLevel.objects.get(slug="patient")
    revision_edit(revision=draft, editor=writer, bodies={patient: POOR})
    url = live_server.url + reverse("editorial:article_edit", kwargs={"pk": draft.article_id})
    for page in (axe_page, narrow_page):
        page.goto(url)
        login_form_submit(page, "wren")
        page.wait_for_load_state("load")
        page.locator("label[for=tab-patient]").click()
        expect(page.locator("#readability-patient mark.mark-term").first).to_be_visible()

    assert axe_violations(axe_page) == [], axe_report(axe_violations(axe_page))
    assert overflowing(narrow_page, 375) == []
    screenshot(narrow_page, "phone")
