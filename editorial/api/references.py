"""The reference library over HTTP: list, read, create, new versions, diff, import, export.

Editors and board members may read; only editors write (ReferenceAccess). Refusals of the reference
services (ReferenceInvalid, ImportInvalid) answer 400 through editorial.api.errors.
"""

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from articles.plain_input import ascii_int
from articles.references import selectors, services
from articles.references.exporting import CONTENT_TYPES, ExportFormat, references_export
from articles.references.filters import ReferenceFilter
from articles.references.models import Reference
from editorial import permissions
from editorial.api.common import EDITORS_ONLY, ERRORS, IDEMPOTENCY_KEY, acting_user, sent_once
from editorial.api.pagination import KeysetPagination
from editorial.api.reference_imports import ReferenceImportActions
from editorial.api.reference_serializers import (
    FieldChangeSerializer,
    ReferenceCreateSerializer,
    ReferenceNewVersionSerializer,
    ReferenceSerializer,
    ReferenceVersionSerializer,
    ReferenceWrittenSerializer,
)

IDS_REQUIRED = "Give the references to export: ?ids=1,2,3."
IDS_INVALID = "`ids` must be reference ids separated by commas."
VERSION_NOT_FOUND = "This reference has no version {number}."


class _ExportRenderer(BaseRenderer):
    """Writes the export text as is; `format` picks it from `?format=`."""

    charset = "utf-8"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context=None):  # type: ignore[no-untyped-def]
        if isinstance(data, str):
            return data.encode()
        return str(data.get("detail", data)).encode() if isinstance(data, dict) else b""


def _renderer(export_format: ExportFormat) -> type[BaseRenderer]:
    media_type, _ = CONTENT_TYPES[export_format]
    attrs = {"media_type": media_type, "format": export_format.value}
    return type(f"{export_format.name.title()}Renderer", (_ExportRenderer,), attrs)


EXPORT_RENDERERS = [_renderer(f) for f in ExportFormat]


class ReferenceSearchPaged(ReferenceFilter):
    """The library's filters; the search (`q`) is left to ReferencePagination, which asks it
    for a page alone."""

    def search(self, queryset: QuerySet[Reference], name: str, value: str) -> QuerySet[Reference]:
        return queryset


class ReferencePagination(KeysetPagination):
    """Keyset pages of the library, a search (`q`) asked for the page's rows only: each of its
    conditions stops after a page in the list's order (references_matching with `first`), so
    a word in most of the library costs a page, not every match. Numbered pages (`?page=N`)
    search the whole list, as they count it."""

    def paginate_queryset(self, queryset, request, view=None):  # type: ignore[no-untyped-def]
        self.term = request.query_params.get("q", "")
        if self.legacy_query_param in request.query_params:
            queryset = selectors.references_matching(queryset, self.term)
        return super().paginate_queryset(queryset, request, view)

    def rows(self, ordered: QuerySet[Any], count: int) -> list[Any]:
        return list(selectors.references_matching(ordered, self.term, first=count)[:count])


class ReferenceAccess(BasePermission):
    """Editors and board members read the library (and export it); only editors write."""

    message = EDITORS_ONLY

    def has_permission(self, request: Request, view: Any) -> bool:
        if request.method in SAFE_METHODS:
            return permissions.can_read_references.test(request.user)
        return permissions.can_edit_references.test(request.user)


@extend_schema(tags=["references"])
class ReferenceViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    ReferenceImportActions,
):
    """References with their current version; history, diff, import (ReferenceImportActions)
    and export."""

    queryset = Reference.objects.none()
    serializer_class = ReferenceSerializer
    permission_classes = [ReferenceAccess]
    filterset_class = ReferenceSearchPaged
    pagination_class = ReferencePagination
    ordering_fields = ["key", "created_at"]

    def get_queryset(self) -> QuerySet[Reference]:
        if getattr(self, "swagger_fake_view", False):
            return Reference.objects.none()
        return selectors.references_all().select_related("current_version__changed_by")

    @extend_schema(
        request=ReferenceCreateSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={201: ReferenceWrittenSerializer, **ERRORS},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = ReferenceCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._written_once(
            request,
            action="reference-create",
            write=lambda: services.reference_create(
                actor=acting_user(request), **serializer.validated_data
            ),
        )

    @extend_schema(
        methods=["GET"],
        responses={200: ReferenceVersionSerializer(many=True), **ERRORS},
        description="The versions of the reference, newest first.",
    )
    @extend_schema(
        methods=["POST"],
        request=ReferenceNewVersionSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={201: ReferenceWrittenSerializer, **ERRORS},
        description="Add a version (a change note is required); earlier versions stay.",
    )
    @action(detail=True, methods=["get", "post"], filterset_class=None, pagination_class=None)
    def versions(self, request: Request, pk: str | None = None) -> Response:
        reference = self.get_object()
        if request.method == "GET":
            versions = selectors.reference_versions(reference=reference)
            return Response(ReferenceVersionSerializer(versions, many=True).data)
        serializer = ReferenceNewVersionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._written_once(
            request,
            action=f"reference-version-{reference.pk}",
            write=lambda: services.reference_version_create(
                reference=reference, actor=acting_user(request), **serializer.validated_data
            ),
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("from", OpenApiTypes.INT, description="Older version number."),
            OpenApiParameter("to", OpenApiTypes.INT, description="Newer version number."),
        ],
        responses={200: FieldChangeSerializer(many=True), **ERRORS},
        description="Field-by-field changes between two versions (default: previous to current).",
    )
    @action(detail=True, methods=["get"], filterset_class=None, pagination_class=None)
    def diff(self, request: Request, pk: str | None = None) -> Response:
        reference = self.get_object()
        versions = {v.number: v for v in reference.versions.all()}
        newest = max(versions)
        numbers = []
        for name, default in (("from", newest - 1), ("to", newest)):
            raw = request.query_params.get(name, str(default))
            number = ascii_int(raw)
            if number is None or number not in versions:
                raise ValidationError({name: [VERSION_NOT_FOUND.format(number=raw)]})
            numbers.append(number)
        changes = selectors.reference_version_diff(
            old=versions[numbers[0]], new=versions[numbers[1]]
        )
        return Response(FieldChangeSerializer(changes, many=True).data)

    def handle_exception(self, exc: Exception) -> Response:
        # A refused export answers in JSON, not in the file format it asked for.
        if self.action == "export":
            self.request.accepted_renderer = JSONRenderer()
            self.request.accepted_media_type = JSONRenderer.media_type
        return super().handle_exception(exc)

    @extend_schema(
        parameters=[
            OpenApiParameter("format", str, enum=[f.value for f in ExportFormat], required=True),
            OpenApiParameter("ids", str, required=True, description="Reference ids, e.g. 1,2,3."),
        ],
        responses={
            (200, media_type): OpenApiResponse(OpenApiTypes.STR)
            for media_type, _ in CONTENT_TYPES.values()
        }
        | {(400, "application/json"): ERRORS[400]},
        description="The current versions of the chosen references as a file.",
    )
    @action(
        detail=False,
        methods=["get"],
        renderer_classes=EXPORT_RENDERERS,
        filterset_class=None,
        pagination_class=None,
    )
    def export(self, request: Request) -> Response:
        export_format = ExportFormat(request.accepted_renderer.format)
        raw = request.query_params.get("ids", "")
        if not raw:
            raise ValidationError({"ids": [IDS_REQUIRED]})
        try:
            ids = [int(part) for part in raw.split(",") if part.strip()]
        except ValueError as exc:
            raise ValidationError({"ids": [IDS_INVALID]}) from exc
        references = list(self.get_queryset().filter(pk__in=ids))
        text = references_export(references=references, format=export_format)
        _, extension = CONTENT_TYPES[export_format]
        return Response(
            text,
            headers={"Content-Disposition": f'attachment; filename="references.{extension}"'},
        )

    def _written_once(
        self, request: Request, *, action: str, write: Callable[[], services.VersionWritten]
    ) -> Response:
        """`write` once per Idempotency-Key (editorial.api.common.sent_once), answered 201 with
        the reference and the version's warnings (sent again: the same, as they are now)."""
        done = sent_once(request, action=action, perform=lambda: write().version.pk)
        written = services.version_written(version_id=done.object_id)
        reference = self.get_queryset().get(pk=written.version.reference_id)
        data = ReferenceSerializer(reference).data | {"warnings": written.warnings}
        return Response(data, status=status.HTTP_201_CREATED)
