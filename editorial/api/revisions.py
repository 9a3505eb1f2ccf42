"""Revisions and their audience bodies over HTTP: read, start a draft, write bodies (with
If-Match), and the diff against the last approved revision."""

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from articles import services
from articles.models import Article, AudienceBody, AudienceLevel, ChangeKind, Revision
from articles.readability import is_above_target, stored_scores
from editorial import drafts
from editorial.api import filters
from editorial.api.common import (
    ERRORS,
    IDEMPOTENCY_KEY,
    ErrorSerializer,
    ReadOrEditorWrite,
    ReviewStatusField,
    ScopedPrimaryKeyRelatedField,
    UserSummarySerializer,
    acting_user,
    sent_once,
)
from editorial.api.revision_diff import RevisionDiffSerializer, diff_base
from editorial.changes import comparison_base, revision_compare
from editorial.selectors import (
    articles_for_user,
    revisions_for_user,
)

CONTENT_LOCKED = {
    409: OpenApiResponse(
        ErrorSerializer, description="The revision was submitted and can no longer change."
    )
}

STALE_BODY = {
    412: OpenApiResponse(
        ErrorSerializer,
        description="If-Match named a body text that has changed since: read it again.",
    )
}

IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="The ETag of the body as you read it: the write is refused (412) if it changed.",
)


def body_etag(body: AudienceBody | None) -> str:
    return f'"{services.body_fingerprint(body)}"'


def if_match_seen(request: Request, body: AudienceBody) -> dict[int, str] | None:
    """The fingerprint an If-Match header claims for `body`, as revision_edit's `seen`."""
    header = request.headers.get("If-Match", "").strip()
    if not header or header == "*":
        return None
    tag = header.removeprefix("W/").strip('"')
    return {body.audience_id: tag}


class RevisionSerializer(serializers.ModelSerializer[Revision]):
    status = ReviewStatusField(read_only=True)
    author = UserSummarySerializer(read_only=True)
    last_edited_by = UserSummarySerializer(read_only=True, allow_null=True)
    # Declared: a read-only model field loses allow_blank, and "" (not submitted yet) is a value.
    change_kind = serializers.ChoiceField(
        choices=ChangeKind.choices, allow_blank=True, read_only=True
    )

    class Meta:
        model = Revision
        fields = [
            "id",
            "article",
            "number",
            "status",
            "is_editable",
            "change_summary",
            "author",
            "last_edited_by",
            "created_at",
            "submitted_at",
            "review_round",
            "approved_at",
            "change_kind",
            "reader_summary",
            "reader_summaries",
            "published_at",
        ]
        read_only_fields = fields


class RevisionCreateSerializer(serializers.Serializer[Any]):
    article = ScopedPrimaryKeyRelatedField(
        selector=articles_for_user, queryset=Article.objects.all()
    )
    change_summary = serializers.CharField(max_length=300, required=False, default="")
    from_revision = serializers.PrimaryKeyRelatedField(
        queryset=Revision.objects.all(),
        required=False,
        help_text=(
            "Start from this earlier revision of the article (its id): the draft gets a copy "
            "of its text, and the audit trail says so. Default: the newest revision."
        ),
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        source = attrs.get("from_revision")
        if source is not None and source.article_id != attrs["article"].pk:
            raise serializers.ValidationError({"from_revision": [SOURCE_ELSEWHERE]})
        return attrs


class ReadabilitySerializer(serializers.Serializer[Any]):
    """Stored scores of a body; null until the background job has scored its current text."""

    fk_grade = serializers.FloatField(help_text="Flesch-Kincaid grade.")
    smog = serializers.FloatField(help_text="SMOG grade.")
    smog_is_valid = serializers.BooleanField(help_text="False below 30 sentences.")
    reading_ease = serializers.FloatField(help_text="Flesch reading ease, 0-100.")
    sentence_count = serializers.IntegerField()
    word_count = serializers.IntegerField()


class AudienceBodySerializer(serializers.ModelSerializer[AudienceBody]):
    audience = serializers.SlugRelatedField[AudienceLevel](slug_field="slug", read_only=True)
    readability = serializers.SerializerMethodField()
    target_grade = serializers.DecimalField(
        source="audience.target_grade",
        max_digits=4,
        decimal_places=1,
        read_only=True,
        allow_null=True,  # a level without a target
    )
    above_target = serializers.SerializerMethodField()

    class Meta:
        model = AudienceBody
        fields = [
            "id",
            "revision",
            "audience",
            "body",
            "updated_at",
            "readability",
            "target_grade",
            "above_target",
        ]
        read_only_fields = fields

    @extend_schema_field(ReadabilitySerializer(allow_null=True))
    def get_readability(self, body: AudienceBody) -> dict[str, Any] | None:
        scores = stored_scores(body)
        return ReadabilitySerializer(scores).data if scores is not None else None

    def get_above_target(self, body: AudienceBody) -> bool:
        return is_above_target(stored_scores(body), body.audience.target_grade)


class AudienceBodyCreateSerializer(serializers.Serializer[Any]):
    revision = ScopedPrimaryKeyRelatedField(
        selector=revisions_for_user, queryset=Revision.objects.all()
    )
    audience = serializers.SlugRelatedField(slug_field="slug", queryset=AudienceLevel.objects.all())
    body = serializers.CharField(help_text="Markdown.")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if AudienceBody.objects.filter(
            revision=attrs["revision"], audience=attrs["audience"]
        ).exists():
            raise serializers.ValidationError(
                "This revision already has a body for that audience: update it instead.",
                code="unique",
            )
        return attrs


class AudienceBodyUpdateSerializer(serializers.Serializer[Any]):
    body = serializers.CharField(help_text="Markdown.")


SOURCE_ELSEWHERE = "That revision belongs to another article: start from one of this article's."


@extend_schema(tags=["revisions"])
class RevisionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[Revision],
):
    """Revisions you may read; editors start a new draft from the newest revision."""

    queryset = Revision.objects.none()
    serializer_class = RevisionSerializer
    permission_classes = [ReadOrEditorWrite]
    filterset_class = filters.RevisionFilter
    ordering_fields = ["number", "created_at", "submitted_at"]

    def get_queryset(self) -> QuerySet[Revision]:
        if getattr(self, "swagger_fake_view", False):
            return Revision.objects.none()
        return revisions_for_user(user=acting_user(self.request))

    @extend_schema(
        request=RevisionCreateSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={
            201: RevisionSerializer,
            **ERRORS,
            409: OpenApiResponse(
                ErrorSerializer, description="The newest revision is still a draft."
            ),
        },
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = RevisionCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data

        def start_draft() -> int:
            if data.get("from_revision") is not None:
                return drafts.revision_restore(
                    source=data["from_revision"],
                    actor=acting_user(request),
                    change_summary=data["change_summary"],
                ).pk
            return services.revision_create_draft(
                article=data["article"],
                author=acting_user(request),
                change_summary=data["change_summary"],
            ).pk

        done = sent_once(request, action="revision-create", perform=start_draft)
        return Response(
            RevisionSerializer(self.get_queryset().get(pk=done.object_id)).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "base",
                OpenApiTypes.INT,
                description="Compare with this revision of the same article (its id) instead.",
            )
        ],
        responses={200: RevisionDiffSerializer, **ERRORS},
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def diff(self, request: Request, pk: str | None = None) -> Response:
        """What changed in each audience body, block by block, and in the references, against
        the last approved revision before this one (or else the previous one), or against
        `?base=`; only the bodies that changed are listed."""
        revision = self.get_object()
        base = (
            diff_base(request.query_params["base"], revision=revision)
            if "base" in request.query_params
            else comparison_base(revision)
        )
        comparison = revision_compare(revision=revision, base=base)
        data = {
            "revision": revision.pk,
            "base": base.pk if base else None,
            "base_number": base.number if base else None,
            "bodies": comparison.changed_bodies,
            "references": comparison.references,
        }
        return Response(RevisionDiffSerializer(data).data)


@extend_schema(tags=["bodies"])
class AudienceBodyViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet[AudienceBody],
):
    """The Markdown body of a revision for one audience; editors write those of drafts."""

    queryset = AudienceBody.objects.none()
    serializer_class = AudienceBodySerializer
    permission_classes = [ReadOrEditorWrite]
    filterset_class = filters.AudienceBodyFilter
    ordering_fields = ["updated_at"]

    def get_queryset(self) -> QuerySet[AudienceBody]:
        if getattr(self, "swagger_fake_view", False):
            return AudienceBody.objects.none()
        readable = revisions_for_user(user=acting_user(self.request)).values("pk")
        return AudienceBody.objects.filter(revision__in=readable).select_related("audience")

    @extend_schema(
        request=AudienceBodyCreateSerializer,
        responses={201: AudienceBodySerializer, **ERRORS, **CONTENT_LOCKED},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = AudienceBodyCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        body = self._write(revision=data["revision"], audience=data["audience"], text=data["body"])
        return Response(AudienceBodySerializer(body).data, status=status.HTTP_201_CREATED)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = self.get_object()
        return Response(AudienceBodySerializer(body).data, headers={"ETag": body_etag(body)})

    @extend_schema(
        request=AudienceBodyUpdateSerializer,
        parameters=[IF_MATCH],
        responses={200: AudienceBodySerializer, **ERRORS, **CONTENT_LOCKED, **STALE_BODY},
    )
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = self.get_object()
        serializer = AudienceBodyUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        body = self._write(
            revision=body.revision,
            audience=body.audience,
            text=serializer.validated_data["body"],
            seen=if_match_seen(request, body),
        )
        return Response(AudienceBodySerializer(body).data, headers={"ETag": body_etag(body)})

    @extend_schema(
        request=AudienceBodyUpdateSerializer,
        parameters=[IF_MATCH],
        responses={200: AudienceBodySerializer, **ERRORS, **CONTENT_LOCKED, **STALE_BODY},
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # The only writable field is required, so a PATCH is a PUT.
        return self.update(request, *args, **kwargs)

    @extend_schema(
        parameters=[IF_MATCH], responses={204: None, **ERRORS, **CONTENT_LOCKED, **STALE_BODY}
    )
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = self.get_object()
        services.revision_edit(
            revision=body.revision,
            editor=acting_user(request),
            bodies={body.audience: ""},
            seen=if_match_seen(request, body),
        )
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _write(
        self,
        *,
        revision: Revision,
        audience: Any,
        text: str,
        seen: dict[int, str] | None = None,
    ) -> AudienceBody:
        services.revision_edit(
            revision=revision, editor=acting_user(self.request), bodies={audience: text}, seen=seen
        )
        return AudienceBody.objects.select_related("audience").get(
            revision=revision, audience=audience
        )
