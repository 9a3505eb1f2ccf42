"""The article editor (issue 12, point 2): Save draft returns to it, autosave goes through the
same service and stale-edit fingerprints, refusals land on the tab they concern, and the live
preview is the public page's own rendering. Browser behaviour: tests/browser/test_editor_browser.py.
"""

import re

import pytest
from django.urls import reverse

from articles.models import AudienceBody, AudienceLevel, Revision
from articles.references.rendering import body_render, versions_current
from articles.services import STALE_EDIT, body_fingerprint, revision_edit
from editorial import workflow
from editorial.models import AuditEvent
from editorial.workspace.editor import REVISION_SAVED
from tests.editorial.test_page_markup import _described_by_missing
from tests.factories import EditorFactory, ReferenceFactory, RevisionFactory


def _edit(revision: Revision) -> str:
    return reverse("editorial:article_edit", kwargs={"pk": revision.article_id})


def _autosave(revision: Revision) -> str:
    return reverse("editorial:article_autosave", kwargs={"pk": revision.article_id})


def _form(page: str, **bodies: str) -> dict[str, str]:
    """The editor's fields as a browser posts them: the page's fingerprints, then `bodies`."""
    data = dict(re.findall(r'<input type="hidden" name="(seen_[a-z]+)" value="([0-9a-f]*)"', page))
    for level in AudienceLevel.objects.all():
        found = re.search(rf'name="body_{level.slug}"[^>]*>\n?([^<]*)</textarea>', page)
        data[f"body_{level.slug}"] = found.group(1) if found else ""
    data["change_summary"] = ""
    data.update({f"body_{slug}": text for slug, text in bodies.items()})
    return data


def _level(slug: str) -> AudienceLevel:
    return AudienceLevel.objects.get(slug=slug)


@pytest.fixture
def colleague(db):
    return EditorFactory(first_name="Ada", last_name="Byrne")


# --- Save draft ------------------------------------------------------------------------------


def test_save_returns_to_the_editor_with_an_empty_summary(client, editor, draft):
    client.force_login(editor)
    data = _form(client.get(_edit(draft)).text, professional="Graded loading helps.")
    data["change_summary"] = "Clearer dosing"

    response = client.post(_edit(draft), data)

    assert response.status_code == 302
    assert response.url == _edit(draft)
    page = client.get(response.url).text
    assert REVISION_SAVED.format(number=draft.number) in page
    assert re.search(r'<input type="text" name="change_summary"(?![^>]*value=)[^>]*>', page)
    assert "Now: “Clearer dosing”." in page
    draft.refresh_from_db()
    assert draft.change_summary == "Clearer dosing"

    # Saved again with the field left empty, the summary stays.
    client.post(_edit(draft), _form(page, professional="Graded loading helps most."))
    draft.refresh_from_db()
    assert draft.change_summary == "Clearer dosing"
    assert draft.bodies.get().body == "Graded loading helps most."


def test_a_refused_conflict_shows_on_the_tab_of_the_version_changed(
    client, editor, colleague, draft
):
    client.force_login(editor)
    page = client.get(_edit(draft)).text
    patient = _level("patient")
    revision_edit(revision=draft, editor=colleague, bodies={patient: "Their plain words."})

    response = client.post(
        _edit(draft), _form(page, professional="Mine.", patient="My plain words.")
    )

    assert response.status_code == 200
    message = STALE_EDIT.format(levels="Patient or caregiver version", editor="Ada Byrne")
    assert re.search(r'id="id_body_patient_error"><p>' + re.escape(message), response.text)
    assert re.search(r'id="tab-patient"[^>]*checked', response.text)
    assert not re.search(r'id="tab-professional"[^>]*checked', response.text)
    assert "My plain words.</textarea>" in response.text
    assert "Mine.</textarea>" in response.text  # every tab's text is kept
    assert "Their plain words.</pre>" in response.text
    assert "data-autosave-off" in response.text  # saving here keeps mine: only on purpose
    assert _described_by_missing(response.text) == []
    assert draft.bodies.get(audience=patient).body == "Their plain words."


def test_refused_unknown_keys_name_each_version_on_its_tab(client, editor, draft):
    ReferenceFactory(key="kim2013")
    client.force_login(editor)
    page = client.get(_edit(draft)).text

    response = client.post(
        _edit(draft),
        _form(page, professional="Known [@kim2013].", patient="Rest [@nope].", student="[@gone]"),
    )

    assert response.status_code == 200
    html = response.text
    assert re.search(
        r'id="id_body_patient_error"><p>Patient or caregiver version: unknown reference keys: '
        r"nope\. Add them to the library or fix the markers\.",
        html,
    )
    assert re.search(
        r'id="id_body_student_error"><p>Medical student version: unknown reference keys: gone\.',
        html,
    )
    assert "id_body_professional_error" not in html
    # The first tab in the levels' order with an error is open; the summary names both.
    first = next(lv for lv in AudienceLevel.objects.all() if lv.slug in ("patient", "student"))
    assert re.findall(r'id="tab-([a-z]+)"[^>]*checked', html) == [first.slug]
    assert "Nothing was saved." in html
    assert html.count('class="error-mark"') == 2
    assert "Rest [@nope].</textarea>" in html
    assert "Known [@kim2013].</textarea>" in html
    assert "data-unsaved" in html  # the page warns before leaving: the text is not saved
    assert _described_by_missing(html) == []
    assert draft.bodies.get().body != "Known [@kim2013]."


# --- autosave --------------------------------------------------------------------------------


def test_autosave_saves_and_answers_the_new_fingerprints(client, editor, draft):
    client.force_login(editor)
    data = _form(client.get(_edit(draft)).text, patient="Plain words.")

    response = client.post(_autosave(draft), data)

    assert response.status_code == 200
    saved = {b.audience.slug: b for b in draft.bodies.select_related("audience")}
    assert saved["patient"].body == "Plain words."
    assert response.json() == {
        "saved": True,
        "seen": {
            level.slug: body_fingerprint(saved.get(level.slug))
            for level in AudienceLevel.objects.all()
        },
    }
    # The next autosave, with those fingerprints, is not refused as stale.
    data |= {f"seen_{slug}": value for slug, value in response.json()["seen"].items()}
    data["body_patient"] = "Plain words, and more."
    assert client.post(_autosave(draft), data).status_code == 200
    assert draft.bodies.get(audience__slug="patient").body == "Plain words, and more."


def test_autosave_records_what_save_draft_records_and_nothing_more(client, editor, draft):
    client.force_login(editor)
    before = AuditEvent.objects.count()
    data = _form(client.get(_edit(draft)).text, professional="New text.")

    client.post(_autosave(draft), data)

    draft.refresh_from_db()
    assert draft.last_edited_by == editor
    assert draft.change_summary == "First version"  # left empty: kept
    assert AuditEvent.objects.count() == before  # editing is no transition: nobody is told


def test_autosave_refuses_a_stale_fingerprint_and_loses_nothing(client, editor, colleague, draft):
    client.force_login(editor)
    data = _form(client.get(_edit(draft)).text, professional="My version.")
    level = _level("professional")
    revision_edit(revision=draft, editor=colleague, bodies={level: "Their version."})

    response = client.post(_autosave(draft), data)

    assert response.status_code == 412
    assert response.json() == {
        "saved": False,
        "message": STALE_EDIT.format(levels="Healthcare professional", editor="Ada Byrne"),
    }
    assert draft.bodies.get().body == "Their version."


def test_autosave_refuses_unknown_keys_naming_the_version(client, editor, draft):
    client.force_login(editor)
    data = _form(client.get(_edit(draft)).text, patient="Rest [@nope].")

    response = client.post(_autosave(draft), data)

    assert response.status_code == 400
    message = (
        "Patient or caregiver version: unknown reference keys: nope. "
        "Add them to the library or fix the markers."
    )
    assert response.json() == {
        "saved": False,
        "message": message,
        "errors": {"patient": [message]},
    }
    assert not draft.bodies.filter(audience__slug="patient").exists()


def test_autosave_names_the_version_of_a_missing_required_body(client, editor, draft):
    client.force_login(editor)
    data = _form(client.get(_edit(draft)).text, professional="")

    response = client.post(_autosave(draft), data)

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "professional": ["Healthcare professional version: This field is required."]
    }
    assert draft.bodies.get().body


def test_autosave_of_a_submitted_revision_is_refused(client, editor, draft):
    client.force_login(editor)
    data = _form(client.get(_edit(draft)).text, professional="Too late.")
    workflow.revision_submit(revision=draft, actor=editor)

    response = client.post(_autosave(draft), data)

    assert response.status_code == 409
    assert "can no longer change" in response.json()["message"]
    assert draft.bodies.get().body != "Too late."


# --- who may use the editor's endpoints ------------------------------------------------------


@pytest.mark.parametrize("endpoint", ["autosave", "live panels"])
def test_only_editors_may_autosave_or_preview(client, reviewer, draft, endpoint):
    url = _autosave(draft) if endpoint == "autosave" else reverse("editorial:readability_preview")
    data = {"audience": "professional", "body_professional": "Intruder."}
    client.force_login(reviewer)
    forbidden = client.post(url, data)
    client.logout()
    anonymous = client.post(url, data)

    assert forbidden.status_code == 403
    assert "Intruder" not in forbidden.text
    assert anonymous.status_code == 302
    assert anonymous.url.startswith(reverse("login"))
    assert draft.bodies.get().body != "Intruder."


def test_autosave_takes_only_posts(client, editor, draft):
    client.force_login(editor)
    assert client.get(_autosave(draft)).status_code == 405


# --- the preview -----------------------------------------------------------------------------

TEXT = "## What helps\n\n- Rest [@kim2013]\n- Ice\n\nLoading helps [@lee2020; @kim2013]."


def test_live_preview_is_the_public_rendering_with_its_reference_list(client, editor, draft):
    ReferenceFactory(key="kim2013", title="Graded loading of the Achilles tendon")
    ReferenceFactory(key="lee2020", title="Ice after sprains")
    client.force_login(editor)

    response = client.post(
        reverse("editorial:readability_preview"),
        {"audience": "patient", "body_patient": TEXT + " [@nope]"},
    )

    html = response.text
    rendered = body_render(
        text=TEXT + " [@nope]",
        versions=versions_current(keys=["kim2013", "lee2020"]),
        anchor_prefix="patient-ref-",
    )
    assert str(rendered.html) in html  # one rule: the public page's rendering
    assert "<h3>What helps</h3>" in html  # as on the public page: the title is the h1
    link = r'<a href="#patient-ref-{}" rel="noopener noreferrer">{}</a>'
    assert re.search(
        r'<li id="patient-passage-1">Rest <sup>' + link.format(1, 1) + "</sup></li>", html
    )
    assert re.search("<sup>" + link.format(1, 1) + ", " + link.format(2, 2) + "</sup>", html)
    assert 'id="preview-patient" hx-swap-oob="innerHTML"' in html
    assert '<h2 id="references-patient">References</h2>' in html
    assert re.search(r'<li id="patient-ref-2" value="2">.*Ice after sprains', html, re.S)
    assert "Not in the library, so shown as typed" in html
    assert "<code>nope</code>" in html
    assert '<span class="fk-grade">' in html  # the readability panel, as before
    assert not draft.bodies.filter(audience__slug="patient").exists()


def test_editor_page_shows_each_preview_without_javascript(client, editor):
    ReferenceFactory(key="kim2013", title="Graded loading of the Achilles tendon")
    revision = RevisionFactory(author=editor, canonical_body=TEXT.replace("@lee2020; ", ""))
    client.force_login(editor)

    html = client.get(_edit(revision)).text

    assert 'id="preview-professional"' in html
    assert '<sup><a href="#professional-ref-1" rel="noopener noreferrer">1</a></sup>' in html
    assert '<h2 id="references-professional">References</h2>' in html
    assert "Graded loading of the Achilles tendon" in html
    assert 'id="preview-patient"' in html
    assert "Nothing to preview yet: write the Patient or caregiver version" in html
    assert 'data-autosave-url="' + _autosave(revision) + '"' in html
    assert "js/article-editor.js" in html
    assert "data-unsaved" not in html


@pytest.mark.parametrize("size", [3, 30])
def test_editor_query_count_does_not_grow_with_references(
    size, client, editor, django_assert_num_queries
):
    keys = [ReferenceFactory(key=f"ref{n}-topic").key for n in range(size)]
    cited = " ".join(f"[@{key}]" for key in keys)
    revision = RevisionFactory(author=editor, canonical_body=f"## Care\n\nRest {cited}.")
    revision_edit(revision=revision, editor=editor, bodies={_level("patient"): f"Rest {cited}."})
    client.force_login(editor)

    # Session, user and their groups; the article, its newest revision, the levels and the
    # bodies; one query for the references all the previews cite; the article's flagged
    # citations and the retracted references the draft cites; the navigation's unread count;
    # the plain-language vocabulary (the patient level is written in plain language).
    with django_assert_num_queries(12):
        response = client.get(_edit(revision))

    assert response.status_code == 200
    assert response.text.count('<li id="professional-ref-') == size
    assert response.text.count('<li id="patient-ref-') == size


def test_a_body_deleted_by_autosave_is_gone_as_by_save(client, editor, draft):
    revision_edit(revision=draft, editor=editor, bodies={_level("patient"): "Plain."})
    client.force_login(editor)
    data = _form(client.get(_edit(draft)).text, patient="")

    assert client.post(_autosave(draft), data).status_code == 200
    assert not AudienceBody.objects.filter(revision=draft, audience__slug="patient").exists()
