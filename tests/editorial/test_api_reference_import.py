"""The API's reference import goes through the preview and import tasks (issue 13, point 5):
the upload answers 202 and nothing is read in the request; the status says how far the
reading is, the records come a page at a time by status, the choices go by status or per
record, and the confirm answers 202 too. Celery is eager and the outbox sends its tasks on
commit: the requests that queue work run inside django_capture_on_commit_callbacks."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from articles.models import ImportPreviewRow, ImportUpload, Reference
from articles.references.importing.jobs import ALREADY_CONFIRMED
from articles.references.importing.previewing import NOTHING_CHOSEN, STILL_READING
from articles.references.importing.records import FILE_INVALID
from articles.references.importing.uploads import NOT_UTF8
from articles.references.models import ImportState
from articles.references.services import reference_create
from editorial.api.reference_imports import ImportRowsPagination
from tests.editorial.test_api import API, client_for
from tests.editorial.test_reference_import_preview_job import _mixed, _ris
from tests.factories import EditorFactory, ReferenceFactory

URL = f"{API}/references/import/"
RIS = (
    "TY  - JOUR\nID  - kim2013\nAU  - Kim, Wan-Hee\nTI  - Ischiofemoral impingement\n"
    "PY  - 2013\nDO  - 10.1177/0363546513483448\nER  -\n\n"
    "TY  - JOUR\nAU  - Doe, Jane\nTI  - Running volume and hip injury\nPY  - 2018\nER  -\n"
)
CSL = {"type": "article-journal", "title": "Graded loading", "issued": {"date-parts": [[2020]]}}


def _file(text: str, name: str = "refs.ris") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="application/octet-stream")


def _previewed(client, capture, text: str, format: str = "ris") -> dict:  # type: ignore[no-untyped-def]
    """Upload a file (its preview task runs after the commit) and answer its status."""
    with capture(execute=True):
        response = client.post(f"{URL}preview/", {"file": _file(text), "format": format})
    assert response.status_code == 202, response.json()
    assert response["Location"] == response.json()["status_url"]
    assert response.json()["state"] == "reading"  # nothing read in the request
    status = client.get(response.json()["status_url"])
    assert status.status_code == 200
    return status.json()


def _records(client, job: dict, **query: object) -> list[dict]:  # type: ignore[no-untyped-def]
    """Every record of these statuses, page after page by the `next` links."""
    rows, url = [], job["records_url"]
    response = client.get(url, query)
    while True:
        assert response.status_code == 200, response.json()
        rows += response.json()["results"]
        if response.json()["next"] is None:
            return rows
        response = client.get(response.json()["next"])


def _confirmed(client, capture, job: dict, body: dict | None = None) -> dict:  # type: ignore[no-untyped-def]
    """Confirm (the import task runs after the commit) and answer the import's status."""
    with capture(execute=True):
        response = client.post(job["status_url"] + "confirm/", body or {}, format="json")
    assert response.status_code == 202, response.json()
    assert response["Location"] == response.json()["status_url"]
    assert response.json()["state"] == "queued"  # nothing imported in the request
    return client.get(response.json()["status_url"]).json()


def _choose(client, job: dict, body: dict):  # type: ignore[no-untyped-def]
    return client.post(job["status_url"] + "choices/", body, format="json")


def _choices(job: dict) -> dict[int, str]:
    rows = ImportPreviewRow.objects.filter(upload__token=job["token"])
    return dict(rows.values_list("number", "choice"))


def test_a_mixed_file_through_preview_records_choices_and_confirm(
    editor, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    ReferenceFactory(key="known", title="Known title", year=2019)
    # Record 3's DOI with other data: a conflict.
    reference_create(key="read3", actor=editor, type="research", csl=CSL, doi="10.1000/read.3")
    client = client_for(editor)

    job = _previewed(client, capture, _mixed())

    assert job["state"] == "previewed"
    assert (job["records_total"], job["records_read"], job["records_refused"]) == (8, 8, 1)
    assert job["counts"] == {"new": 3, "duplicate": 1, "conflict": 1, "possible": 2, "refused": 1}
    wanted = _records(client, job, status="new,possible", page_size=2)
    assert [(r["number"], r["status"]) for r in wanted] == [
        (1, "new"),
        (2, "new"),
        (6, "possible"),
        (7, "possible"),
        (8, "new"),
    ]
    assert [r["number"] for r in _records(client, job)] == list(range(1, 9))
    [refused] = _records(client, job, status="refused")
    assert refused["number"] == 4
    assert refused["first_line"].endswith(": TY  - JOUR")
    assert "needs a title" in refused["reason"]
    assert (refused["csl"], refused["choice"], refused["matched_reference"]) == ({}, "skip", None)
    [conflict] = _records(client, job, status="conflict")
    assert conflict["matched_reference"]["key"] == "read3"
    assert (conflict["doi"], conflict["type"], conflict["choice"]) == (
        "10.1000/read.3",
        "research",
        "skip",
    )
    assert conflict["csl"]["title"] == "Reading outcome 3"
    first = wanted[0]
    assert (first["name"], first["matches"], first["choice"]) == ("'Reading outcome 1'", [], "new")
    [possible] = [r for r in wanted if r["number"] == 6]
    assert (possible["matches"], possible["matched_reference"]["key"]) == (["known"], "known")

    bulk = _choose(client, job, {"status": "possible", "choice": "new"})
    assert bulk.json() == {"changed": 2}
    single = _choose(client, job, {"records": {"7": "skip", "3": "version:read3"}})
    assert single.json() == {"changed": 2}
    done = _confirmed(
        client, capture, job, {"change_note": "From the journal's RIS", "records": {"8": "skip"}}
    )

    assert (done["state"], done["records_imported"], done["records_refused"]) == ("done", 4, 1)
    assert done["counts"] is None
    titles = set(Reference.objects.values_list("current_version__csl__title", flat=True))
    assert titles == {"Known title", "Reading outcome 1", "Reading outcome 2", "Reading outcome 3"}
    assert Reference.objects.filter(current_version__csl__title="Known title").count() == 2
    revised = Reference.objects.get(key="read3").current_version  # record 3, as a new version
    assert (revised.number, revised.change_note) == (2, "From the journal's RIS")
    assert Reference.objects.count() == 5
    assert _choices(job)[8] == "skip"  # the records still say what was chosen
    assert [r["choice"] for r in _records(client, job, status="possible")] == ["new", "skip"]


def test_a_record_that_cannot_be_read_is_listed_and_the_others_import(
    editor, django_capture_on_commit_callbacks
):
    bad = "TY  - JOUR\nTI  - Fine\nER  -\n\nTY  - JOUR\nID  - x9\nTI  - T\nDO  - 12a\nER  -\n"
    client = client_for(editor)
    job = _previewed(client, django_capture_on_commit_callbacks, bad)
    [readable] = _records(client, job, status="new")
    [refused] = _records(client, job, status="refused")

    done = _confirmed(client, django_capture_on_commit_callbacks, job)

    assert readable["name"] == "'Fine'"
    assert (refused["number"], refused["first_line"], refused["reason"]) == (
        2,
        "line 5: TY  - JOUR",
        "'12a' is not a DOI: expected 10.<registrant>/<suffix>, e.g. 10.1177/0363546513483448.",
    )
    assert (done["records_imported"], done["records_refused"]) == (1, 1)
    assert list(Reference.objects.values_list("current_version__title", flat=True)) == ["Fine"]


def test_a_large_file_confirms_with_its_token_alone(editor, django_capture_on_commit_callbacks):
    client = client_for(editor)
    job = _previewed(client, django_capture_on_commit_callbacks, _ris(1200))
    done = _confirmed(client, django_capture_on_commit_callbacks, job)
    assert (done["state"], done["records_imported"]) == ("done", 1200)
    assert Reference.objects.count() == 1200


def test_a_conflicting_record_taken_as_a_new_version_and_refused_choices(
    editor, django_capture_on_commit_callbacks
):
    kim = reference_create(
        key="kim2013", actor=editor, type="guideline", csl=CSL, doi="10.1177/0363546513483448"
    ).version.reference
    client = client_for(editor)
    job = _previewed(client, django_capture_on_commit_callbacks, RIS)
    assert job["counts"] == {"new": 1, "duplicate": 0, "conflict": 1, "possible": 0, "refused": 0}
    assert [r["status"] for r in _records(client, job)] == ["conflict", "new"]
    before = _choices(job)

    as_new = _choose(client, job, {"records": {"2": "skip", "1": "new"}})
    not_a_number = _choose(client, job, {"records": {"kim": "skip"}})
    wrong = _choose(client, job, {"records": {"2": "version:kim2013"}})
    unknown = _choose(client, job, {"records": {"9": "skip"}})
    bulk_duplicates = _choose(client, job, {"status": "duplicate", "choice": "new"})
    half = _choose(client, job, {"status": "new"})

    assert as_new.status_code == 400
    assert "Record 1 (kim2013) is conflict: only new records" in as_new.json()["detail"]
    assert (not_a_number.status_code, list(not_a_number.json())) == (400, ["records"])
    assert wrong.status_code == 400
    assert "only a conflicting record or a possible duplicate can become" in wrong.json()["detail"]
    assert unknown.json()["detail"] == "There is no record 9 in the file (it holds 2)."
    assert bulk_duplicates.status_code == 400
    assert half.status_code == 400
    assert _choices(job) == before  # nothing changed: all or none
    assert kim.versions.count() == 1

    skipped = _choose(client, job, {"status": "new", "choice": "skip"})
    nothing = client.post(job["status_url"] + "confirm/", {}, format="json")
    assert (skipped.json(), nothing.status_code) == ({"changed": 1}, 400)
    assert nothing.json()["detail"] == NOTHING_CHOSEN
    done = _confirmed(
        client,
        django_capture_on_commit_callbacks,
        job,
        {
            "records": {"1": "version:kim2013", "2": "new"},
            "change_note": "Title and author from the journal's RIS",
        },
    )

    assert (done["state"], done["records_imported"]) == ("done", 2)
    assert Reference.objects.filter(key="doe2018-running").exists()
    revised = client.get(f"{API}/references/{kim.pk}/").json()["current_version"]
    assert (revised["number"], revised["title"]) == (2, "Ischiofemoral impingement")
    assert revised["type"] == "guideline"  # our judgement stays
    assert revised["change_note"] == "Title and author from the journal's RIS"


def test_a_refused_confirm_keeps_the_choices_it_came_with_neither(
    editor, django_capture_on_commit_callbacks
):
    client = client_for(editor)
    job = _previewed(client, django_capture_on_commit_callbacks, _ris(2))
    refused = client.post(
        job["status_url"] + "confirm/",
        {"records": {"1": "skip", "2": "skip"}, "change_note": "Nothing"},
        format="json",
    )
    assert (refused.status_code, refused.json()["detail"]) == (400, NOTHING_CHOSEN)
    assert _choices(job) == {1: "new", 2: "new"}
    assert ImportUpload.objects.get().state == ImportState.PREVIEWED


def test_while_the_file_is_read_the_records_wait_and_choices_are_refused(editor):
    client = client_for(editor)
    # Without the commit, the preview task is not sent: the upload stays "reading".
    queued = client.post(f"{URL}preview/", {"file": _file(_ris(3)), "format": "ris"})
    job = client.get(queued.json()["status_url"]).json()

    records = client.get(job["records_url"])
    chosen = _choose(client, job, {"status": "new", "choice": "skip"})
    confirmed = client.post(job["status_url"] + "confirm/", {}, format="json")

    assert (job["state"], job["counts"], job["records_read"]) == ("reading", None, 0)
    assert (records.status_code, records.json()["detail"]) == (409, STILL_READING)
    assert (chosen.status_code, chosen.json()["detail"]) == (400, STILL_READING)
    assert (confirmed.status_code, confirmed.json()["detail"]) == (400, STILL_READING)
    assert ImportUpload.objects.get().state == ImportState.READING


def test_a_confirmed_import_is_not_confirmed_or_chosen_again(
    editor, django_capture_on_commit_callbacks
):
    client = client_for(editor)
    job = _previewed(client, django_capture_on_commit_callbacks, _ris(2))
    _confirmed(client, django_capture_on_commit_callbacks, job)

    again = client.post(job["status_url"] + "confirm/", {}, format="json")
    chosen = _choose(client, job, {"records": {"1": "skip"}})

    assert (again.status_code, again.json()["detail"]) == (400, ALREADY_CONFIRMED)
    assert (chosen.status_code, chosen.json()["detail"]) == (400, ALREADY_CONFIRMED)
    assert Reference.objects.count() == 2


def test_an_upload_is_its_uploaders_alone(editor, reviewer, django_capture_on_commit_callbacks):
    job = _previewed(client_for(editor), django_capture_on_commit_callbacks, _ris(2))
    other = client_for(EditorFactory())
    board = client_for(reviewer)
    unknown = f"{URL}00000000-0000-4000-8000-000000000000/"

    for client, read, write in ((other, 404, 404), (board, 404, 403)):
        assert client.get(job["status_url"]).status_code == read
        assert client.get(job["records_url"]).status_code == read
        assert _choose(client, job, {"status": "new", "choice": "skip"}).status_code == write
        assert client.post(job["status_url"] + "confirm/", {}, format="json").status_code == write
    assert other.get(unknown).status_code == 404
    assert board.post(f"{URL}preview/", {"file": _file(RIS), "format": "ris"}).status_code == 403
    assert client_for(None).get(job["status_url"]).status_code in (401, 403)
    assert _choices(job) == {1: "new", 2: "new"}
    assert ImportUpload.objects.get().state == ImportState.PREVIEWED


def test_a_file_that_cannot_be_read_as_a_whole_fails_its_reading(
    editor, django_capture_on_commit_callbacks
):
    job = _previewed(client_for(editor), django_capture_on_commit_callbacks, "[{]", "csl-json")
    assert job["state"] == "failed"
    assert job["error"].startswith("The file could not be read: ")
    assert client_for(editor).get(job["records_url"]).json()["results"] == []


def test_a_file_not_utf8_is_refused_in_the_request_and_nothing_kept(editor):
    upload = SimpleUploadedFile(
        "refs.ris", "TY  - JOUR\nTI  - Caf\u00e9\nER  -\n".encode("latin-1")
    )
    response = client_for(editor).post(f"{URL}preview/", {"file": upload, "format": "ris"})
    assert response.status_code == 400
    # As when the request read the file itself.
    assert response.json()["detail"] == FILE_INVALID.format(format="ris", problem=NOT_UTF8)
    assert not ImportUpload.objects.exists()


def test_an_unknown_status_of_records_is_refused_by_name(
    editor, django_capture_on_commit_callbacks
):
    client = client_for(editor)
    job = _previewed(client, django_capture_on_commit_callbacks, _ris(1))
    response = client.get(job["records_url"], {"status": "new,fresh"})
    assert response.status_code == 400
    assert response.json()["status"][0].startswith("'fresh' is not a status")


@pytest.mark.parametrize("size", [5, 60])
def test_a_page_of_records_costs_the_same_whatever_the_file(
    size, editor, django_capture_on_commit_callbacks, django_assert_num_queries
):
    ReferenceFactory(key="known", title="Reading outcome 1", year=2020)  # a match, joined
    client = client_for(editor)
    job = _previewed(client, django_capture_on_commit_callbacks, _ris(size))
    # session, user, their roles (may they edit the library?), the upload, the page: no count
    with django_assert_num_queries(5):
        response = client.get(job["records_url"])
    assert len(response.json()["results"]) == min(size, 50)
    assert response.json()["results"][0]["matched_reference"]["key"] == "known"


def test_a_file_of_several_megabytes_passes_the_request_limit(editor):
    # Over the general request limit (5 MB), under the import's: kept and queued, not refused.
    record = "TY  - JOUR\nTI  - A long abstract {n}\nAB  - " + "word " * 1000 + "\nER  - \n\n"
    text = "".join(record.format(n=n) for n in range(6 * 1024 * 1024 // len(record) + 1))
    response = client_for(editor).post(f"{URL}preview/", {"file": _file(text), "format": "ris"})
    assert response.status_code == 202, response.json()
    assert ImportUpload.objects.get().size == len(text)


def test_a_client_chooses_its_page_size_within_bounds(editor, django_capture_on_commit_callbacks):
    client = client_for(editor)
    job = _previewed(client, django_capture_on_commit_callbacks, _ris(60))

    def size(**query: object) -> int:
        return len(client.get(job["records_url"], query).json()["results"])

    assert (size(), size(page_size=55), size(page_size=0), size(page_size="²")) == (50, 55, 50, 50)
    assert size(page_size=10_000) == 60  # at most 500: all 60 here

    class AtMostThree(ImportRowsPagination):
        max_page_size = 3

    asked = Request(APIRequestFactory().get("/", {"page_size": "10"}))
    rows = ImportPreviewRow.objects.order_by("number")
    assert len(AtMostThree().paginate_queryset(rows, asked) or []) == 3


def test_an_upload_and_a_confirm_sent_again_with_their_key_are_done_once(
    editor, django_capture_on_commit_callbacks
):
    """A client retrying after a lost answer: the same 202 and state, one file kept, one
    import queued; without a key a second confirm is refused as confirmed already."""
    client = client_for(editor)
    key = {"HTTP_IDEMPOTENCY_KEY": "upload-2026-12-05-a1"}
    answers = []
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            answers.append(
                client.post(f"{URL}preview/", {"file": _file(_ris(2)), "format": "ris"}, **key)
            )
    assert [a.status_code for a in answers] == [202, 202]
    assert answers[0].json()["status_url"] == answers[1].json()["status_url"]
    assert ImportUpload.objects.count() == 1
    job = client.get(answers[0].json()["status_url"]).json()

    confirm = job["status_url"] + "confirm/"
    key = {"HTTP_IDEMPOTENCY_KEY": "confirm-2026-12-05-b2"}
    confirms = []
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            confirms.append(client.post(confirm, {}, format="json", **key))

    assert [c.status_code for c in confirms] == [202, 202], confirms[1].json()
    assert confirms[0]["Location"] == confirms[1]["Location"]
    assert Reference.objects.count() == 2  # imported once
    # The same key for another upload's confirm is refused, not answered with this one.
    other = _previewed(client, django_capture_on_commit_callbacks, _ris(1))
    reused = client.post(other["status_url"] + "confirm/", {}, format="json", **key)
    assert reused.status_code == 409, reused.json()
    again = client.post(confirm, {}, format="json")
    assert (again.status_code, again.json()["detail"]) == (400, ALREADY_CONFIRMED)
