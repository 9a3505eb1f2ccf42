"""The uploaded file, kept on the server by token until the editor confirms the import, in
pieces of CHUNK_BYTES (ImportChunk, ADR 018): written from Django's uploaded file a piece at a
time and read back the same way, so that no process holds a whole file of up to 100 MB.

The confirm then sends the token and the editor's choices, however many records the file
holds; the file is read again from here, never from the browser.
"""

import codecs
import uuid
from collections.abc import Iterable, Iterator
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from articles.references.importing.parsing import import_max_bytes, import_too_large
from articles.references.importing.records import FILE_INVALID, ImportInvalid
from articles.references.models import ImportChunk, ImportState, ImportUpload

# How long a preview can be confirmed.
IMPORT_MAX_AGE = timedelta(hours=6)
PREVIEW_EXPIRED = "This preview has expired or is not yours: upload the file again."
CHUNK_BYTES = 1024 * 1024
NOT_UTF8 = "it is not UTF-8 text."


def _checked(pieces: Iterable[bytes], format: str) -> Iterator[bytes]:
    """The pieces as they are, once each is known to decode as UTF-8 (with what follows it);
    raises ImportInvalid at the first that does not, or past the size limit."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    size = 0
    for piece in pieces:
        size += len(piece)
        if size > import_max_bytes():
            raise ImportInvalid(import_too_large())
        try:
            decoder.decode(piece)
        except UnicodeDecodeError as exc:
            raise ImportInvalid(FILE_INVALID.format(format=format, problem=NOT_UTF8)) from exc
        yield piece
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        raise ImportInvalid(FILE_INVALID.format(format=format, problem=NOT_UTF8)) from exc


def _pieces(file, text: str) -> Iterator[bytes]:  # type: ignore[no-untyped-def]
    if file is None:
        encoded = text.encode("utf-8")
        for start in range(0, len(encoded), CHUNK_BYTES):
            yield encoded[start : start + CHUNK_BYTES]
        return
    file.seek(0)
    yield from file.chunks(CHUNK_BYTES)


def import_upload_store(  # type: ignore[no-untyped-def]
    *, actor, format: str, filename: str = "", file=None, text: str = ""
) -> ImportUpload:
    """Keep the uploaded `file` (a Django UploadedFile, read a piece at a time) or the pasted
    `text` for its preview and confirm. Raises ImportInvalid, nothing kept, when it is not
    UTF-8 text or is over the limit. Expired uploads are dropped here too
    (import_uploads_expire)."""
    import_uploads_expire()
    with transaction.atomic():
        upload = ImportUpload.objects.create(
            created_by=actor, format=str(format), filename=filename[:255]
        )
        size = 0
        for number, piece in enumerate(_checked(_pieces(file, text), str(format))):
            ImportChunk.objects.create(upload=upload, number=number, data=piece)
            size += len(piece)
        upload.size = size
        upload.save(update_fields=["size"])
    return upload


def upload_texts(upload: ImportUpload) -> Iterator[str]:
    """The upload's text, a piece at a time (one query per piece), its UTF-8 mark dropped."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    numbers = ImportChunk.objects.filter(upload=upload).values_list("number", flat=True)
    for number in list(numbers):
        data = (
            ImportChunk.objects.filter(upload=upload, number=number)
            .values_list("data", flat=True)
            .get()
        )
        yield decoder.decode(bytes(data))
    yield decoder.decode(b"", final=True)


def upload_head(upload: ImportUpload, size: int = 4000) -> bytes:
    """The first bytes of the upload (to tell its format)."""
    data = ImportChunk.objects.filter(upload=upload, number=0).values_list("data", flat=True)
    return bytes(data.first() or b"")[:size]


def import_uploads_expire() -> int:
    """Drop previews and finished imports older than IMPORT_MAX_AGE, with their pieces (never
    an upload still being read, or an import queued or running); returns how many uploads went."""
    old = ImportUpload.objects.filter(created_at__lt=timezone.now() - IMPORT_MAX_AGE).exclude(
        state__in=[ImportState.READING, ImportState.QUEUED, ImportState.RUNNING]  # under way
    )
    _, by_model = old.delete()  # their pieces too, in one statement (no signals on them)
    return by_model.get(ImportUpload._meta.label, 0)


def import_upload_drop_file(upload: ImportUpload) -> None:
    """Drop the file's pieces once its import is done (the upload stays as its record)."""
    ImportChunk.objects.filter(upload=upload).delete()


def import_upload_get(*, token: str, actor) -> ImportUpload:  # type: ignore[no-untyped-def]
    """The actor's unexpired upload with this token; raises ImportInvalid (PREVIEW_EXPIRED)."""
    try:
        value = uuid.UUID(str(token))
    except ValueError as exc:
        raise ImportInvalid(PREVIEW_EXPIRED) from exc
    upload = ImportUpload.objects.filter(
        token=value,
        created_by=actor,
        state=ImportState.PREVIEWED,
        created_at__gte=timezone.now() - IMPORT_MAX_AGE,
    ).first()
    if upload is None:
        raise ImportInvalid(PREVIEW_EXPIRED)
    return upload
