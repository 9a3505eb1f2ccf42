"""A confirmed import, run as a task: the editor's choices are kept on the upload
(ImportUpload, the one store of the file), and `import_job_run` writes the records in batches,
each batch in its own transaction with the upload's counters, so the page and the API show
how far it is, and a run that stops (a worker gone) resumes after the last finished batch.

Each batch goes through `references_import_confirm`, the one rule for writing chosen records.
A chosen record that another import (or an earlier batch of the same file) made a duplicate
meanwhile is refused, counted, and the others go on.
"""

import gc
import uuid
from typing import Any

from django.db import transaction
from django.utils import timezone

from articles.batching import batches
from articles.errors import Conflict
from articles.outbox import TRANSIENT_ERRORS, outbox_put
from articles.references.importing.keys import BATCH_SIZE
from articles.references.importing.records import ImportInvalid, ImportRecord, RecordFailure
from articles.references.importing.service import (
    IMPORTABLE_AS_NEW,
    TAKEABLE_AS_VERSION,
    ImportPreview,
    import_preview,
    import_version_targets,
    references_import_confirm,
)
from articles.references.importing.streaming import items_read
from articles.references.importing.uploads import (
    import_upload_drop_file,
    upload_texts,
)
from articles.references.models import ImportPreviewRow, ImportState, ImportUpload

IMPORT_TOPIC = "reference-import.confirmed"
IMPORT_FAILED = "The import stopped: {problem}. What it imported before is kept."
MAX_PROBLEMS = 20  # the reasons kept on the upload for the editor
ALREADY_CONFIRMED = "This import was already confirmed."
NOT_IMPORTABLE = (
    "Record {index} ({label}) is {status}: only new records and possible duplicates can be "
    "imported as new."
)


def import_job_start(
    *,
    upload: ImportUpload,
    records: list[ImportRecord],
    preview: ImportPreview,
    confirmed: list[int],
    new_versions: dict[int, str],
    change_note: str,
) -> ImportUpload:
    """Check the editor's choices against the preview, keep them on the upload and queue the
    import (an outbox message, in the same transaction). Raises ImportInvalid naming the
    record, or when the upload was confirmed already."""
    import_version_targets(records=records, preview=preview, versions=new_versions)
    rows = {row.record.index: row for row in preview.rows}
    for index in confirmed:
        row = rows.get(index)
        if row is None or row.status not in IMPORTABLE_AS_NEW:
            label = row.record.label if row else str(index)
            status = row.status.value if row else "not in the file"
            raise ImportInvalid(NOT_IMPORTABLE.format(index=index, label=label, status=status))
    with transaction.atomic():
        queued = ImportUpload.objects.filter(pk=upload.pk, state=ImportState.PREVIEWED).update(
            state=ImportState.QUEUED,
            choices={
                "confirmed": sorted(confirmed),
                "new_versions": {str(i): key for i, key in new_versions.items()},
                "change_note": change_note,
            },
            records_total=len(records) + len(preview.failures),
        )
        if not queued:
            raise ImportInvalid(ALREADY_CONFIRMED)
        outbox_put(IMPORT_TOPIC, upload_id=upload.pk)
    upload.refresh_from_db()
    return upload


def _batch_choices(
    batch: list[ImportRecord], confirmed: set[int], versions: dict[int, str]
) -> tuple[list[int], dict[int, str], int]:
    """The batch's choices still possible now (new records still new, conflicts still
    conflicting with the reference chosen), and how many chosen records are not."""
    preview = import_preview(records=batch)
    new: list[int] = []
    taken: dict[int, str] = {}
    refused = 0
    for row in preview.rows:
        index = row.record.index
        if index in confirmed:
            if row.status in IMPORTABLE_AS_NEW:
                new.append(index)
            else:
                refused += 1
        elif index in versions:
            if row.status in TAKEABLE_AS_VERSION and versions[index] in row.matches:
                taken[index] = versions[index]
            else:
                refused += 1
    return new, taken, refused


def _batch_write(
    batch: list[ImportRecord],
    new: list[int],
    taken: dict[int, str],
    *,
    actor,  # type: ignore[no-untyped-def]
    change_note: str,
) -> tuple[int, list[str]]:
    """Write a batch's choices at once; when the library refuses one of them (an identifier
    another reference took meanwhile), one record at a time, so that only that one is refused.
    Returns how many were written and the reasons of those refused."""
    if not new and not taken:
        return 0, []
    try:
        with transaction.atomic():
            done = references_import_confirm(
                records=batch,
                actor=actor,
                confirmed=new,
                new_versions=taken,
                change_note=change_note,
            )
        return len(done.created) + len(done.revised), []
    except (ImportInvalid, Conflict) as exc:
        if len(new) + len(taken) == 1:
            return 0, [str(exc)]  # this record, refused
    written, problems = 0, []
    for index in [*new, *taken]:
        count, refused = _batch_write(
            batch,
            [index] if index in new else [],
            {index: taken[index]} if index in taken else {},
            actor=actor,
            change_note=change_note,
        )
        written += count
        problems += refused
    return written, problems


def import_job_run(*, upload_id: int, batch_size: int = BATCH_SIZE) -> ImportUpload | None:
    """Run (or resume) the confirmed import of an upload; idempotent: a finished or unknown
    upload is left alone, and a batch is never written twice."""
    upload = ImportUpload.objects.filter(
        pk=upload_id, state__in=[ImportState.QUEUED, ImportState.RUNNING]
    ).first()
    if upload is None:
        return None
    try:
        return _job_run(upload, batch_size)
    except TRANSIENT_ERRORS:
        raise  # the outbox sends it again: it resumes after the last finished batch
    except Exception as exc:
        # Anything else will fail again: the page stops waiting and says so.
        ImportUpload.objects.filter(pk=upload.pk).update(
            state=ImportState.FAILED,
            finished_at=timezone.now(),
            error=IMPORT_FAILED.format(problem=exc)[:2000],
        )
        raise


def _job_run(upload: ImportUpload, batch_size: int) -> ImportUpload:
    choices: dict[str, Any] = upload.choices
    from_rows = bool(choices.get("rows"))  # chosen on the preview's rows (previewing)
    confirmed = set(choices.get("confirmed", []))
    versions = {int(i): key for i, key in choices.get("new_versions", {}).items()}
    actor = upload.created_by
    if upload.state == ImportState.QUEUED:
        ImportUpload.objects.filter(pk=upload.pk).update(
            state=ImportState.RUNNING, started_at=timezone.now()
        )
    # The file is read a piece at a time: a batch of records (and of those that cannot be
    # read) in memory, never the file.
    items = items_read(lambda: upload_texts(upload), upload.format)
    for number, read in enumerate(batches(items, batch_size)):
        batch = [item for item in read if isinstance(item, ImportRecord)]
        unreadable = sum(1 for item in read if isinstance(item, RecordFailure))
        with transaction.atomic():
            job = ImportUpload.objects.select_for_update().get(pk=upload.pk)
            if job.batches_done > number:
                continue  # written by an earlier run
            if from_rows:
                confirmed, versions = rows_chosen(upload, [item.index for item in read])
            new, taken, refused = _batch_choices(batch, confirmed, versions)
            imported, problems = _batch_write(
                batch, new, taken, actor=actor, change_note=choices.get("change_note", "")
            )
            refused += len(problems) + unreadable
            if problems:
                job.error = "\n".join([*job.error.splitlines(), *problems][:MAX_PROBLEMS])
            job.records_read += len(read)
            job.records_imported += imported
            job.records_refused += refused
            job.batches_done = number + 1
            job.save(
                update_fields=[
                    "records_read",
                    "records_imported",
                    "records_refused",
                    "batches_done",
                    "error",
                ]
            )
        # A batch's references and versions refer to each other (current_version, reference):
        # freed now, not when Python next collects its oldest objects, so that memory holds
        # one batch however long the file (tests.editorial.test_reference_import_memory).
        del read, batch
        gc.collect()
    with transaction.atomic():
        ImportUpload.objects.filter(pk=upload.pk).update(
            state=ImportState.DONE, finished_at=timezone.now()
        )
        import_upload_drop_file(upload)
    upload.refresh_from_db()
    return upload


def rows_chosen(upload: ImportUpload, numbers: list[int]) -> tuple[set[int], dict[int, str]]:
    """The records of `numbers` the editor chose on the preview's rows: those to import as
    new, and those to take as a new version (number -> key). One query."""
    rows = ImportPreviewRow.objects.filter(upload=upload, number__in=numbers).exclude(choice="skip")
    confirmed: set[int] = set()
    versions: dict[int, str] = {}
    for number, choice in rows.values_list("number", "choice"):
        if choice == "new":
            confirmed.add(number)
        elif choice.startswith("version:"):
            versions[number] = choice.removeprefix("version:")
    return confirmed, versions


def import_job_get(*, token: str, actor) -> ImportUpload | None:  # type: ignore[no-untyped-def]
    """The actor's confirmed import with this token (None for anyone else's, or unknown)."""
    try:
        value = uuid.UUID(str(token))
    except ValueError:
        return None
    return (
        ImportUpload.objects.filter(token=value, created_by=actor)
        .exclude(state=ImportState.PREVIEWED)
        .first()
    )
