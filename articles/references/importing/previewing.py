"""The preview as a task (issue 13, point 5): the upload keeps the file (ImportChunk) and
queues `import_preview_run`, which reads the records in batches and keeps what importing each
would mean as an ImportPreviewRow, so that no request reads the whole file.

The rule is import_preview's (service.preview_batch), batch by batch: the earlier records of
the file a batch may repeat are found through the keys kept on the rows (identifiers, title and
year), one query a batch, so memory holds a batch whatever the file's size. The editor's
choices (bulk, then per record) are kept on the rows; the confirm posts only the token, and the
import task reads the choices from the rows (jobs.rows_chosen).
"""

import gc
import hashlib
import json
import uuid
from typing import Any

from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from articles.batching import batches
from articles.outbox import TRANSIENT_ERRORS, outbox_put
from articles.references.importing.jobs import ALREADY_CONFIRMED, IMPORT_TOPIC
from articles.references.importing.keys import BATCH_SIZE
from articles.references.importing.records import (
    NO_RECORDS,
    ImportInvalid,
    ImportRecord,
    RecordFailure,
)
from articles.references.importing.service import (
    IMPORTABLE_AS_NEW,
    NOT_CONFLICT,
    NOT_IN_FILE,
    NOT_MATCHED,
    NOT_NEW,
    SAME_TARGET,
    TAKEABLE_AS_VERSION,
    PreviewRow,
    RowStatus,
    preview_batch,
    title_key,
)
from articles.references.importing.streaming import items_read
from articles.references.importing.uploads import (
    IMPORT_MAX_AGE,
    import_upload_store,
    upload_texts,
)
from articles.references.models import (
    ImportPreviewRow,
    ImportState,
    ImportUpload,
    Reference,
    ReferenceStatus,
)

PREVIEW_TOPIC = "reference-import.uploaded"
REFUSED = "refused"  # a row of a record that cannot be read
STATUSES = [*(status.value for status in RowStatus), REFUSED]  # every row's, in that order
PAGE_SIZE = 50
# The choice of a row: "new", "skip" or "version:<key>".
SKIP, NEW, VERSION = "skip", "new", "version:"
PREVIEW_FAILED = "The file could not be read: {problem}"
NOTHING_CHOSEN = "Choose at least one record to import, or a new version to take."
UNKNOWN_CHOICE = "Record {index}: {choice!r} is not a choice (new, skip or version:<key>)."
STILL_READING = "The file is still being read: choose when its preview is ready."


def default_choice(row: PreviewRow) -> str:
    """New records are imported; a retraction the file records is taken as a new version;
    the editor decides every other match (skipped until then)."""
    if row.status == RowStatus.NEW:
        return NEW
    if row.status == RowStatus.CONFLICT and row.record.status == ReferenceStatus.RETRACTED:
        return VERSION + row.matches[0]
    return SKIP


def import_preview_start(upload: ImportUpload) -> ImportUpload:
    """Queue the reading of a stored upload (an outbox message in the same transaction)."""
    with transaction.atomic():
        ImportUpload.objects.filter(pk=upload.pk).update(
            state=ImportState.READING, records_read=0, records_refused=0, batches_done=0
        )
        outbox_put(PREVIEW_TOPIC, upload_id=upload.pk)
    upload.refresh_from_db()
    return upload


def import_file_upload(  # type: ignore[no-untyped-def]
    *, actor, format: str, filename: str = "", file=None, text: str = ""
) -> ImportUpload:
    """Keep an uploaded file (a piece at a time) and queue its preview: nothing is parsed in
    the request. Raises ImportInvalid, nothing kept, when it is not UTF-8 text or too large."""
    upload = import_upload_store(
        actor=actor, format=format, filename=filename, file=file, text=text
    )
    return import_preview_start(upload)


def _title_hash(record: ImportRecord) -> str:
    return hashlib.sha256(json.dumps(title_key(record), default=str).encode()).hexdigest()


def row_record(row: ImportPreviewRow) -> ImportRecord:
    data = row.record
    return ImportRecord(
        index=row.number,
        type=data.get("type", ""),
        csl=row.csl,
        doi=data.get("doi", ""),
        pmid=data.get("pmid", ""),
        pmcid=data.get("pmcid", ""),
        key_hint=data.get("key_hint", ""),
        evidence_level=data.get("evidence_level", ""),
        status=data.get("status", ReferenceStatus.ACTIVE),
    )


def _earlier(
    upload: ImportUpload, batch: list[ImportRecord]
) -> tuple[dict[Any, int], dict[Any, ImportRecord]]:
    """The earlier records of the file that share an identifier, or title and year, with a
    record of `batch`, as preview_batch's `seen` and `seen_titles`: one query."""
    wanted = Q(title_key__in={_title_hash(r) for r in batch})
    for scheme in ("doi", "pmid", "pmcid"):
        values = {value for record in batch for s, value in record.identifier_keys if s == scheme}
        if values:
            wanted |= Q(**{f"{scheme}_key__in": sorted(values)})
    seen: dict[Any, int] = {}
    seen_titles: dict[Any, ImportRecord] = {}
    rows = ImportPreviewRow.objects.filter(wanted, upload=upload).exclude(status=REFUSED)
    for row in rows.order_by("number"):
        record = row_record(row)
        for key in record.identifier_keys:
            seen.setdefault(key, record.index)
        seen_titles.setdefault(title_key(record), record)
    return seen, seen_titles


def _row(upload: ImportUpload, row: PreviewRow, ids: dict[str, int]) -> ImportPreviewRow:
    record = row.record
    keys = dict(record.identifier_keys)
    return ImportPreviewRow(
        upload=upload,
        number=record.index,
        status=row.status.value,
        label=record.label[:300],
        reason=row.reason,
        matches=row.matches,
        matched_reference_id=next((ids[k] for k in row.matches if k in ids), None),
        csl=record.csl,
        record={
            "type": record.type,
            **record.identifiers,
            "key_hint": record.key_hint,
            "evidence_level": record.evidence_level,
            "status": record.status,
        },
        choice=default_choice(row),
        doi_key=keys.get("doi", ""),
        pmid_key=keys.get("pmid", ""),
        pmcid_key=keys.get("pmcid", ""),
        title_key=_title_hash(record),
    )


def _refused(upload: ImportUpload, failure: RecordFailure) -> ImportPreviewRow:
    return ImportPreviewRow(
        upload=upload,
        number=failure.index,
        status=REFUSED,
        first_line=failure.first_line[:300],
        label=failure.label[:300],
        reason=failure.reason,
        choice=SKIP,
    )


def import_preview_run(*, upload_id: int, batch_size: int = BATCH_SIZE) -> ImportUpload | None:
    """Read (or go on reading) an upload's records into its preview rows; idempotent: an
    upload not being read is left alone, and a batch is never read twice."""
    upload = ImportUpload.objects.filter(pk=upload_id, state=ImportState.READING).first()
    if upload is None:
        return None
    try:
        return _run(upload, batch_size)
    except TRANSIENT_ERRORS:
        raise  # the outbox sends it again: it goes on after the last finished batch
    except ImportInvalid as exc:  # the file as a whole cannot be read (not JSON, ...)
        ImportUpload.objects.filter(pk=upload.pk).update(
            state=ImportState.FAILED, error=PREVIEW_FAILED.format(problem=exc)[:2000]
        )
        upload.refresh_from_db()
        return upload


def _run(upload: ImportUpload, batch_size: int) -> ImportUpload:
    items = items_read(lambda: upload_texts(upload), upload.format)
    for number, read in enumerate(batches(items, batch_size)):
        with transaction.atomic():
            job = ImportUpload.objects.select_for_update().get(pk=upload.pk)
            if job.batches_done > number:
                continue  # read by an earlier run
            records = [item for item in read if isinstance(item, ImportRecord)]
            failures = [item for item in read if isinstance(item, RecordFailure)]
            seen, seen_titles = _earlier(upload, records)
            rows = preview_batch(records, seen=seen, seen_titles=seen_titles)
            matched = {key for row in rows for key in row.matches}
            ids = dict(Reference.objects.filter(key__in=matched).values_list("key", "pk"))
            ImportPreviewRow.objects.bulk_create(
                [
                    *(_row(upload, row, ids) for row in rows),
                    *(_refused(upload, failure) for failure in failures),
                ]
            )
            job.records_read += len(read)
            job.records_refused += len(failures)
            job.batches_done = number + 1
            job.save(update_fields=["records_read", "records_refused", "batches_done"])
        del read, records, failures, rows, seen, seen_titles
        gc.collect()
    upload.refresh_from_db()
    if not upload.records_read:
        raise ImportInvalid(NO_RECORDS)
    ImportUpload.objects.filter(pk=upload.pk).update(
        state=ImportState.PREVIEWED, records_total=upload.records_read, batches_done=0
    )
    upload.refresh_from_db()
    return upload


def import_preview_counts(upload: ImportUpload) -> dict[str, int]:
    """How many rows of each status (new, duplicate, conflict, possible, refused): one query."""
    counts = dict.fromkeys(STATUSES, 0)
    rows = ImportPreviewRow.objects.filter(upload=upload).values("status")
    for item in rows.annotate(n=Count("id")).order_by():
        counts[item["status"]] = item["n"]
    return counts


def import_preview_rows(upload: ImportUpload, statuses: list[str]) -> QuerySet[ImportPreviewRow]:
    """The rows of these statuses in file order (for a page of them: import_preview_page, or
    the API's pages by keyset on `number`)."""
    return ImportPreviewRow.objects.filter(upload=upload, status__in=statuses).order_by("number")


def import_preview_page(
    upload: ImportUpload, statuses: list[str], page: int | str | None = 1
) -> Page:
    """The rows of these statuses, PAGE_SIZE a page, in file order."""
    return Paginator(import_preview_rows(upload, statuses), PAGE_SIZE).get_page(page)


def import_preview_choose_all(*, upload: ImportUpload, status: str, choice: str) -> int:
    """A bulk choice: every row of `status` skipped, or (new records and possible
    duplicates) imported as new. Returns how many rows it set."""
    import_preview_still_open(upload)
    if choice not in (SKIP, NEW) or (choice == NEW and status not in IMPORTABLE_AS_NEW):
        raise ImportInvalid(UNKNOWN_CHOICE.format(index=status, choice=choice))
    return ImportPreviewRow.objects.filter(upload=upload, status=status).update(choice=choice)


def _choice_problem(row: ImportPreviewRow, choice: str) -> str:
    """Why `choice` does not fit this row ("" when it does)."""
    number, status, label = row.number, row.status, row.label
    if choice == NEW and status not in IMPORTABLE_AS_NEW:
        return NOT_NEW.format(index=number, label=label, status=status)
    if choice.startswith(VERSION):
        key = choice.removeprefix(VERSION)
        if status not in TAKEABLE_AS_VERSION:
            return NOT_CONFLICT.format(index=number, label=label, status=status)
        if key not in row.matches:
            matches = ", ".join(row.matches)
            return NOT_MATCHED.format(index=number, label=label, key=key, matches=matches)
    elif choice not in (SKIP, NEW):
        return UNKNOWN_CHOICE.format(index=number, choice=choice)
    return ""


def import_preview_rows_choose(*, upload: ImportUpload, choices: dict[int, str]) -> int:
    """Several records' choices at once (record number -> "new", "skip", "version:<key>"),
    each checked against its row: all are kept, or none (ImportInvalid naming the first that
    does not fit). One query to read the rows and one update per distinct choice; returns how
    many rows changed."""
    if not choices:
        return 0
    import_preview_still_open(upload)
    rows = ImportPreviewRow.objects.filter(upload=upload, number__in=list(choices))
    by_number = {row.number: row for row in rows.only("number", "status", "label", "matches")}
    changed: dict[str, list[int]] = {}
    for number in sorted(choices):
        row = by_number.get(number)
        if row is None:
            raise ImportInvalid(NOT_IN_FILE.format(index=number, count=upload.records_read))
        problem = _choice_problem(row, choices[number])
        if problem:
            raise ImportInvalid(problem)
        changed.setdefault(choices[number], []).append(row.pk)
    done = 0
    with transaction.atomic():
        for choice, pks in changed.items():
            done += (
                ImportPreviewRow.objects.filter(pk__in=pks)
                .exclude(choice=choice)
                .update(choice=choice)
            )
    return done


def import_preview_still_open(upload: ImportUpload) -> None:
    """Raise ImportInvalid (STILL_READING, ALREADY_CONFIRMED) unless the upload's choices may
    change and it may be confirmed now: between the end of its reading and its confirm."""
    state = ImportUpload.objects.filter(pk=upload.pk).values_list("state", flat=True).first()
    if state == ImportState.READING:
        raise ImportInvalid(STILL_READING)
    if state != ImportState.PREVIEWED:
        raise ImportInvalid(ALREADY_CONFIRMED)


def import_upload_of(*, token: str, actor) -> ImportUpload | None:  # type: ignore[no-untyped-def]
    """The actor's upload with this token, whatever its state (None for anyone else's, an
    unknown token, or a preview older than IMPORT_MAX_AGE that was never confirmed)."""
    try:
        value = uuid.UUID(str(token))
    except ValueError:
        return None
    upload = ImportUpload.objects.filter(token=value, created_by=actor).first()
    unconfirmed = (ImportState.READING, ImportState.PREVIEWED)
    if upload is None or (
        upload.state in unconfirmed and upload.created_at < timezone.now() - IMPORT_MAX_AGE
    ):
        return None
    return upload


def import_preview_confirm(*, upload: ImportUpload, change_note: str) -> ImportUpload:
    """Queue the import of the rows chosen (the choices stay on the rows): raises
    ImportInvalid when nothing is chosen, a reference is chosen twice as the target of a new
    version, the file is still being read, or the upload was confirmed already."""
    if upload.state == ImportState.READING:  # as the caller read it; the update below checks
        raise ImportInvalid(STILL_READING)
    rows = ImportPreviewRow.objects.filter(upload=upload).exclude(choice=SKIP)
    if not rows.exists():
        raise ImportInvalid(NOTHING_CHOSEN)
    twice = (
        rows.filter(choice__startswith=VERSION)
        .values("choice")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .order_by()
        .first()
    )
    if twice is not None:
        numbers = rows.filter(choice=twice["choice"]).order_by("number")
        first, second = numbers.values_list("number", flat=True)[:2]
        key = twice["choice"].removeprefix(VERSION)
        raise ImportInvalid(SAME_TARGET.format(first=first, second=second, key=key))
    with transaction.atomic():
        queued = ImportUpload.objects.filter(pk=upload.pk, state=ImportState.PREVIEWED).update(
            state=ImportState.QUEUED,
            choices={"rows": True, "change_note": change_note},
            records_total=upload.records_read,
            records_read=0,
            records_refused=0,
            batches_done=0,
        )
        if not queued:
            import_preview_still_open(upload)  # says why: still reading, or confirmed
            raise ImportInvalid(ALREADY_CONFIRMED)
        outbox_put(IMPORT_TOPIC, upload_id=upload.pk)
    upload.refresh_from_db()
    return upload


def import_preview_chosen(upload: ImportUpload) -> dict[str, int]:
    """What the confirm would do now, from the rows' choices: how many records it imports as
    new, takes as new versions and leaves out. One query."""
    version = Q(choice__startswith=VERSION)
    return ImportPreviewRow.objects.filter(upload=upload).aggregate(
        new=Count("id", filter=Q(choice=NEW)),
        version=Count("id", filter=version),
        skip=Count("id", filter=~Q(choice=NEW) & ~version),
    )
