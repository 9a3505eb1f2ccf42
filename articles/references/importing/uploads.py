"""The previewed file, kept on the server by token until the editor confirms the import.

The confirm then sends the token and the editor's choices, however many records the file
holds; the file is read again from here, never from the browser.
"""

import uuid
from datetime import timedelta

from django.utils import timezone

from articles.references.importing.records import ImportInvalid
from articles.references.models import ImportState, ImportUpload

# How long a preview can be confirmed.
IMPORT_MAX_AGE = timedelta(hours=6)
PREVIEW_EXPIRED = "This preview has expired or is not yours: upload the file again."


def import_upload_store(*, actor, text: str, format: str, filename: str = "") -> ImportUpload:  # type: ignore[no-untyped-def]
    """Keep the file for its confirm; previews and finished imports older than IMPORT_MAX_AGE
    are dropped, never an import still queued or running."""
    ImportUpload.objects.filter(created_at__lt=timezone.now() - IMPORT_MAX_AGE).exclude(
        state__in=[ImportState.QUEUED, ImportState.RUNNING]  # an import under way stays
    ).delete()
    return ImportUpload.objects.create(
        created_by=actor, text=text, format=str(format), filename=filename[:255]
    )


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
