"""Bad input answers a clear 4xx and changes nothing (issue 14, point 6): NUL characters, deep
JSON, Unicode digits, missing fields, odd CSL, oversized bodies, line breaks in titles."""

import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from articles.models import Article
from articles.plain_input import JSON_MAX_DEPTH, JSON_TOO_DEEP, LINE_BREAK_REFUSED, NUL_REFUSED
from articles.references.importing import import_too_large, records_parse
from articles.references.importing.bibtex import MAX_BRACE_DEPTH
from articles.references.models import ImportUpload, Reference, ReferenceVersion
from config.middleware import REQUEST_TOO_LARGE
from editorial import workflow
from editorial.models import ReviewComment
from tests.editorial.test_api import API, client_for
from tests.factories import EditorFactory, ReferenceFactory, RevisionFactory
from tests.importing import import_post

pytestmark = pytest.mark.django_db


def _reason_messages(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [reason["message"] for reason in response.json()["reasons"]]


@pytest.mark.parametrize("query", ["q=%00", "topic=%00", "q=a%00b&topic=x", "%00=1"])
def test_a_nul_in_the_public_search_is_a_400_page_in_the_layout(query):
    response = Client().get(f"/?{query}")
    assert response.status_code == 400
    page = response.content.decode()
    assert "no text on this site may contain" in page
    assert '<a href="/">Search the articles</a>' in page


def test_a_nul_in_a_posted_form_is_refused_before_the_view(editor):
    client = Client()
    client.force_login(editor)
    response = client.post("/editorial/articles/new/", {"title": "Knee\x00pain", "topic": "x"})
    assert response.status_code == 400
    assert "NUL character" in response.content.decode()
    assert not Article.objects.exists()


def test_a_nul_in_an_api_query_answers_the_api_error(editor):
    response = client_for(editor).get(f"{API}/bodies/", {"audience": "\x00"})
    assert response.status_code == 400
    assert _reason_messages(response) == [NUL_REFUSED]


def test_a_nul_in_a_json_body_is_refused_and_nothing_is_stored(editor, draft):
    payload = {"revision": draft.pk, "audience": "pat\x00ient", "body": "x", "quoted_text": ""}
    response = client_for(editor).post(f"{API}/comments/", payload, format="json")
    assert response.status_code == 400
    assert _reason_messages(response) == [NUL_REFUSED]
    assert not ReviewComment.objects.exists()


def test_json_nested_100000_deep_on_login_is_a_400():
    body = "[" * 100_000 + "]" * 100_000
    response = Client().post(f"{API}/auth/login/", body, content_type="application/json")
    assert response.status_code == 400
    assert _reason_messages(response) == [JSON_TOO_DEEP.format(limit=JSON_MAX_DEPTH)]


def test_json_as_deep_as_the_limit_still_parses():
    body = {"username": "nobody", "password": "x", "extra": json.loads("[" * 60 + "]" * 60)}
    response = Client().post(f"{API}/auth/login/", body, content_type="application/json")
    assert response.status_code == 400  # wrong credentials, not the depth
    assert "nested" not in response.content.decode()


def test_a_body_over_the_request_limit_is_a_413_before_it_is_read(settings, editor):
    settings.IMPRIMATUR_REQUEST_MAX_BYTES = 1024 * 1024
    client = client_for(editor)
    response = client.post(
        f"{API}/articles/", {"title": "x" * 2_000_000, "topic": "t"}, format="json"
    )
    assert response.status_code == 413
    assert _reason_messages(response) == [REQUEST_TOO_LARGE.format(limit="1")]
    assert not Article.objects.exists()


@pytest.mark.parametrize(
    "path",
    [
        "revisions/?article=²",
        "bodies/?article=٣",
        "assignments/?reviewer=²",
        "decisions/?revision=²",
        "audit-events/?article=²",
        "comments/?parent=\uff11",  # FULLWIDTH DIGIT ONE
        "flagged-citations/?article=²",
        # Beyond a 64-bit row id (found by the schema fuzz: SQLite's OverflowError, a 500).
        "bodies/?revision=1451992750177032010203136",
        "flagged-citations/?article=99999999999999999999",
    ],
)
def test_unicode_digits_in_an_id_are_a_400_naming_the_parameter(editor, path):
    response = client_for(editor).get(f"{API}/{path}")
    assert response.status_code == 400
    name = path.split("?")[1].split("=")[0]
    assert "digits 0-9" in response.json()[name][0]


def test_an_unknown_api_address_answers_the_api_error_shape(editor):
    """Not Django's HTML page: e.g. a slug with a space, which no route takes."""
    response = client_for(editor).get(f"{API}/public/articles/not a slug./")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_a_refused_export_answers_json_not_the_file_format(editor):
    response = client_for(editor).get(f"{API}/references/export/", {"format": "bibtex", "ids": "x"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "ids" in response.json()


def test_ascii_ids_still_filter(editor, draft):
    response = client_for(editor).get(f"{API}/revisions/", {"article": f" {draft.article_id}"})
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [draft.pk]


def test_unicode_digits_in_a_diff_base_or_versions_are_a_400(editor, draft):
    client = client_for(editor)
    response = client.get(f"{API}/revisions/{draft.pk}/diff/", {"base": "²"})
    assert response.status_code == 400
    assert "base" in response.json()


def test_the_browsable_flagged_citations_page_answers(editor):
    response = client_for(editor).get(f"{API}/flagged-citations/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert "Flagged Citation List" in response.content.decode()


def test_creating_an_article_without_a_topic_names_the_field(editor):
    response = client_for(editor).post(f"{API}/articles/", {"title": "Knee pain"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"topic": ["This field is required."]}
    assert not Article.objects.exists()


DEEP_FILES = {
    "bibtex": "@article{k, title = {" + "{" * 5000 + "x" + "}" * 5000 + "}, year = 2020}\n",
    "csl-json": "[" * 10_000 + "]" * 10_000,
}


def _previewed(client, capture, upload, format: str) -> dict:  # type: ignore[no-untyped-def]
    """The status of an upload once its preview task has read it (the task runs on commit)."""
    with capture(execute=True):
        response = client.post(
            f"{API}/references/import/preview/", {"file": upload, "format": format}
        )
    assert response.status_code == 202, response.json()
    return client.get(response.json()["status_url"]).json()


@pytest.mark.parametrize("format", DEEP_FILES)
def test_a_deeply_nested_reference_file_is_refused_by_name(
    editor, format, django_capture_on_commit_callbacks
):
    upload = SimpleUploadedFile("refs.txt", DEEP_FILES[format].encode())
    job = _previewed(client_for(editor), django_capture_on_commit_callbacks, upload, format)
    # Read by the preview task, not the request: its reading fails, saying why.
    assert job["state"] == "failed"
    assert re.search(r"nest(ed)? more than \d+ levels deep", job["error"])


def test_bibtex_nested_as_deep_as_the_limit_still_imports():
    depth = MAX_BRACE_DEPTH - 1  # the entry's own braces are the first level
    braces = "{" * depth + "x" + "}" * depth
    text = f"@article{{k, title = {braces}, author = {{Doe, Jane}}, year = 2020}}\n"
    [record] = records_parse(data=text, format="bibtex")
    assert record.csl["title"] == "x"


def test_an_import_over_the_file_limit_says_the_limit(editor, settings):
    # Over the file limit but under the upload views' request limit: the form's error.
    assert import_too_large() == (
        "The file is larger than 100 MB: split it and import it in parts."
    )
    settings.REFERENCE_IMPORT_MAX_BYTES = 6 * 1024 * 1024  # a smaller limit: a smaller file
    upload = SimpleUploadedFile("refs.ris", b"TY  - JOUR\n" + b"x" * 6 * 1024 * 1024)
    response = client_for(editor).post(
        f"{API}/references/import/preview/", {"file": upload, "format": "ris"}
    )
    assert response.status_code == 400
    assert response.json() == {"file": [import_too_large()]}
    assert "larger than 6 MB" in import_too_large()


def test_an_upload_over_the_request_limit_is_a_413_naming_the_limit(editor, settings):
    settings.IMPRIMATUR_UPLOAD_MAX_BYTES = 6 * 1024 * 1024  # a smaller limit: a smaller file
    upload = SimpleUploadedFile("refs.ris", b"x" * (7 * 1024 * 1024))
    response = client_for(editor).post(
        f"{API}/references/import/preview/", {"file": upload, "format": "ris"}
    )
    assert response.status_code == 413
    assert "larger than 6 MB" in response.json()["detail"]
    # Any other view keeps the general limit.
    again = SimpleUploadedFile("refs.ris", b"x" * (7 * 1024 * 1024))
    other = client_for(editor).post(f"{API}/articles/", {"file": again})
    assert other.status_code == 413
    assert "larger than 5 MB" in other.json()["detail"]


@pytest.mark.parametrize("title", ["Knee\npain", "Knee pain\r\nin runners", "Knee\u2028pain"])
def test_a_title_with_a_line_break_is_refused_through_the_api(editor, draft, title):
    client = client_for(editor)
    created = client.post(f"{API}/articles/", {"title": title, "topic": ""}, format="json")
    assert created.status_code == 400
    assert _reason_messages(created) == [LINE_BREAK_REFUSED]
    edited = client.patch(f"{API}/articles/{draft.article_id}/", {"title": title}, format="json")
    assert edited.status_code == 400
    assert _reason_messages(edited) == [LINE_BREAK_REFUSED]
    assert list(Article.objects.values_list("title", flat=True)) == [draft.article.title]


def test_a_title_with_a_line_break_is_a_form_error_in_the_workspace(editor):
    client = Client()
    client.force_login(editor)
    response = client.post("/editorial/articles/new/", {"title": "Knee\r\npain", "topic": ""})
    assert response.status_code == 400
    assert LINE_BREAK_REFUSED in response.content.decode()
    assert not Article.objects.exists()


def test_a_stored_title_with_a_line_break_still_gets_its_notifications(
    editor, mailoutbox, django_capture_on_commit_callbacks
):
    colleague = EditorFactory()
    revision = RevisionFactory(author=editor, article__title="Knee\r\npain\u2028 in runners")
    with django_capture_on_commit_callbacks(execute=True):
        workflow.revision_submit(revision=revision, actor=editor)
    [message] = mailoutbox
    assert message.to == [colleague.email]
    assert message.subject.startswith("[Imprimatur] Knee pain in runners: ")


ODD_CSL = [
    ({"note": ["a", "b"]}, "`note` must be a text or a number, not a list"),
    ({"publisher-place": {"city": "Oslo"}}, "`publisher-place` must be a text or a number"),
    ({"translator": ["Doe"]}, "`translator` must be a list of names"),
    ({"submitted": "2020"}, "`submitted` must be {'date-parts'"),
    ({"categories": ["knee", 3]}, "`categories` must be a text or a number"),
]


@pytest.mark.parametrize(("extra", "message"), ODD_CSL)
def test_a_csl_item_outside_the_schema_is_refused_saying_which_field(editor, extra, message):
    csl = {"type": "article-journal", "title": "Hip pain", **extra}
    response = client_for(editor).post(
        f"{API}/references/", {"key": "hip", "type": "research", "csl": csl}, format="json"
    )
    assert response.status_code == 400
    assert message in response.json()["detail"]
    assert not Reference.objects.exists()


def test_a_csl_json_record_with_an_object_in_a_text_variable_is_listed_not_imported(
    editor, django_capture_on_commit_callbacks
):
    items = [{"id": "a", "type": "book", "title": "Fine", "language": ["en"]},
             {"id": "b", "type": "book", "title": "Odd", "abstract": {"x": 1}}]  # fmt: skip
    upload = SimpleUploadedFile("refs.json", json.dumps(items).encode())
    client = client_for(editor)
    job = _previewed(client, django_capture_on_commit_callbacks, upload, "csl-json")
    records = client.get(job["records_url"]).json()["results"]
    # A list of texts is joined; an object where CSL wants a text refuses that record only.
    assert [(r["status"], r["csl"].get("language")) for r in records] == [
        ("new", "en"),
        ("refused", None),
    ]
    assert records[1]["number"] == 2
    assert records[1]["reason"].startswith("The CSL-JSON `abstract` must be a text")


def test_a_stored_reference_with_odd_csl_still_shows_its_page(editor):
    version = ReferenceFactory(key="odd2019").current_version
    odd = {"note": ["a", "b"], "language": ["en"], "translator": ["Doe", {"family": "Roe"}],
           "submitted": {"date-parts": "2020"}, "abstract": {"x": 1}}  # fmt: skip
    ReferenceVersion.objects.filter(pk=version.pk).update(csl={**version.csl, **odd})
    client = Client()
    client.force_login(editor)
    response = client.get(f"/editorial/references/{version.reference_id}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "a; b" in page
    assert "Doe; Roe" in page
    assert client.get(f"/editorial/references/{version.reference_id}/edit/").status_code == 200
    assert client_for(editor).get(f"{API}/references/{version.reference_id}/").status_code == 200


def test_a_nul_in_a_form_encoded_api_patch_is_refused(editor, draft):
    response = client_for(editor).patch(
        f"{API}/articles/{draft.article_id}/",
        "topic=Knee%00",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert _reason_messages(response) == [NUL_REFUSED]
    draft.article.refresh_from_db()
    assert "\x00" not in draft.article.topic


def test_unicode_digits_in_the_workspace_compare_are_a_400_page(editor, draft):
    client = Client()
    client.force_login(editor)
    response = client.get(f"/editorial/articles/{draft.article_id}/compare/", {"to": "²"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "²" in page
    assert "invalid literal" not in page  # int("²") once failed inside the view


def test_a_nul_audience_on_an_article_page_is_a_400(draft):
    response = Client().get("/articles/any-slug/", {"audience": "pat\x00ient"})
    assert response.status_code == 400
    assert "NUL character" in response.content.decode()


def test_a_workspace_upload_over_the_request_limit_is_a_413_page(editor, settings):
    settings.IMPRIMATUR_UPLOAD_MAX_BYTES = 6 * 1024 * 1024
    client = Client()
    client.force_login(editor)
    upload = SimpleUploadedFile("refs.ris", b"x" * (7 * 1024 * 1024))
    response = client.post("/editorial/references/import/", {"file": upload, "format": "ris"})
    assert response.status_code == 413
    page = response.content.decode()
    assert "larger than 6 MB" in page
    assert "Search the articles" in page
    assert not Reference.objects.exists()


def test_a_workspace_file_over_the_import_limit_is_a_form_error_naming_it(editor, settings):
    settings.REFERENCE_IMPORT_MAX_BYTES = 6 * 1024 * 1024
    client = Client()
    client.force_login(editor)
    upload = SimpleUploadedFile("refs.ris", b"TY  - JOUR\n" + b"x" * 6 * 1024 * 1024)
    response = client.post("/editorial/references/import/", {"file": upload, "format": "ris"})
    assert response.status_code == 400
    assert "The file is larger than 6 MB" in response.content.decode()
    assert not ImportUpload.objects.exists()


def test_a_workspace_file_of_several_megabytes_is_previewed(editor):
    # Over the general request limit (5 MB), under the import's: read, not refused.
    record = "TY  - JOUR\nTI  - A long abstract\nAB  - " + "word " * 1000 + "\nER  - \n\n"
    text = record * (6 * 1024 * 1024 // len(record) + 1)
    client = Client()
    client.force_login(editor)
    upload = SimpleUploadedFile("refs.ris", text.encode())
    response = import_post(
        client, "/editorial/references/import/", {"file": upload, "format": "ris"}
    )
    assert response.status_code == 200
    assert "1 new, 0 already" not in response.content.decode()
    assert "Repeats an earlier record of this file." in response.content.decode()


def test_form_fields_over_the_data_limit_are_a_413_naming_it(settings, editor):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    client = Client()
    client.force_login(editor)
    response = client.post("/editorial/articles/new/", {"title": "x" * 1_100_000, "topic": ""})
    assert response.status_code == 413
    assert "more than 1 MB" in response.content.decode()
    assert not Article.objects.exists()
