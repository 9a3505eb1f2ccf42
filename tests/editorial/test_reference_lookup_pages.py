"""Add by identifier in the workspace: the library's box, the record shown in the reference
form before anything is saved, the save through reference_create, a duplicate shown as the
library's reference, errors that keep what was typed, the setting, and the citation picker.
doi.org and PubMed are replayed by tests/lookup_replay.py."""

import json
from typing import Any

import pytest
from django.urls import reverse

from articles.models import Reference
from articles.references.lookup import LOOKUP_NOT_FOUND, LOOKUP_UNRECOGNISED
from articles.references.services import IDENTIFIER_TAKEN, reference_create
from editorial.workspace.reference_lookup import FOUND_INVALID
from tests.factories import BoardMemberFactory, ReferenceFactory

pytestmark = pytest.mark.django_db
LIBRARY = reverse("editorial:references")
LOOKUP = reverse("editorial:reference_lookup")
PICKER = reverse("editorial:reference_picker")


def shown_form(response: Any) -> dict[str, str]:
    """The lookup form's fields as the page shows them, as the browser would post them back."""
    form = response.context["form"]
    data = {name: form[name].value() for name in form.fields}
    return {name: "" if value is None else str(value) for name, value in data.items()}


def test_the_library_offers_the_lookup_to_editors_only(client, editor, settings):
    client.force_login(editor)
    assert 'action="/editorial/references/lookup/"' in client.get(LIBRARY).text
    settings.IMPRIMATUR_IDENTIFIER_LOOKUP = False
    assert "/editorial/references/lookup/" not in client.get(LIBRARY).text
    settings.IMPRIMATUR_IDENTIFIER_LOOKUP = True
    client.force_login(BoardMemberFactory())
    assert "/editorial/references/lookup/" not in client.get(LIBRARY).text


def test_a_doi_fills_the_reference_form_and_saves_nothing(client, editor, lookup_replay):
    client.force_login(editor)

    response = client.get(LOOKUP, {"identifier": "https://doi.org/10.1136/bmj.a1302"})

    assert response.status_code == 200
    data = shown_form(response)
    assert data["key"] == "hay2008-paracetamol"
    assert data["title"].startswith("Paracetamol plus ibuprofen for the treatment of fever")
    assert data["authors"].splitlines()[:2] == ["Hay, A. D.", "Costelloe, C."]
    assert (data["container_title"], data["volume"], data["page"]) == ("BMJ", "337", "a1302")
    assert (data["issued"], data["doi"], data["type"]) == (
        "2008-09-02",
        "10.1136/bmj.a1302",
        "research",
    )
    assert json.loads(data["found"])["ISSN"] == "0959-8138, 1468-5833"
    # The formatted entry (citeproc-js, AMA) to recognise the work before saving.
    assert "Hay AD, Costelloe C" in response.text
    assert "Found: check it before saving" in response.text
    assert Reference.objects.count() == 0


def test_confirming_saves_the_record_with_what_the_form_does_not_show(
    client, editor, lookup_replay
):
    client.force_login(editor)
    data = shown_form(client.get(LOOKUP, {"identifier": "18812414"}))
    data["title"] += " (corrected by the editor)"
    data["evidence_level"] = "ocebm_5"

    response = client.post(LOOKUP, data)

    reference = Reference.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("editorial:reference", kwargs={"pk": reference.pk})
    version = reference.current_version
    assert reference.key == "cook2009-tendon"
    assert version.title.endswith("(corrected by the editor)")
    assert (version.pmid, version.doi, version.evidence_level) == (
        "18812414",
        "10.1136/bjsm.2008.051193",
        "ocebm_5",
    )
    # Kept from the record though the form does not show them.
    assert version.csl["container-title-short"] == "Br J Sports Med"
    assert version.csl["ISSN"] == "1473-0480"
    assert version.csl["publisher-place"] == "England"
    assert version.change_note == "Created from PMID 18812414"


def test_an_identifier_already_in_the_library_links_to_its_reference(client, editor, lookup_replay):
    held = reference_create(
        key="vanderlinden2002",
        actor=editor,
        type="research",
        csl={"type": "article-journal", "title": "Fluoroquinolones and Achilles tendon"},
        doi="10.1136/bmj.324.7349.1306",
    ).version.reference
    client.force_login(editor)

    response = client.get(LOOKUP, {"identifier": "PMC113766"})  # its DOI is the library's

    assert response.status_code == 200
    assert "Already in the library" in response.text
    assert f'href="{reverse("editorial:reference", kwargs={"pk": held.pk})}"' in response.text
    assert "form" not in response.context
    assert Reference.objects.count() == 1


@pytest.mark.parametrize(
    ("identifier", "status", "message"),
    [
        ("tendon pathology", 400, LOOKUP_UNRECOGNISED.format(value="tendon pathology")),
        (
            "99999999",
            404,
            LOOKUP_NOT_FOUND.format(
                service="PubMed's citation exporter", scheme="PMID", value="99999999"
            ),
        ),
    ],
)
def test_a_failed_lookup_says_why_and_keeps_what_was_typed(
    client, editor, lookup_replay, identifier, status, message
):
    client.force_login(editor)
    response = client.get(LOOKUP, {"identifier": identifier})
    assert response.status_code == status
    assert response.context["error"] == message
    assert f'value="{identifier}"' in response.text
    assert "Enter the reference by hand" in response.text


def test_a_slow_service_answers_504_within_the_timeout(client, editor, lookup_replay, settings):
    settings.IMPRIMATUR_IDENTIFIER_LOOKUP_TIMEOUT = 0.3
    lookup_replay.delay = 2
    client.force_login(editor)
    response = client.get(LOOKUP, {"identifier": "10.1136/bmj.a1302"})
    assert response.status_code == 504
    assert "did not answer within 0.3 seconds" in response.context["error"]


def test_a_save_the_library_refuses_shows_the_form_again_with_everything_typed(
    client, editor, lookup_replay
):
    client.force_login(editor)
    data = shown_form(client.get(LOOKUP, {"identifier": "10.1136/bmj.a1302"}))
    data["title"] = "My own wording"
    # Meanwhile, someone else added the work.
    pitch = ReferenceFactory(key="pitch", doi="10.1136/BMJ.A1302")

    response = client.post(LOOKUP, data)

    assert response.status_code == 400
    form = response.context["form"]
    assert form.non_field_errors() == [
        IDENTIFIER_TAKEN.format(scheme="DOI", value="10.1136/bmj.a1302", key="pitch")
    ]
    assert form["title"].value() == "My own wording"
    assert form["found"].value() == data["found"]
    assert "Already in the library" in response.text
    assert f'href="{reverse("editorial:reference", kwargs={"pk": pitch.pk})}"' in response.text
    assert Reference.objects.count() == 1


@pytest.mark.parametrize(
    ("found", "error"),
    [
        ("{not json", FOUND_INVALID),
        ('["a list"]', FOUND_INVALID),
        ('{"issued": "soon"}', "The CSL-JSON `issued` must be"),  # checked as any reference
    ],
)
def test_the_carried_record_is_validated_like_any_reference(
    client, editor, lookup_replay, found, error
):
    client.force_login(editor)
    data = shown_form(client.get(LOOKUP, {"identifier": "18812414"}))
    data["found"] = found
    data["issued"] = ""  # so the carried `issued` is what is saved

    response = client.post(LOOKUP, data)

    assert response.status_code == 400
    assert error in response.text.replace("&#x27;", "'").replace("&quot;", '"')
    assert Reference.objects.count() == 0


def test_turned_off_the_lookup_is_not_there(client, editor, settings):
    settings.IMPRIMATUR_IDENTIFIER_LOOKUP = False
    client.force_login(editor)
    assert client.get(LOOKUP, {"identifier": "18812414"}).status_code == 404


@pytest.mark.parametrize("size", [1, 12])
def test_lookup_page_query_count_does_not_grow(
    client, editor, lookup_replay, size, django_assert_num_queries
):
    for number in range(size):
        ReferenceFactory(key=f"ref{number}")
    client.force_login(editor)
    with django_assert_num_queries(8):
        response = client.get(LOOKUP, {"identifier": "18812414"})
    assert response.status_code == 200


def test_the_picker_offers_to_look_up_an_identifier_the_library_lacks(client, editor):
    client.force_login(editor)
    headers = {"HX-Request": "true"}
    response = client.get(PICKER, {"q": "doi:10.1136/bmj.a1302"}, headers=headers)
    assert "Look up DOI 10.1136/bmj.a1302 and add it to the library" in response.text
    assert f"{LOOKUP}?identifier=10.1136%2Fbmj.a1302" in response.text
    # Words are a search, not an identifier; board members do not add references.
    assert "Look up" not in client.get(PICKER, {"q": "tendon"}, headers=headers).text
    client.force_login(BoardMemberFactory())
    assert "Look up" not in client.get(PICKER, {"q": "18812414"}, headers=headers).text
