"""A large reference file (issue 13, point 5): stored a piece at a time and imported a batch at
a time, so the memory an import takes does not grow with the file (tracemalloc's peak for a
4 MB and a 24 MB file). The preview is read by a task in batches too."""

import tracemalloc

from django.core.files.uploadedfile import TemporaryUploadedFile

from articles.models import ImportChunk, Reference
from articles.references.importing import import_job_run
from articles.references.importing.previewing import (
    import_file_upload,
    import_preview_confirm,
    import_preview_run,
)
from articles.references.models import ImportState

MB = 1024 * 1024
ABSTRACT = "Runners with hip pain were followed for a year and their outcomes recorded. " * 40


def _file(megabytes: int) -> TemporaryUploadedFile:
    """A RIS file of about `megabytes`, written to disk as Django keeps a large upload."""
    upload = TemporaryUploadedFile("large.ris", "application/x-research-info-systems", 0, None)
    n = 0
    while upload.file.tell() < megabytes * MB:
        n += 1
        upload.file.write(
            f"TY  - JOUR\nAU  - Author{n}, A\nTI  - Hip outcomes in runners {megabytes}.{n}\n"
            f"PY  - 2020\nDO  - 10.1000/large.{megabytes}.{n}\nAB  - {ABSTRACT}\n"
            "ER  - \n\n".encode()
        )
    upload.size = upload.file.tell()
    return upload


def _peak(run) -> int:  # type: ignore[no-untyped-def]
    tracemalloc.start()
    try:
        run()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _import(editor, megabytes: int) -> tuple[int, int, int, int]:  # type: ignore[no-untyped-def]
    """Peak traced memory to store the file, to read its preview (the task) and to run its
    import, and the records read."""
    file = _file(megabytes)
    stored = {}
    store_peak = _peak(
        lambda: stored.update(
            upload=import_file_upload(actor=editor, format="ris", filename="large.ris", file=file)
        )
    )
    upload = stored["upload"]
    assert ImportChunk.objects.filter(upload=upload).count() == -(-upload.size // MB)
    preview_peak = _peak(lambda: import_preview_run(upload_id=upload.pk))
    upload.refresh_from_db()
    assert upload.state == ImportState.PREVIEWED
    count = upload.records_read
    import_preview_confirm(upload=upload, change_note="")
    job_peak = _peak(lambda: import_job_run(upload_id=upload.pk))
    upload.refresh_from_db()
    assert (upload.state, upload.records_imported) == (ImportState.DONE, count)
    return store_peak, preview_peak, job_peak, count


def test_memory_does_not_grow_with_the_file(editor):
    small_store, small_preview, small_job, small_count = _import(editor, 4)
    large_store, large_preview, large_job, large_count = _import(editor, 24)
    assert large_count > 5 * small_count
    # Storing holds a piece (1 MB) and its copies, whatever the file's size.
    assert large_store < 6 * MB
    assert large_store < small_store * 1.5
    # Reading the preview holds a batch of records too (the earlier keys stay on its rows).
    assert large_preview < small_preview * 1.3
    assert large_preview < 16 * MB
    # Importing holds a batch of records: the same for 4 MB and 24 MB.
    assert large_job < small_job * 1.3
    assert large_job < 16 * MB  # a batch of 500 records with their abstracts, not the file
    print(
        f"store {small_store / MB:.1f}/{large_store / MB:.1f} MB, preview "
        f"{small_preview / MB:.1f}/{large_preview / MB:.1f} MB, job {small_job / MB:.1f}/"
        f"{large_job / MB:.1f} MB, {Reference.objects.count()} references"
    )
