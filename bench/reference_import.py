"""Import generated RIS records on a throwaway database: `make bench` (a script), 50,000 by
default (BENCH_RIS_RECORDS), the way the workspace does: the file kept (ImportUpload), the
preview, the confirm queueing the task, and the task's batches (run here in the process).

Prints the times of the preview and of the task, the peak memory (tracemalloc) and the queries
of the task: per batch (those of the whole run less the run's own five, over the batches).
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
from django.test.utils import CaptureQueriesContext  # noqa: E402

RECORDS = int(os.environ.get("BENCH_RIS_RECORDS", "50000"))
# The upload, its editor, started, done, read back; the file's pieces listed, dropped once done,
# two savepoints; and one query per piece read (added below).
RUN_QUERIES = 9


def ris(n: int) -> str:
    return "\n".join(
        f"TY  - JOUR\nAU  - Author{i}, Ann\nAU  - Second, Bo\nTI  - Outcome of treatment {i}\n"
        f"T2  - J Bench Med\nVL  - {i % 50}\nSP  - {i}\nEP  - {i + 9}\nPY  - {1990 + i % 35}\n"
        f"DO  - 10.5555/bench.{i}\nAN  - {100000 + i}\nER  -\n"
        for i in range(n)
    )


def main() -> None:
    from celery import current_app

    from articles.models import ImportChunk, Reference
    from articles.references.importing import (
        import_job_run,
        import_job_start,
        import_preview,
        import_upload_store,
        upload_parse,
    )
    from articles.references.importing.service import BATCH_SIZE
    from editorial.models import User

    # The confirm's message goes to a broker in memory that no worker reads: the bench runs
    # the task itself, to time it and count its queries apart from the confirm's.
    current_app.conf.task_always_eager = False
    current_app.conf.broker_url = "memory://"
    call_command("migrate", verbosity=0)
    editor = User.objects.create_user(username="bench-editor")
    text = ris(RECORDS)
    tracemalloc.start()
    start = time.perf_counter()
    upload = import_upload_store(actor=editor, text=text, format="ris", filename="bench.ris")
    pieces = ImportChunk.objects.filter(upload=upload).count()
    parsed = upload_parse(upload)
    preview = import_preview(records=parsed.records, failures=parsed.failures)
    import_job_start(
        upload=upload,
        records=parsed.records,
        preview=preview,
        confirmed=[r.index for r in parsed.records],
        new_versions={},
        change_note="Imported",
    )
    del parsed, preview, text
    previewed = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        job = import_job_run(upload_id=upload.pk)
    done = time.perf_counter()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert job is not None
    assert job.records_imported == RECORDS
    assert Reference.objects.count() == RECORDS
    batches = job.batches_done
    assert batches == -(-RECORDS // BATCH_SIZE)
    print(
        f"RIS import of {RECORDS} records: preview and confirm {previewed - start:.2f} s, "
        f"task {done - previewed:.2f} s ({batches} batches of {BATCH_SIZE}), "
        f"peak memory {peak / 2**20:.1f} MiB, {len(queries)} queries "
        f"({(len(queries) - RUN_QUERIES - pieces) / batches:g} per batch)"
    )


if __name__ == "__main__":
    main()
