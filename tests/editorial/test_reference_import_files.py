"""Importing real-world files through the workspace (issue 13): a record that cannot be read is
listed and the others import; a file of any number of records confirms by its token; matches
by identifier and by title are told apart, and the editor decides each; a MEDLINE retraction
is taken through the version and propagation path."""

import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from articles.models import ImportChunk, ImportUpload, Reference, ReferenceStatus, ReviewStatus
from articles.references.importing import import_job_run
from articles.references.importing.previewing import import_preview_run
from articles.references.services import reference_create, reference_version_create
from editorial import workflow
from tests.editorial.test_reference_propagation import (  # noqa: F401 (fixtures)
    KEY,
    citing,
    flagged_articles,
    librarian_fixture,
    reference_fixture,
)
from tests.factories import EditorFactory
from tests.importing import import_post

IMPORT = reverse("editorial:reference_import")
CONFIRM = reverse("editorial:reference_import_confirm")
CORPUS = Path(__file__).parent.parent / "articles" / "reference_corpus"


def _preview(client, text: str, name: str):  # type: ignore[no-untyped-def]
    upload = SimpleUploadedFile(name, text.encode())
    return import_post(client, IMPORT, {"file": upload, "format": ""})


def _token(response) -> str:  # type: ignore[no-untyped-def]
    return re.search(r'name="upload" value="([^"]+)"', response.content.decode()).group(1)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", html.replace("&#x27;", "'").replace("&quot;", '"'))


def test_a_file_mixing_good_and_broken_records_imports_the_good_ones(
    client, editor, import_confirm
):
    scopus = (CORPUS / "ris/asreview/scopus.ris").read_text()
    records = scopus.split("ER  -")
    # Record 3 gets a DOI that is none, record 5 loses its title: both are listed, not imported.
    records[2] = records[2].replace("\nDO  - ", "\nDO  - not-a-doi\nXX  - ", 1)
    records[4] = re.sub(r"\nTI  - [^\n]*", "", records[4], count=1)
    client.force_login(editor)
    preview = _preview(client, "ER  -".join(records), "scopus.ris")
    assert preview.status_code == 200
    html = _text(preview.content.decode())
    assert "4 records read — 4 new" in html
    assert "2 records cannot be read (listed with the reason)" in html
    assert re.search(r"Record 3 — <code>line \d+: TY - JOUR</code>: 'not-a-doi' is not a DOI", html)
    assert re.search(r"Record 5 — <code>line \d+: TY - JOUR</code>: The CSL-JSON item needs", html)
    done = import_confirm({"upload": _token(preview)})
    assert 'data-count="imported">4</dd>' in done.content.decode()
    assert 'data-count="refused">2</dd>' in done.content.decode()
    assert Reference.objects.count() == 4
    assert not ImportChunk.objects.exists()  # the kept file goes once imported


def test_a_medline_file_with_a_stray_line_spoils_only_its_record(client, editor):
    text = (CORPUS / "broken/MedlinePlainImporterStringOutOfBounds.nbib").read_text()
    client.force_login(editor)
    html = _text(_preview(client, text, "pubmed.nbib").content.decode())
    assert "Record 1 — <code>line 2: PMID - 27433151</code>: line 3 is neither" in html
    assert "This is also a test title" in html  # record 2 is read


def test_more_than_a_thousand_records_confirm_with_the_token_alone(client, editor, import_confirm):
    text = "".join(
        f"TY  - JOUR\nTI  - Outcome {n} of graded loading\nPY  - 2020\nAB  - {'word ' * 60}\n"
        f"ER  - \n\n"
        for n in range(1, 1301)
    )
    client.force_login(editor)
    preview = _preview(client, text, "big.ris")
    assert "1300 records read — 1300 new" in _text(preview.content.decode())
    # One skipped record: the form sends the token and that record's choice, nothing else
    # (the choices of the records on other pages are kept on the server).
    done = import_confirm({"upload": _token(preview), "choice_7": "skip"})
    assert 'data-count="imported">1299</dd>' in done.content.decode()
    assert not Reference.objects.filter(current_version__title="Outcome 7 of graded loading")


def test_a_13_digit_accession_number_is_kept_never_a_pmid(client, editor, import_confirm):
    text = (
        "TY  - JOUR\nTI  - Kept as it is\nAN  - 1234567890123\nPY  - 2021\nER  - \n\n"
        "TY  - JOUR\nTI  - From PubMed\nDB  - PubMed\nAN  - 1234567890123\nER  - \n"
    )
    client.force_login(editor)
    preview = _preview(client, text, "wos.ris")
    html = _text(preview.content.decode())
    # From PubMed the accession number is a PMID, and this one is too long for one.
    assert "Record 2 — <code>line 7: TY - JOUR</code>: '1234567890123' is not a PMID" in html
    done = import_confirm({"upload": _token(preview)}, follow=False)
    assert done.status_code == 302
    version = Reference.objects.get().current_version
    assert (version.pmid, version.csl["archive_location"]) == ("", "1234567890123")


def test_a_preview_is_only_its_uploaders(client, editor):
    client.force_login(editor)
    token = _token(_preview(client, "TY  - JOUR\nTI  - Mine\nER  - \n", "a.ris"))
    client.force_login(EditorFactory())
    refused = client.post(CONFIRM, {"upload": token}, follow=True)
    assert "This preview has expired or is not yours" in refused.content.decode()
    assert not Reference.objects.exists()


def test_same_identifier_in_any_spelling_is_a_duplicate(client, editor):
    reference_create(
        key="bmj-letter",
        actor=editor,
        type="research",
        csl={"type": "article-journal", "title": "A letter", "issued": {"date-parts": [[2020]]}},
        doi="10.1136/BMJ.m1234",
        pmcid="PMC123",
    )
    text = (
        "TY  - JOUR\nTI  - A letter\nPY  - 2020\nDO  - https://www.doi.org/10.1136/bmj.M1234.\n"
        "ER  - \n\nTY  - JOUR\nTI  - Another\nC2  - PMCID: PMC123\nER  - \n"
    )
    client.force_login(editor)
    html = _text(_preview(client, text, "a.ris").content.decode())
    # Both match bmj-letter: by its DOI (another case, a link, a full stop) and its PMCID.
    assert "0 new, 0 already in the library or repeated, 2 conflicting, 0 possible" in html
    assert html.count("Same identifier, but different data.") == 2


def test_same_title_and_year_with_other_identifiers_is_a_possible_duplicate(
    client, editor, import_confirm
):
    letter = reference_create(
        key="bmj-letter",
        actor=editor,
        type="research",
        csl={
            "type": "article-journal",
            "title": "Masks in schools",
            "author": [{"family": "Lee"}],
            "container-title": "BMJ",
            "issued": {"date-parts": [[2021]]},
        },
        doi="10.1136/bmj.n100",
    ).version.reference
    text = (
        "TY  - JOUR\nTI  - Masks in schools\nAU  - Lee, A\nPY  - 2021\nDO  - 10.1136/bmj.n200\n"
        "ER  - \n\nTY  - JOUR\nTI  - Masks in schools\nPY  - 2021\nER  - \n\n"
        "TY  - JOUR\nTI  - Masks in schools\nPY  - 2021\nDO  - 10.1136/bmj.n300\nER  - \n"
    )
    client.force_login(editor)
    preview = _preview(client, text, "bmj.ris")
    html = _text(preview.content.decode())
    assert (
        "0 new, 0 already in the library or repeated, 0 conflicting, 3 possible duplicates" in html
    )
    # Shown beside the record: the reference it may duplicate, with its identifiers.
    assert "<code>bmj-letter</code>: Lee · 2021 · BMJ" in html
    assert "DOI 10.1136/bmj.n100" in html
    for index in (1, 2, 3):
        assert f'name="choice_{index}" value="skip" checked' in html
        assert f'name="choice_{index}" value="new"' in html
        assert f'name="choice_{index}" value="version:bmj-letter"' in html
    done = import_confirm(
        {
            "upload": _token(preview),
            "choice_1": "new",
            "choice_2": "skip",
            "choice_3": "version:bmj-letter",
            "change_note": "Corrected",
        }
    )
    assert 'data-count="imported">2</dd>' in done.content.decode()
    letter.refresh_from_db()
    assert (letter.current_version.number, letter.current_version.doi) == (2, "10.1136/bmj.n300")
    assert Reference.objects.get(current_version__doi="10.1136/bmj.n200")


def test_a_retraction_in_a_medline_file_flags_the_citing_articles(
    client, editor, librarian, reference, import_confirm
):
    revision = citing(editor, KEY)
    workflow.revision_submit(revision=revision, actor=editor)
    revision.refresh_from_db()
    assert revision.status == ReviewStatus.SUBMITTED
    reference_version_create(
        reference=reference,
        actor=librarian,
        csl=reference.current_version.csl,
        pmid="31000007",
        change_note="PMID added",
    )
    assert flagged_articles() == set()
    text = (
        "PMID- 31000007\nTI  - Ischiofemoral impingement: the evidence so far.\nDP  - 2020\n"
        "PT  - Journal Article\nPT  - Retracted Publication\n"
        "RIN - Am J Sports Med. 2021;49(2):1. PMID: 31000099\n"
    )
    client.force_login(librarian)
    preview = _preview(client, text, "pubmed.nbib")
    html = _text(preview.content.decode())
    assert "Same identifier: the file marks it retracted." in html
    assert f'name="choice_1" value="version:{KEY}" checked' in html  # taken unless skipped
    import_confirm({"upload": _token(preview), "choice_1": f"version:{KEY}"})
    reference.refresh_from_db()
    assert reference.current_version.status == ReferenceStatus.RETRACTED
    assert flagged_articles() == {revision.article_id}


def test_a_new_medline_record_marked_retracted_imports_retracted(client, editor, import_confirm):
    text = "PMID- 31000008\nTI  - Withdrawn trial\nDP  - 2019\nPT  - Retracted Publication\n"
    client.force_login(editor)
    preview = _preview(client, text, "pubmed.nbib")
    assert "Retracted" in preview.content.decode()
    import_confirm({"upload": _token(preview)})
    assert Reference.objects.get().current_version.status == ReferenceStatus.RETRACTED


def _library_and_file(editor, size: int) -> str:  # type: ignore[no-untyped-def]
    """`size` references in the library, and a file repeating half of them (one by DOI, one
    by title only) and adding as many new records."""
    lines = []
    for n in range(size):
        reference_create(
            key=f"lib{n}",
            actor=editor,
            type="research",
            csl={
                "type": "article-journal",
                "title": f"Library work {n}",
                "issued": {"date-parts": [[2020]]},
            },
            doi=f"10.1000/lib.{n}",
        )
        if n % 2:
            lines.append(
                f"TY  - JOUR\nTI  - Other {n}\nPY  - 2020\nDO  - 10.1000/LIB.{n}\nER  - \n"
            )
        else:
            lines.append(
                f"TY  - JOUR\nAU  - Lib{n}, A\nTI  - Library work {n}\nPY  - 2020\nER  - \n"
            )
        lines.append(f"TY  - JOUR\nAU  - New{n}, A\nTI  - New work {n}\nPY  - 2021\nER  - \n")
    lines.append("TY  - JOUR\nTI  - Broken\nDO  - nope\nER  - \n")
    return "\n".join(lines)


@pytest.mark.parametrize("size", [4, 40])
def test_the_preview_and_its_confirm_query_count_does_not_grow(
    client, editor, size, django_assert_num_queries
):
    text = _library_and_file(editor, size)
    client.force_login(editor)
    client.get(IMPORT)  # session and user loaded once
    upload = {"file": SimpleUploadedFile("library.ris", text.encode()), "format": ""}
    # session, user, roles; expired previews looked for; the file kept (the upload, its one
    # piece of 1 MB, its size, two savepoints); the reading queued (the upload, the outbox
    # message, two savepoints); the upload read back: nothing of the file is read
    with django_assert_num_queries(14):
        response = client.post(IMPORT, upload)
    import_preview_run(upload_id=ImportUpload.objects.get().pk)  # the worker
    # session, user, roles; the upload; counts by status and by choice; the page of (at most)
    # 50 rows and its count; the references they match; free keys for the new ones; the
    # inbox's badge
    with django_assert_num_queries(11):
        preview = client.get(response["Location"])
    assert f"{size} new" in _text(preview.content.decode())
    token = _token(preview)
    # session, user, roles, the upload; no choice posted, none kept; rows chosen, a reference
    # chosen twice; savepoint, the upload queued, the outbox message, savepoint; read back
    with django_assert_num_queries(11):
        done = client.post(CONFIRM, {"upload": token})
    assert done.status_code == 302
    # Then the task (one batch here): the upload, its editor, started; the file's pieces listed
    # and read; the batch locked, the rows' choices, identifiers and titles for its choices,
    # the confirm's and the import's; free keys, the bulk writes, savepoints; counters; done,
    # the pieces dropped, savepoints
    with django_assert_num_queries(32):
        import_job_run(upload_id=ImportUpload.objects.get().pk)
    assert Reference.objects.count() == 2 * size
