"""A confirmed import runs as a task (issue 13, point 5): in batches, each in its own
transaction with the counters, resumed after the last finished batch, its progress on the page
(htmx polling) and in the API, only for its uploader."""

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from articles.models import OutboxMessage, Reference
from articles.references.importing import (
    IMPORT_TOPIC,
    import_job_run,
    import_job_start,
    import_preview,
    import_upload_store,
    upload_parse,
)
from articles.references.models import ImportChunk, ImportState, ImportUpload
from articles.tasks import expire_import_uploads
from tests.editorial.test_api import API, client_for
from tests.factories import EditorFactory
from tests.importing import import_post


def _ris(count: int, first: int = 1) -> str:
    return "".join(
        f"TY  - JOUR\nAU  - Author{n}, A\nTI  - Loading outcome {n}\nPY  - 2020\n"
        f"DO  - 10.1000/job.{n}\nER  - \n\n"
        for n in range(first, first + count)
    )


def _queued(editor, text: str) -> ImportUpload:  # type: ignore[no-untyped-def]
    """An upload confirmed with every record imported as new (the task not run yet)."""
    upload = import_upload_store(actor=editor, text=text, format="ris", filename="job.ris")
    parsed = upload_parse(upload)
    return import_job_start(
        upload=upload,
        records=parsed.records,
        preview=import_preview(records=parsed.records, failures=parsed.failures),
        confirmed=[r.index for r in parsed.records],
        new_versions={},
        change_note="Imported",
    )


def test_the_confirm_queues_the_task_through_the_outbox(editor):
    upload = _queued(editor, _ris(3))
    assert upload.state == ImportState.QUEUED
    assert upload.records_total == 3
    message = OutboxMessage.objects.get(topic=IMPORT_TOPIC)
    assert message.payload == {"upload_id": upload.pk}
    assert message.task == "articles.tasks.import_references"
    assert Reference.objects.count() == 0  # nothing written before the task runs


@pytest.mark.parametrize(("batches", "queries"), [(2, 52), (4, 94)])
def test_queries_per_batch_are_constant(editor, batches, queries, django_assert_num_queries):
    upload = _queued(editor, _ris(5 * batches))
    # The upload, its editor, started, done, read back; the file's pieces listed and read (one
    # piece here), dropped once done, two savepoints; per batch 21: lock, the batch's
    # choices, the confirm's and the import's previews (two each), free keys, bulk writes of
    # references, versions, current versions and identifiers, savepoints, counters.
    with django_assert_num_queries(queries):
        import_job_run(upload_id=upload.pk, batch_size=5)
    upload.refresh_from_db()
    assert (upload.state, upload.batches_done) == (ImportState.DONE, batches)
    assert (upload.records_read, upload.records_imported, upload.records_refused) == (
        5 * batches,
        5 * batches,
        0,
    )
    assert not ImportChunk.objects.exists()  # the file is not kept once imported
    assert Reference.objects.count() == 5 * batches


def test_a_run_that_stopped_resumes_after_its_last_finished_batch(editor):
    upload = _queued(editor, _ris(9))
    # A worker went away after writing the first batch (records 1-3): its counters say so.
    first = ImportUpload.objects.filter(pk=upload.pk)
    first.update(state=ImportState.RUNNING, batches_done=1, records_read=3, records_imported=3)
    import_job_run(upload_id=upload.pk, batch_size=3)
    titles = set(Reference.objects.values_list("current_version__title", flat=True))
    assert titles == {f"Loading outcome {n}" for n in range(4, 10)}
    upload.refresh_from_db()
    assert (upload.records_read, upload.records_imported, upload.state) == (9, 9, "done")
    # Sent again (the outbox's lease), a finished import does nothing.
    assert import_job_run(upload_id=upload.pk, batch_size=3) is None
    assert Reference.objects.count() == 6


def test_a_record_made_a_duplicate_meanwhile_is_refused_and_the_others_import(editor):
    upload = _queued(editor, _ris(4))
    # Another import takes record 2 after this one was confirmed.
    other = import_upload_store(actor=editor, text=_ris(1, first=2), format="ris")
    records = upload_parse(other).records
    import_job_start(
        upload=other,
        records=records,
        preview=import_preview(records=records),
        confirmed=[1],
        new_versions={},
        change_note="",
    )
    import_job_run(upload_id=other.pk)
    import_job_run(upload_id=upload.pk, batch_size=2)
    upload.refresh_from_db()
    assert (upload.records_read, upload.records_imported, upload.records_refused) == (4, 3, 1)
    assert Reference.objects.count() == 4


def test_the_page_polls_while_the_import_runs_and_stops_when_done(client, editor):
    upload = _queued(editor, _ris(2))
    client.force_login(editor)
    page = client.get(reverse("editorial:reference_import_job", args=[upload.token]))
    html = page.content.decode()
    progress = reverse("editorial:reference_import_progress", args=[upload.token])
    assert f'hx-get="{progress}" hx-trigger="every 1s"' in html
    assert re.search(r'<progress max="2" value="0">', html)
    import_job_run(upload_id=upload.pk)
    partial = client.get(progress).content.decode()
    assert "hx-trigger" not in partial  # done: no more polling
    assert '<progress max="2" value="2">' in partial
    assert 'data-count="imported">2</dd>' in partial
    assert "<html" not in partial  # the partial alone


def test_the_api_status_answers_the_counts_to_its_uploader_only(editor):
    upload = _queued(editor, _ris(2) + "TY  - JOUR\nTI  - Broken\nDO  - nope\nER  - \n")
    url = f"{API}/references/import/{upload.token}/"
    queued = client_for(editor).get(url)
    assert queued.status_code == 200
    assert queued.json()["state"] == "queued"
    import_job_run(upload_id=upload.pk)
    data = client_for(editor).get(url).json()
    assert {k: data[k] for k in ("state", "records_total", "records_read")} == {
        "state": "done",
        "records_total": 3,
        "records_read": 3,
    }
    assert (data["records_imported"], data["records_refused"]) == (2, 1)
    assert client_for(EditorFactory()).get(url).status_code == 404


def test_the_workspace_confirm_runs_the_import_and_shows_its_page(client, editor, import_confirm):
    client.force_login(editor)
    preview = import_post(
        client,
        reverse("editorial:reference_import"),
        {"file": SimpleUploadedFile("a.ris", _ris(3).encode()), "format": "", "text": ""},
    )
    token = re.search(r'name="upload" value="([^"]+)"', preview.content.decode()).group(1)
    done = import_confirm({"upload": token})
    assert done.request["PATH_INFO"] == reverse("editorial:reference_import_job", args=[token])
    assert 'data-state="done"' in done.content.decode()
    assert Reference.objects.count() == 3
    # Confirmed once: the same form again (a second press, the back button) shows the import.
    again = client.post(reverse("editorial:reference_import_confirm"), {"upload": token})
    assert again.status_code == 302
    assert again["Location"] == reverse("editorial:reference_import_job", args=[token])
    assert Reference.objects.count() == 3


def test_an_import_that_cannot_go_on_is_failed_and_the_page_stops_waiting(client, editor):
    upload = _queued(editor, _ris(4))
    # A kept file the task cannot read (here a format no parser knows): not a transient
    # error, so running it again would fail again.
    ImportUpload.objects.filter(pk=upload.pk).update(format="unknown")
    with pytest.raises(ValueError, match="unknown"):
        import_job_run(upload_id=upload.pk)
    upload.refresh_from_db()
    assert upload.state == ImportState.FAILED
    assert upload.error.startswith("The import stopped: 'unknown' is not a valid ImportFormat")
    client.force_login(editor)
    page = client.get(reverse("editorial:reference_import_job", args=[upload.token]))
    assert "hx-trigger" not in page.content.decode()
    assert "The import stopped" in page.content.decode()


def test_old_previews_go_but_an_import_under_way_stays(editor):
    running = _queued(editor, _ris(2))
    old_preview = import_upload_store(actor=editor, text=_ris(1), format="ris")
    long_ago = timezone.now() - timedelta(hours=7)
    ImportUpload.objects.filter(pk__in=[running.pk, old_preview.pk]).update(created_at=long_ago)
    import_upload_store(actor=editor, text=_ris(1), format="ris")  # drops what expired
    assert ImportUpload.objects.filter(pk=running.pk).exists()
    assert not ImportUpload.objects.filter(pk=old_preview.pk).exists()
    import_job_run(upload_id=running.pk)
    assert Reference.objects.count() == 2


def test_beat_deletes_expired_uploads_and_their_pieces_hourly(editor, settings):
    entry = settings.CELERY_BEAT_SCHEDULE["expire-import-uploads"]
    assert (entry["task"], entry["schedule"]) == (expire_import_uploads.name, timedelta(hours=1))
    old = import_upload_store(actor=editor, text=_ris(1), format="ris")
    running = _queued(editor, _ris(1))
    fresh = import_upload_store(actor=editor, text=_ris(1), format="ris")
    hours_ago = timezone.now() - timedelta(hours=7)
    ImportUpload.objects.filter(pk__in=[old.pk, running.pk]).update(created_at=hours_ago)
    assert expire_import_uploads.delay().get() == 1
    assert set(ImportUpload.objects.values_list("pk", flat=True)) == {running.pk, fresh.pk}
    assert set(ImportChunk.objects.values_list("upload_id", flat=True)) == {running.pk, fresh.pk}
