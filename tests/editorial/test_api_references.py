"""The reference API: reads for board members, writes for editors, import and export."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from articles.models import ImportUpload, Reference
from articles.references.services import NO_CHANGE, reference_create
from tests.articles.reference_samples import SAMPLES
from tests.editorial.test_api import API, client_for
from tests.factories import ReferenceFactory, UserFactory

URL = f"{API}/references/"
RIS = (
    "TY  - JOUR\nID  - kim2013\nAU  - Kim, Wan-Hee\nTI  - Ischiofemoral impingement\n"
    "PY  - 2013\nDO  - 10.1177/0363546513483448\nER  -\n\n"
    "TY  - JOUR\nAU  - Doe, Jane\nTI  - Running volume and hip injury\nPY  - 2018\nER  -\n"
)
CSL = {"type": "article-journal", "title": "Graded loading", "issued": {"date-parts": [[2020]]}}


def _upload(text: str, name: str = "refs.ris") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="application/octet-stream")


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


def _confirmed(client, capture, data):  # type: ignore[no-untyped-def]
    """Post a confirm (its task runs after the commit: Celery is eager in tests), then ask its
    status URL. Returns the confirm's answer and the import's state."""
    with capture(execute=True):
        response = client.post(f"{URL}import/confirm/", data)
    assert response.status_code == 202, response.json()
    assert response["Location"] == response.json()["status_url"]
    return response, client.get(response.json()["status_url"]).json()


def test_import_preview_then_confirm_over_http(
    editor, reviewer, django_capture_on_commit_callbacks
):
    reference_create(
        key="kim2013", actor=editor, type="research", csl=CSL, doi="10.1177/0363546513483448"
    )
    client = client_for(editor)
    preview = client.post(f"{URL}import/preview/", {"file": _upload(RIS), "format": "ris"})
    assert preview.status_code == 200, preview.json()
    data = preview.json()
    assert (data["new"], data["duplicate"], data["conflict"], data["possible"]) == (1, 0, 1, 0)
    assert [r["classification"] for r in data["records"]] == ["conflict", "new"]
    refused = client.post(
        f"{URL}import/confirm/", {"file": _upload(RIS), "format": "ris", "records": [1, 2]}
    )
    assert refused.status_code == 400
    assert "Record 1 (kim2013) is conflict: only new records" in refused.json()["detail"]
    assert Reference.objects.count() == 1
    assert not ImportUpload.objects.exists()  # a refused confirm keeps nothing
    queued, job = _confirmed(
        client,
        django_capture_on_commit_callbacks,
        {"file": _upload(RIS), "format": "ris", "records": [2]},
    )
    assert queued.json()["state"] == "queued"  # nothing imported in the request
    assert (job["state"], job["records_imported"]) == ("done", 1)
    assert Reference.objects.filter(key="doe2018-running").exists()
    forbidden = client_for(reviewer).post(
        f"{URL}import/preview/", {"file": _upload(RIS), "format": "ris"}
    )
    assert forbidden.status_code == 403


def test_a_record_that_cannot_be_read_is_listed_and_the_others_can_be_confirmed(
    editor, django_capture_on_commit_callbacks
):
    bad = "TY  - JOUR\nTI  - Fine\nER  -\n\nTY  - JOUR\nID  - x9\nTI  - T\nDO  - 12a\nER  -\n"
    client = client_for(editor)
    response = client.post(f"{URL}import/preview/", {"file": _upload(bad), "format": "ris"})
    assert response.status_code == 200
    data = response.json()
    assert [r["name"] for r in data["records"]] == ["'Fine'"]
    assert data["unreadable"] == [
        {
            "index": 2,
            "first_line": "line 5: TY  - JOUR",
            "reason": "'12a' is not a DOI: expected 10.<registrant>/<suffix>, e.g. "
            "10.1177/0363546513483448.",
        }
    ]
    _, job = _confirmed(
        client,
        django_capture_on_commit_callbacks,
        {"file": _upload(bad), "format": "ris", "records": ["1"]},
    )
    assert (job["records_imported"], job["records_refused"]) == (1, 1)
    assert list(Reference.objects.values_list("current_version__title", flat=True)) == ["Fine"]


def test_a_large_confirm_sends_its_records_in_one_field(editor, django_capture_on_commit_callbacks):
    text = "".join(f"TY  - JOUR\nTI  - Work {n}\nPY  - 2020\nER  - \n\n" for n in range(1200))
    _, job = _confirmed(
        client_for(editor),
        django_capture_on_commit_callbacks,
        {"file": _upload(text), "format": "ris", "records": [",".join(map(str, range(1, 1201)))]},
    )
    assert (job["state"], job["records_imported"]) == ("done", 1200)
    assert Reference.objects.count() == 1200


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


@pytest.mark.parametrize("size", [3, 20])
def test_reference_list_query_count_does_not_grow(size, editor, django_assert_num_queries):
    for _ in range(size):
        ReferenceFactory(actor=editor)
    client = client_for(editor)
    client.get(URL)  # session and user loaded once
    # session, user, their roles (may they read the library?), the page: no count
    with django_assert_num_queries(4):
        response = client.get(URL)
    assert len(response.json()["results"]) == size


def test_confirm_takes_a_conflicting_record_as_a_new_version(
    editor, reviewer, django_capture_on_commit_callbacks
):
    kim = reference_create(
        key="kim2013", actor=editor, type="guideline", csl=CSL, doi="10.1177/0363546513483448"
    ).version.reference
    client = client_for(editor)
    nothing = client.post(f"{URL}import/confirm/", {"file": _upload(RIS), "format": "ris"})
    assert nothing.status_code == 400
    bad = client.post(
        f"{URL}import/confirm/", {"file": _upload(RIS), "format": "ris", "new_versions": ["kim"]}
    )
    assert (bad.status_code, list(bad.json())) == (400, ["new_versions"])
    wrong = client.post(
        f"{URL}import/confirm/",
        {"file": _upload(RIS), "format": "ris", "new_versions": ["2:kim2013"]},
    )
    assert wrong.status_code == 400
    assert "only a conflicting record or a possible duplicate can become" in wrong.json()["detail"]
    assert kim.versions.count() == 1
    _, job = _confirmed(
        client,
        django_capture_on_commit_callbacks,
        {
            "file": _upload(RIS),
            "format": "ris",
            "records": [2],
            "new_versions": ["1:kim2013"],
            "change_note": "Title and author from the journal's RIS",
        },
    )
    assert (job["state"], job["records_imported"]) == ("done", 2)
    assert Reference.objects.filter(key="doe2018-running").exists()
    revised = client.get(f"{URL}{kim.pk}/").json()
    assert revised["current_version"]["number"] == 2
    assert revised["current_version"]["title"] == "Ischiofemoral impingement"
    assert revised["current_version"]["type"] == "guideline"  # our judgement stays
    assert revised["current_version"]["change_note"] == "Title and author from the journal's RIS"
    forbidden = client_for(reviewer).post(
        f"{URL}import/confirm/",
        {"file": _upload(RIS), "format": "ris", "new_versions": ["1:kim2013"]},
    )
    assert forbidden.status_code == 403


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


def test_a_confirm_of_several_megabytes_passes_the_request_limit(editor):
    # Over the general request limit (5 MB), under the import's: queued, not refused.
    record = "TY  - JOUR\nTI  - A long abstract {n}\nAB  - " + "word " * 1000 + "\nER  - \n\n"
    text = "".join(record.format(n=n) for n in range(6 * 1024 * 1024 // len(record) + 1))
    response = client_for(editor).post(
        f"{URL}import/confirm/", {"file": _upload(text), "format": "ris", "records": ["1,2"]}
    )
    assert response.status_code == 202, response.json()
    assert ImportUpload.objects.get().size == len(text)
