"""Import generated RIS records on a throwaway database: `make bench` (a script), 50,000 by
default (BENCH_RIS_RECORDS), the way the workspace does: the uploaded file kept in pieces
(ImportUpload, ImportChunk) and its reading queued, the preview task's batches, a bulk choice
and the confirm, and the import task's batches (both tasks run here in the process).

Prints, for each step: the time and the peak memory (tracemalloc); for the two tasks, their
queries per batch (for the import, those of the whole run less the run's own and one per piece
read, over the batches; for the preview, the whole run's over its batches).
"""

import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
os.environ.pop("REDIS_URL", None)
os.environ["DEBUG"] = "false"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

RECORDS = int(os.environ.get("BENCH_RIS_RECORDS", "50000"))
# The upload, its editor, started, done, read back; the file's pieces listed, dropped once done,
# two savepoints; and one query per piece read (added below).
RUN_QUERIES = 9


def ris_file(n: int):  # type: ignore[no-untyped-def]
    """The records written to a temporary file, as Django keeps an upload over 2.5 MB."""
    from django.core.files.uploadedfile import TemporaryUploadedFile

    upload = TemporaryUploadedFile("bench.ris", "application/x-research-info-systems", 0, None)
    out = upload.file
    assert out is not None
    for i in range(n):
        out.write(
            f"TY  - JOUR\nAU  - Author{i}, Ann\nAU  - Second, Bo\nTI  - Outcome of treatment {i}\n"
            f"T2  - J Bench Med\nVL  - {i % 50}\nSP  - {i}\nEP  - {i + 9}\nPY  - {1990 + i % 35}\n"
            f"DO  - 10.5555/bench.{i}\nAN  - {100000 + i}\nER  -\n\n".encode()
        )
    upload.size = out.tell()
    return upload


def _measured(run):  # type: ignore[no-untyped-def]
    """What `run` returns, its seconds and its peak traced memory (MiB)."""
    tracemalloc.start()
    start = time.perf_counter()
    result = run()
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return result, seconds, peak


def main() -> None:
    from celery import current_app

    from articles.models import ImportChunk, Reference
    from articles.references.importing import import_job_run
    from articles.references.importing.previewing import (
        import_file_upload,
        import_preview_choose_all,
        import_preview_confirm,
        import_preview_run,
    )
    from articles.references.importing.service import BATCH_SIZE
    from editorial.models import User

    # The messages go to a broker in memory that no worker reads: the bench runs each task
    # itself, to time it and count its queries apart from the request's.
    current_app.conf.task_always_eager = False
    current_app.conf.broker_url = "memory://"
    call_command("migrate", verbosity=0)
    editor = User.objects.create_user(username="bench-editor")
    file = ris_file(RECORDS)

    upload, stored, store_peak = _measured(
        lambda: import_file_upload(actor=editor, format="ris", filename="bench.ris", file=file)
    )
    pieces = ImportChunk.objects.filter(upload=upload).count()
    # Counted, not captured: the captured SQL of the bulk inserts would weigh in the peak.
    queries = []

    def count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        queries.append(None)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        read, previewed, preview_peak = _measured(lambda: import_preview_run(upload_id=upload.pk))
    assert read is not None
    assert read.records_read == RECORDS
    preview_queries, read_batches = len(queries), -(-RECORDS // BATCH_SIZE)

    def choose_and_confirm():  # type: ignore[no-untyped-def]
        # The upload as the preview task left it (read), as the page reads it again.
        import_preview_choose_all(upload=read, status="new", choice="new")
        return import_preview_confirm(upload=read, change_note="Imported")

    _, confirmed, confirm_peak = _measured(choose_and_confirm)
    queries.clear()
    with connection.execute_wrapper(count):
        job, ran, job_peak = _measured(lambda: import_job_run(upload_id=upload.pk))
    assert job is not None
    assert job.records_imported == RECORDS
    assert Reference.objects.count() == RECORDS
    batches = job.batches_done
    assert batches == -(-RECORDS // BATCH_SIZE)
    print(
        f"RIS import of {RECORDS} records ({upload.size / 2**20:.1f} MiB, {pieces} pieces): "
        f"store and queue {stored:.2f} s (peak {store_peak:.1f} MiB); "
        f"preview task {previewed:.2f} s (peak {preview_peak:.1f} MiB; {read_batches} batches, "
        f"{preview_queries / read_batches:.1f} queries per batch); "
        f"bulk choice and confirm {confirmed:.2f} s (peak {confirm_peak:.1f} MiB); "
        f"import task {ran:.2f} s (peak {job_peak:.1f} MiB; {batches} batches of {BATCH_SIZE}), "
        f"{len(queries)} queries ({(len(queries) - RUN_QUERIES - pieces) / batches:g} per batch)"
    )


if __name__ == "__main__":
    main()
