"""Citations to update: references with a corrected, retracted or superseded version newer
than the one an article's revision in review, approved or published pins (read-only)."""

from typing import Any, cast

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from articles.plain_input import row_id
from articles.references.flags import citations_flagged_rows, flagged_citations
from articles.references.models import ReferenceStatus, RevisionCitation
from editorial.api.common import ERRORS, ReviewStatusField, acting_user
from editorial.api.reference_serializers import FieldChangeSerializer
from editorial.selectors import flag_scope_for_user

ARTICLE_INVALID = "`article` must be an article id, written with the digits 0-9."


class FlaggingVersionSerializer(serializers.Serializer[Any]):
    number = serializers.IntegerField()
    status = serializers.ChoiceField(choices=ReferenceStatus.choices)
    change_note = serializers.CharField()
    title = serializers.CharField()
    created_at = serializers.DateTimeField()


class FlaggedCitationSerializer(serializers.Serializer[Any]):
    article = serializers.IntegerField(source="article.pk")
    article_title = serializers.CharField(source="article.title")
    revision = serializers.IntegerField(source="revision.pk")
    revision_number = serializers.IntegerField(source="revision.number")
    revision_status = ReviewStatusField(source="revision.status")
    published = serializers.SerializerMethodField()
    reference = serializers.IntegerField(source="citation.reference_id")
    key = serializers.CharField()
    pinned_version = serializers.IntegerField(source="pinned.number")
    newer_version = FlaggingVersionSerializer(
        source="newer", help_text="The newest corrected, retracted or superseded version."
    )
    current_version = serializers.IntegerField(source="current.number")
    retracted = serializers.BooleanField(
        source="is_retracted",
        help_text="The pinned or current version is retracted: the revision cannot be approved.",
    )
    draft = serializers.IntegerField(
        source="draft_number",
        allow_null=True,
        help_text="The number of the article's open draft, where the citation can be updated; "
        "null: start one (POST /api/v1/revisions/).",
    )
    changes = FieldChangeSerializer(many=True, help_text="From the pinned to the newer version.")

    def get_published(self, flag: Any) -> bool:
        return bool(flag.article.published_revision_id == flag.revision.pk)


class FlaggedCitationList(generics.ListAPIView):  # type: ignore[type-arg]
    """Citations to update in the articles you may open, grouped by reference (each
    reference's citations in the order they were made): each pins a reference version older
    than a corrected, retracted or superseded one. A page at a time (`next`, `previous`)."""

    permission_classes = [IsAuthenticated]
    serializer_class = FlaggedCitationSerializer
    queryset = RevisionCitation.objects.none()  # the model, for the schema and the browser
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[RevisionCitation]:
        if getattr(self, "swagger_fake_view", False):
            return RevisionCitation.objects.none()
        raw = self.request.query_params.get("article")
        article_id = row_id(raw)
        if raw is not None and article_id is None:
            raise ValidationError({"article": [ARTICLE_INVALID]})
        # A page is a range of the index of citations by reference (citation_by_reference).
        scope = flag_scope_for_user(user=acting_user(self.request))
        rows = citations_flagged_rows(articles=scope, article_id=article_id)
        return rows.order_by("reference_id", "pk")

    @extend_schema(
        tags=["references"],
        parameters=[OpenApiParameter("article", OpenApiTypes.INT, description="One article.")],
        responses={200: FlaggedCitationSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        flags = flagged_citations(cast(list[RevisionCitation], page or []))
        data = FlaggedCitationSerializer(flags, many=True).data
        return self.get_paginated_response(data)
