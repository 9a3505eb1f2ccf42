"""A reference file imported over HTTP (issue 13, point 5), as the preview and import tasks do
it: the upload is stored and answered 202, the preview task reads it into rows, the client
reads them a page at a time by status, chooses (by status or per record) and confirms, and the
import task writes what was chosen. No request reads the file whole.

Only editors may do it, each on their own uploads: another's token, an unknown one and anyone
who may not edit the library get 404 (the write actions refuse non-editors first, 403).
Refusals of the preview's functions (ImportInvalid) answer 400 through editorial.api.errors.
"""

from collections.abc import Callable
from typing import Any, cast

from django.db import transaction
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from articles.errors import StateConflict
from articles.references.importing.previewing import (
    PAGE_SIZE,
    STATUSES,
    STILL_READING,
    import_file_upload,
    import_preview_choose_all,
    import_preview_confirm,
    import_preview_rows,
    import_preview_rows_choose,
    import_upload_of,
)
from articles.references.models import ImportState, ImportUpload, Reference
from editorial import permissions
from editorial.api.common import ERRORS, IDEMPOTENCY_KEY, STATE_CONFLICT, acting_user, sent_once
from editorial.api.pagination import KeysetPagination
from editorial.api.parsers import CheckedJSONParser
from editorial.api.reference_serializers import (
    ImportChoicesDoneSerializer,
    ImportChoicesSerializer,
    ImportConfirmSerializer,
    ImportJobSerializer,
    ImportRowSerializer,
    ImportUploadSerializer,
)
from editorial.idempotency import made_once

UPLOAD_PATH = r"import/(?P<token>[0-9a-fA-F-]{36})"
STATUS_INVALID = "{value!r} is not a status: give some of {statuses}, separated by commas."
ACCEPTED = (
    "Answers 202 with the upload's state and `status_url` (also the `Location` header): poll "
    "it until the state moves on."
)


class ImportRowsPagination(KeysetPagination):
    """The preview's rows by keyset on their number in the file: as cheap at row 100,000."""

    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = 500


class ReferenceImportActions(viewsets.GenericViewSet[Reference]):
    """The import actions of the reference library (mixed into its viewset)."""

    @extend_schema(
        request={"multipart/form-data": ImportUploadSerializer},
        responses={202: ImportJobSerializer, **ERRORS},
        parameters=[IDEMPOTENCY_KEY],
        description=(
            "Keep an uploaded file and queue its preview: nothing is read in the request. "
            + ACCEPTED
            + " Reading, it counts `records_read`; then `previewed` with `counts` per status "
            "and `records_url`, or `failed` with `error` (a file that cannot be read as a "
            "whole: not JSON, no record). A file that is not UTF-8 text or too large answers "
            "400 at once."
        ),
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="import/preview",
        parser_classes=[MultiPartParser, FormParser],
        filterset_class=None,
    )
    def import_preview(self, request: Request) -> Response:
        serializer = ImportUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        file = serializer.validated_data["file"]

        def upload() -> ImportUpload:
            return import_file_upload(
                actor=acting_user(request),
                format=serializer.validated_data["format"],
                filename=getattr(file, "name", "") or "",
                file=file,
            )

        # Sent again with its key (a client's retry), the first upload's state: one file kept.
        return self._accepted_once(request, action="reference-import", perform=upload)

    @extend_schema(
        responses={200: ImportJobSerializer, **ERRORS},
        description=(
            "An upload's state, whatever it is: being read (`records_read` so far), previewed "
            "(`counts` per status; the records at `records_url`), queued, running or done "
            "(`records_imported`, `records_refused`), or failed (`error`). Only for the editor "
            "who uploaded the file; an unconfirmed preview expires after 6 hours."
        ),
    )
    @action(
        detail=False,
        methods=["get"],
        url_path=UPLOAD_PATH,
        url_name="import-job",
        filterset_class=None,
        pagination_class=None,
    )
    def import_job(self, request: Request, token: str) -> Response:
        upload = self._upload(request, token)
        return Response(ImportJobSerializer(upload, context={"request": request}).data)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "status",
                OpenApiTypes.STR,
                description=f"Some of {', '.join(STATUSES)}, separated by commas (default all).",
            )
        ],
        responses={200: ImportRowSerializer(many=True), **ERRORS, **STATE_CONFLICT},
        description=(
            "The records as the preview read them, in file order, a page at a time (`next` "
            "and `previous` links): each with its status, what it matches, its identifiers, "
            "its CSL-JSON item and the choice the import will follow. 409 while the file is "
            "still being read: poll `status_url` until the state is `previewed`. (A reading "
            "that failed lists the records read before it, to see where; none can be chosen.)"
        ),
    )
    @action(
        detail=False,
        methods=["get"],
        url_path=f"{UPLOAD_PATH}/records",
        url_name="import-records",
        filter_backends=[],
        filterset_class=None,
        pagination_class=ImportRowsPagination,
    )
    def import_records(self, request: Request, token: str) -> Response:
        upload = self._upload(request, token)
        statuses = _statuses(request.query_params.get("status", ""))
        if upload.state == ImportState.READING:
            raise StateConflict(STILL_READING)
        pages = cast(ImportRowsPagination, self.paginator)
        # Each row with the reference it matches first, as the rows say (`matched_reference`).
        rows = import_preview_rows(upload, statuses).select_related(
            "matched_reference__current_version"
        )
        page = pages.paginate_queryset(rows, request, self)
        return pages.get_paginated_response(ImportRowSerializer(page, many=True).data)

    @extend_schema(
        request=ImportChoicesSerializer,
        responses={200: ImportChoicesDoneSerializer, **ERRORS},
        description=(
            "Choose what the import does: every record of a status at once (`status` and "
            "`choice`: skip, or new for new records and possible duplicates), or per record "
            "(`records`: number -> new, skip or version:<key>). A choice that does not fit its "
            "record answers 400 naming it, and nothing changes; so does a choice while the "
            "file is still being read, or once the import is confirmed (`detail` says which)."
        ),
    )
    @action(
        detail=False,
        methods=["post"],
        url_path=f"{UPLOAD_PATH}/choices",
        url_name="import-choices",
        parser_classes=[CheckedJSONParser],
        filterset_class=None,
    )
    def import_choices(self, request: Request, token: str) -> Response:
        upload, data = self._upload_posted(request, token, ImportChoicesSerializer)
        if "records" in data:
            changed = import_preview_rows_choose(upload=upload, choices=data["records"])
        else:
            changed = import_preview_choose_all(
                upload=upload, status=data["status"], choice=data["choice"]
            )
        return Response(ImportChoicesDoneSerializer({"changed": changed}).data)

    @extend_schema(
        request=ImportConfirmSerializer,
        responses={202: ImportJobSerializer, **ERRORS},
        parameters=[IDEMPOTENCY_KEY],
        description=(
            "Queue the import of the records as chosen (`records`, if given, are chosen first: "
            "refused, nothing is kept): new records imported, conflicts and possible duplicates "
            "chosen as `version:<key>` taken as new versions with `change_note`. Nothing is "
            "imported in the request. " + ACCEPTED + " 400 when nothing is chosen, one "
            "reference is the target of two records, the file is still being read, or the "
            "import was confirmed already (sent again with its Idempotency-Key, the first "
            "answer's 202 instead)."
        ),
    )
    @action(
        detail=False,
        methods=["post"],
        url_path=f"{UPLOAD_PATH}/confirm",
        url_name="import-confirm",
        parser_classes=[CheckedJSONParser],
        filterset_class=None,
    )
    def import_confirm(self, request: Request, token: str) -> Response:
        upload, data = self._upload_posted(request, token, ImportConfirmSerializer)

        def confirm() -> ImportUpload:
            with transaction.atomic():  # the choices and the confirm: both, or neither
                if data.get("records"):
                    import_preview_rows_choose(upload=upload, choices=data["records"])
                return import_preview_confirm(upload=upload, change_note=data["change_note"])

        # Sent again with its key (a client's retry after a lost answer): 202 with the import's
        # state, as the first time, not "confirmed already".
        action = f"reference-import-confirm-{upload.pk}"
        return self._accepted_once(request, action=action, perform=confirm)

    def _upload(self, request: Request, token: str) -> ImportUpload:
        """The caller's own upload; 404 for anyone who may not edit the library."""
        if not permissions.can_edit_references.test(request.user):
            raise NotFound
        upload = import_upload_of(token=token, actor=acting_user(request))
        if upload is None:
            raise NotFound
        return upload

    def _upload_posted(
        self, request: Request, token: str, serializer_class: type[serializers.Serializer[Any]]
    ) -> tuple[ImportUpload, dict[str, Any]]:
        """The caller's own upload (_upload) and the posted body, checked by
        `serializer_class` (400 when it does not fit)."""
        upload = self._upload(request, token)
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        return upload, serializer.validated_data

    def _accepted_once(
        self, request: Request, *, action: str, perform: Callable[[], ImportUpload]
    ) -> Response:
        """`perform` once per Idempotency-Key (editorial.api.common.sent_once), answered 202
        with the upload it made or acted on: read again only for a repeat."""
        upload = made_once(
            lambda run: sent_once(request, action=action, perform=run), perform, ImportUpload
        )
        return self._accepted(upload)

    def _accepted(self, upload: ImportUpload) -> Response:
        body = ImportJobSerializer(upload, context={"request": self.request}).data
        return Response(
            body, status=status.HTTP_202_ACCEPTED, headers={"Location": body["status_url"]}
        )


def _statuses(raw: str) -> list[str]:
    if not raw.strip():
        return list(STATUSES)
    chosen = [part.strip() for part in raw.split(",") if part.strip()]
    for value in chosen:
        if value not in STATUSES:
            message = STATUS_INVALID.format(value=value, statuses=", ".join(STATUSES))
            raise ValidationError({"status": [message]})
    return chosen
