"""The preview runs as a task too (issue 13, point 5): the upload is stored and a task reads it
in batches into preview rows (the upload "reading" meanwhile, with its counts), repeats within
the file found across batches; the editor's bulk choices and overrides stay on the rows, and
the import task reads them from there."""

import pytest

from articles.models import ImportPreviewRow, OutboxMessage, Reference
from articles.references.importing import import_job_run
from articles.references.importing.previewing import (
    NEW,
    PREVIEW_TOPIC,
    REFUSED,
    SKIP,
    VERSION,
    import_file_upload,
    import_preview_choose_all,
    import_preview_confirm,
    import_preview_counts,
    import_preview_page,
    import_preview_rows_choose,
    import_preview_run,
)
from articles.references.importing.records import ImportInvalid
from articles.references.models import ImportState
from tests.factories import ReferenceFactory


def _ris(count: int, first: int = 1) -> str:
    return "".join(
        f"TY  - JOUR\nAU  - Author{n}, A\nTI  - Reading outcome {n}\nPY  - 2020\n"
        f"DO  - 10.1000/read.{n}\nER  - \n\n"
        for n in range(first, first + count)
    )


BROKEN = "TY  - JOUR\nAU  - Nobody, A\nPY  - 2020\nDO  - not-a-doi\nER  - \n\n"


def _mixed() -> str:
    """Records 1-3 good; 4 broken; 5 repeats record 1's DOI; 6 has the title and year of the
    library's reference "known" but another DOI; 7 the same title and year as record 2 but
    another DOI; 8 good."""
    return (
        _ris(3)
        + BROKEN
        + "TY  - JOUR\nTI  - Reading outcome 1 again\nPY  - 2021\nDO  - 10.1000/READ.1\nER  - \n\n"
        + "TY  - JOUR\nTI  - Known title\nPY  - 2019\nDO  - 10.1000/other\nER  - \n\n"
        + "TY  - JOUR\nTI  - Reading outcome 2\nPY  - 2020\nDO  - 10.1000/twin.2\nER  - \n\n"
        + _ris(1, first=8)
    )


def _upload(editor, text: str):  # type: ignore[no-untyped-def]
    return import_file_upload(actor=editor, format="ris", filename="mixed.ris", text=text)


def test_the_upload_reads_nothing_and_queues_the_preview(editor):
    upload = _upload(editor, _ris(3))
    assert upload.state == ImportState.READING
    assert upload.records_read == 0
    message = OutboxMessage.objects.get(topic=PREVIEW_TOPIC)
    assert message.payload == {"upload_id": upload.pk}
    assert message.task == "articles.tasks.preview_references"
    assert not ImportPreviewRow.objects.exists()


def test_a_mixed_file_through_reading_preview_choices_and_import(editor):
    ReferenceFactory(key="known", title="Known title", year=2019)
    upload = _upload(editor, _mixed())
    # Batches of 2: record 5 repeats record 1 and record 7 record 2, from later batches.
    upload = import_preview_run(upload_id=upload.pk, batch_size=2)
    assert upload.state == ImportState.PREVIEWED
    assert (upload.records_read, upload.records_refused, upload.records_total) == (8, 1, 8)
    rows = {row.number: row for row in ImportPreviewRow.objects.filter(upload=upload)}
    assert {n: row.status for n, row in rows.items()} == {
        1: "new",
        2: "new",
        3: "new",
        4: REFUSED,
        5: "duplicate",
        6: "possible",
        7: "possible",
        8: "new",
    }
    assert rows[4].first_line.endswith("TY  - JOUR")
    assert "needs a title" in rows[4].reason
    assert rows[5].matches == ["record 1"]
    assert rows[6].matches == ["known"]
    assert rows[6].matched_reference_id == Reference.objects.get(key="known").pk
    assert rows[7].matches == ["record 2"]
    assert rows[1].csl["title"] == "Reading outcome 1"
    assert import_preview_counts(upload) == {
        "new": 4,
        "duplicate": 1,
        "conflict": 0,
        "possible": 2,
        REFUSED: 1,
    }
    page = import_preview_page(upload, ["possible", "duplicate"])
    assert [row.number for row in page] == [5, 6, 7]

    # Bulk: every possible duplicate imported as new; then record 7 skipped and record 3 too.
    assert import_preview_choose_all(upload=upload, status="possible", choice=NEW) == 2
    import_preview_rows_choose(upload=upload, choices={7: SKIP})
    import_preview_rows_choose(upload=upload, choices={3: SKIP})
    with pytest.raises(ImportInvalid, match="Record 5"):
        import_preview_rows_choose(upload=upload, choices={5: NEW})
    with pytest.raises(ImportInvalid, match="Record 4"):
        import_preview_rows_choose(upload=upload, choices={4: NEW})
    with pytest.raises(ImportInvalid, match="does not conflict"):
        import_preview_rows_choose(upload=upload, choices={6: VERSION + "other"})

    upload = import_preview_confirm(upload=upload, change_note="Imported")
    assert upload.state == ImportState.QUEUED
    assert upload.choices == {"rows": True, "change_note": "Imported"}
    upload = import_job_run(upload_id=upload.pk, batch_size=3)
    assert upload is not None
    assert upload.state == ImportState.DONE
    titles = set(
        Reference.objects.exclude(key="known").values_list("current_version__csl__title", flat=True)
    )
    assert titles == {"Reading outcome 1", "Reading outcome 2", "Known title", "Reading outcome 8"}
    assert (upload.records_read, upload.records_imported) == (8, 4)


def test_a_possible_duplicate_taken_as_a_new_version_of_the_library_reference(editor):
    known = ReferenceFactory(key="known", title="Known title", year=2019)
    upload = _upload(editor, _mixed())
    upload = import_preview_run(upload_id=upload.pk)
    import_preview_rows_choose(upload=upload, choices={6: VERSION + "known"})
    import_preview_choose_all(upload=upload, status="new", choice=SKIP)
    import_job_run(upload_id=import_preview_confirm(upload=upload, change_note="Fixed").pk)
    known.refresh_from_db()
    assert known.current_version.number == 2
    assert known.current_version.doi == "10.1000/other"
    assert Reference.objects.count() == 1


def test_nothing_chosen_is_refused_and_a_bulk_new_for_duplicates_too(editor):
    upload = import_preview_run(upload_id=_upload(editor, _ris(2)).pk)
    with pytest.raises(ImportInvalid):
        import_preview_choose_all(upload=upload, status="duplicate", choice=NEW)
    import_preview_choose_all(upload=upload, status="new", choice=SKIP)
    with pytest.raises(ImportInvalid, match="Choose at least one"):
        import_preview_confirm(upload=upload, change_note="")


def test_a_file_of_no_records_fails_its_reading(editor):
    upload = import_preview_run(upload_id=_upload(editor, "\n\n").pk)
    assert upload.state == ImportState.FAILED
    assert upload.error


def test_a_reading_that_stopped_goes_on_after_its_last_finished_batch(editor):
    upload = _upload(editor, _ris(6))
    import_preview_run(upload_id=upload.pk, batch_size=2)
    # As if the worker had stopped after two batches: the third is read again, only it.
    ImportPreviewRow.objects.filter(upload=upload, number__gt=4).delete()
    type(upload).objects.filter(pk=upload.pk).update(
        state=ImportState.READING, batches_done=2, records_read=4
    )
    upload = import_preview_run(upload_id=upload.pk, batch_size=2)
    assert upload.records_read == 6
    assert ImportPreviewRow.objects.filter(upload=upload).count() == 6


@pytest.mark.parametrize(("batches", "queries"), [(2, 22), (4, 38)])
def test_queries_per_preview_batch_are_constant(
    editor, batches, queries, django_assert_num_queries
):
    upload = _upload(editor, BROKEN + _ris(3 * batches - 1))
    # The upload, the file's pieces listed and read (one piece here), then read back and
    # marked previewed; per batch 8: savepoint, lock, the earlier rows sharing a key, the
    # library's identifiers and titles, the rows written, the counters, release.
    with django_assert_num_queries(queries):
        import_preview_run(upload_id=upload.pk, batch_size=3)
    upload.refresh_from_db()
    assert (upload.records_read, upload.records_refused) == (3 * batches, 1)


def test_a_confirm_while_the_file_is_read_says_so(editor):
    upload = _upload(editor, _ris(3))  # reading, its task not run
    with pytest.raises(ImportInvalid, match="still being read"):
        import_preview_confirm(upload=upload, change_note="")
    import_preview_run(upload_id=upload.pk)
    upload.refresh_from_db()
    import_preview_confirm(upload=upload, change_note="")
    with pytest.raises(ImportInvalid, match="already confirmed"):
        import_preview_confirm(upload=upload, change_note="")
