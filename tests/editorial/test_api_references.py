"""The reference API: reads for board members, writes for editors, and export (the import:
test_api_reference_import)."""

import json

import pytest

from articles.references.services import NO_CHANGE, reference_create
from tests.articles.reference_samples import SAMPLES
from tests.editorial.test_api import API, client_for
from tests.factories import ReferenceFactory, UserFactory

URL = f"{API}/references/"
CSL = {"type": "article-journal", "title": "Graded loading", "issued": {"date-parts": [[2020]]}}


def test_board_member_reads_and_searches_but_cannot_write(reviewer, editor):
    ReferenceFactory(key="kim2013-hip", title="Hip impingement in runners")
    ReferenceFactory(key="doe2018-knee", title="Knee pain", pmid="29000001")
    client = client_for(reviewer)
    assert len(client.get(URL).json()["results"]) == 2
    assert [r["key"] for r in client.get(URL, {"q": "impingement"}).json()["results"]] == [
        "kim2013-hip"
    ]
    assert [r["key"] for r in client.get(URL, {"q": "29000001"}).json()["results"]] == [
        "doe2018-knee"
    ]
    assert len(client.get(URL, {"q": "doe2018"}).json()["results"]) == 1
    created = client.post(URL, {"key": "x1", "type": "research", "csl": CSL}, format="json")
    assert created.status_code == 403
    assert client_for(None).get(URL).status_code in (401, 403)


def test_someone_without_an_editorial_role_reads_no_reference(db):
    reference = ReferenceFactory(key="kim2013-hip")
    client = client_for(UserFactory())
    assert client.get(URL).status_code == 403
    assert client.get(f"{URL}{reference.pk}/").status_code == 403
    assert client.get(f"{URL}export/", {"ids": reference.pk, "format": "ris"}).status_code == 403


def test_filters_on_the_current_version(editor):
    ReferenceFactory(key="a-one", type="guideline")
    ReferenceFactory(key="b-two", type="research")
    client = client_for(editor)
    assert [r["key"] for r in client.get(URL, {"type": "guideline"}).json()["results"]] == ["a-one"]
    assert len(client.get(URL, {"status": "retracted"}).json()["results"]) == 0
    assert client.get(URL, {"type": "nonsense"}).status_code == 400


def test_editor_creates_then_adds_a_version_and_reads_the_diff(editor):
    client = client_for(editor)
    response = client.post(
        URL, {"key": "load2020", "type": "research", "csl": CSL, "doi": "10.1/x"}, format="json"
    )
    assert response.status_code == 400  # a DOI needs a 4-9 digit registrant
    assert "is not a DOI" in response.json()["detail"]
    response = client.post(URL, {"key": "load2020", "type": "research", "csl": CSL}, format="json")
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    versions_url = f"{URL}{pk}/versions/"
    body = {"type": "research", "csl": {**CSL, "volume": "3"}, "change_note": ""}
    refused = client.post(versions_url, body, format="json")
    assert (refused.status_code, list(refused.json())) == (400, ["change_note"])
    body["change_note"] = "Nothing really"
    body["csl"] = CSL
    same = client.post(versions_url, body, format="json")
    assert (same.status_code, same.json()["detail"]) == (400, NO_CHANGE.format(number=1))
    body["csl"] = {**CSL, "volume": "3"}
    body["change_note"] = "Volume added"
    assert client.post(versions_url, body, format="json").status_code == 201
    assert [v["number"] for v in client.get(versions_url).json()] == [2, 1]
    diff = client.get(f"{URL}{pk}/diff/").json()
    assert diff == [{"field": "volume", "old": "", "new": "3"}]
    assert client.get(f"{URL}{pk}/diff/", {"from": 7}).status_code == 400


@pytest.mark.parametrize("format", ["csl-json", "ris", "bibtex"])
def test_export_by_ids_in_each_format(editor, reviewer, format):
    refs = [
        reference_create(key=f"s-{name}", actor=editor, type="research", csl=csl).version
        for name, csl in list(SAMPLES.items())[:3]
    ]
    ids = ",".join(str(v.reference_id) for v in refs[:2])
    response = client_for(reviewer).get(f"{URL}export/", {"format": format, "ids": ids})
    assert response.status_code == 200
    text = response.content.decode()
    assert "s-one-author" in text
    assert "s-three-authors" in text
    assert "s-six-authors" not in text
    assert "attachment" in response["Content-Disposition"]
    if format == "csl-json":
        assert len(json.loads(text)) == 2
    missing = client_for(reviewer).get(f"{URL}export/", {"format": format})
    assert missing.status_code == 400


@pytest.mark.parametrize("size", [5, 60])
def test_reference_list_query_count_does_not_grow(size, editor, django_assert_num_queries):
    for _ in range(size):
        ReferenceFactory(actor=editor)
    client = client_for(editor)
    client.get(URL)  # session and user loaded once
    # session, user, their roles (may they read the library?), the page: no count
    with django_assert_num_queries(4):
        response = client.get(URL)
    assert len(response.json()["results"]) == min(size, 25)
    # and the matches' ids (1,001 at most) before the page
    with django_assert_num_queries(5):
        response = client.get(URL, {"q": "graded", "type": "research"})
    assert len(response.json()["results"]) == min(size, 25)


def test_a_search_pages_by_cursor_as_the_whole_search_would(editor):
    for n in range(30):
        ReferenceFactory(key=f"r{n:02d}", actor=editor, title=f"Graded loading {n}")
    ReferenceFactory(key="r-other", actor=editor, title="Rest")
    client = client_for(editor)
    first = client.get(URL, {"q": "graded"}).json()
    assert [r["key"] for r in first["results"]] == [f"r{n:02d}" for n in range(25)]
    second = client.get(first["next"]).json()
    assert [r["key"] for r in second["results"]] == [f"r{n:02d}" for n in range(25, 30)]
    assert second["next"] is None
    back = client.get(second["previous"]).json()
    assert [r["key"] for r in back["results"]] == [f"r{n:02d}" for n in range(25)]
    descending = client.get(URL, {"q": "graded", "ordering": "-key"}).json()
    assert [r["key"] for r in descending["results"]][:2] == ["r29", "r28"]
    numbered = client.get(URL, {"q": "graded", "page": 2}).json()  # numbered pages still count
    assert numbered["count"] == 30
    assert [r["key"] for r in numbered["results"]] == [f"r{n:02d}" for n in range(25, 30)]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("https://doi.org/10.1177/0363546513483448", ["kim2013-hip"]),
        ("doi:10.1177/0363546513483448", ["kim2013-hip"]),
        ("PMID: 29000001", ["doe2018-knee"]),
        ("pmc3619390", ["doe2018-knee"]),
        ("okafor", ["doe2018-knee"]),
        ("Müller", ["doe2018-knee"]),
        ("sports med", ["kim2013-hip"]),
    ],
)
def test_search_by_identifier_in_any_form_and_by_author(editor, query, expected):
    ReferenceFactory(key="kim2013-hip", title="Hip impingement", doi="10.1177/0363546513483448")
    ReferenceFactory(
        key="doe2018-knee",
        csl={
            "type": "article-journal",
            "title": "Knee pain",
            "author": [{"family": "Okafor", "given": "Chidi"}, {"family": "Müller"}],
            "container-title": "Knee",
        },
        pmid="29000001",
        pmcid="PMC3619390",
    )
    results = client_for(editor).get(URL, {"q": query}).json()["results"]
    assert [r["key"] for r in results] == expected


def test_a_new_version_keeps_what_it_leaves_out(editor):
    reference = reference_create(
        key="kim2013",
        actor=editor,
        type="research",
        csl=CSL,
        doi="10.1177/0363546513483448",
        pmid="23589586",
        evidence_level="grade_moderate",
        status="retracted",
        change_note="Retracted on entry",
    ).version.reference
    client = client_for(editor)
    url = f"{URL}{reference.pk}/versions/"

    retitled = client.post(
        url,
        {
            "type": "research",
            "csl": {**CSL, "title": "Graded loading, corrected"},
            "change_note": "Title as published",
        },
        format="json",
    )
    cleared = client.post(
        url,
        {
            "type": "research",
            "csl": {**CSL, "title": "Graded loading, corrected", "PMID": "1"},
            "pmcid": "",
            "status": "active",
            "change_note": "Retraction withdrawn; PMID fixed",
        },
        format="json",
    )

    assert retitled.status_code == 201, retitled.json()
    second = retitled.json()["current_version"]
    assert (second["doi"], second["pmid"], second["status"], second["evidence_level"]) == (
        "10.1177/0363546513483448",
        "23589586",
        "retracted",  # left out: a retracted reference stays retracted
        "grade_moderate",
    )
    third = cleared.json()["current_version"]
    assert (third["doi"], third["pmid"], third["status"]) == (
        "10.1177/0363546513483448",
        "1",  # given inside csl: that one wins over the kept one
        "active",
    )
