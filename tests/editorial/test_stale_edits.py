"""Two editors on one draft: a save over the other's change is refused and loses nothing.

The workspace editor and the API (If-Match, 412) both go through revision_edit's `seen`.
"""

import re

import pytest
from django.urls import reverse

from articles.models import AudienceBody, AudienceLevel
from articles.services import STALE_EDIT, StaleEdit, body_fingerprint, revision_edit
from tests.editorial.test_api import API, client_for
from tests.factories import EditorFactory


@pytest.fixture
def colleague(db):
    return EditorFactory(first_name="Ada", last_name="Byrne")


def _professional() -> AudienceLevel:
    return AudienceLevel.objects.get(slug="professional")


def test_service_refuses_a_save_over_a_changed_body(editor, colleague, draft):
    level = _professional()
    seen = {level.pk: body_fingerprint(draft.bodies.get(audience=level))}
    revision_edit(revision=draft, editor=colleague, bodies={level: "Their text."}, seen=seen)

    with pytest.raises(StaleEdit, match=r"professional: changed by Ada Byrne since you read it"):
        revision_edit(revision=draft, editor=editor, bodies={level: "My text."}, seen=seen)

    assert draft.bodies.get(audience=level).body == "Their text."


def test_service_saves_when_the_body_is_as_seen(editor, draft):
    level = _professional()
    patient = AudienceLevel.objects.get(slug="patient")
    seen = {
        level.pk: body_fingerprint(draft.bodies.get(audience=level)),
        patient.pk: body_fingerprint(None),  # no patient body yet
    }
    revision_edit(
        revision=draft, editor=editor, bodies={level: "Mine.", patient: "Plain."}, seen=seen
    )
    assert {b.audience.slug: b.body for b in draft.bodies.select_related("audience")} == {
        "professional": "Mine.",
        "patient": "Plain.",
    }


def _form_data(page: str) -> dict[str, str]:
    """The edit form's fields as the browser would post them, from the page's HTML."""
    data = dict(re.findall(r'<input type="hidden" name="(seen_[a-z]+)" value="([0-9a-f]*)"', page))
    for level in AudienceLevel.objects.all():
        data[f"body_{level.slug}"] = ""
    data["change_summary"] = ""
    return data


def test_workspace_keeps_the_text_and_shows_theirs_on_a_conflict(client, editor, colleague, draft):
    url = reverse("editorial:article_edit", kwargs={"pk": draft.article_id})
    client.force_login(editor)
    mine = _form_data(client.get(url).text)
    other = client.__class__()
    other.force_login(colleague)
    theirs = _form_data(other.get(url).text)
    assert mine["seen_professional"] == body_fingerprint(draft.bodies.get())

    theirs["body_professional"] = "Their careful wording."
    assert other.post(url, theirs).status_code == 302
    mine["body_professional"] = "My own new paragraph."
    refused = client.post(url, mine)

    assert refused.status_code == 200
    assert "changed by Ada Byrne since you read it" in refused.text
    assert "My own new paragraph.</textarea>" in refused.text  # nothing of mine is lost
    assert "Their careful wording." in refused.text  # and theirs is there to compare
    assert draft.bodies.get().body == "Their careful wording."

    # Saving again, having seen theirs, keeps mine.
    again = _form_data(refused.text)
    again["body_professional"] = "My own new paragraph."
    assert client.post(url, again).status_code == 302
    assert draft.bodies.get().body == "My own new paragraph."


def test_workspace_keeps_the_text_when_a_citation_is_unknown(client, editor, draft):
    url = reverse("editorial:article_edit", kwargs={"pk": draft.article_id})
    client.force_login(editor)
    data = _form_data(client.get(url).text)
    data["body_professional"] = "Rest helps [@nobody2020-rest]."

    response = client.post(url, data)

    assert response.status_code == 200
    # The refusal names the version it concerns, on that version's tab, which is the open one.
    assert re.search(
        r'id="id_body_professional_error"><p>Healthcare professional version: unknown '
        r"reference keys: nobody2020-rest\. Add them",
        response.text,
    )
    assert re.search(r'id="tab-professional"[^>]*checked', response.text)
    assert "Rest helps [@nobody2020-rest].</textarea>" in response.text
    assert "nobody2020" not in draft.bodies.get().body


def test_api_body_has_an_etag_and_if_match_guards_the_write(editor, colleague, draft):
    body = draft.bodies.get()
    mine, theirs = client_for(editor), client_for(colleague)
    etag = mine.get(f"{API}/bodies/{body.pk}/").headers["ETag"]
    assert etag == f'"{body_fingerprint(body)}"'

    first = theirs.put(
        f"{API}/bodies/{body.pk}/", {"body": "Theirs."}, format="json", HTTP_IF_MATCH=etag
    )
    stale = mine.put(
        f"{API}/bodies/{body.pk}/", {"body": "Mine."}, format="json", HTTP_IF_MATCH=etag
    )
    stale_delete = mine.delete(f"{API}/bodies/{body.pk}/", HTTP_IF_MATCH=etag)

    assert first.status_code == 200
    assert first.headers["ETag"] != etag
    assert stale.status_code == 412
    assert stale.json()["detail"] == STALE_EDIT.format(
        levels="Healthcare professional", editor="Ada Byrne"
    )
    assert stale_delete.status_code == 412
    assert AudienceBody.objects.get(pk=body.pk).body == "Theirs."
    fresh = mine.put(
        f"{API}/bodies/{body.pk}/",
        {"body": "Mine."},
        format="json",
        HTTP_IF_MATCH=first.headers["ETag"],
    )
    assert fresh.status_code == 200
    assert AudienceBody.objects.get(pk=body.pk).body == "Mine."
