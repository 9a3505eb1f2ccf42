"""Articles over HTTP: list, read, create and edit, and the workflow transitions."""

from collections.abc import Iterable
from typing import Any, TypeVar

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from articles import services
from articles.models import READER_SUMMARY_MAX_LENGTH, Article, ChangeKind, Revision
from articles.selectors import revision_newest
from editorial import workflow
from editorial.api import filters
from editorial.api.common import (
    ERRORS,
    IDEMPOTENCY_KEY,
    ErrorSerializer,
    ReadOrEditorWrite,
    ReasonSerializer,
    ReviewStatusField,
    ScopedPrimaryKeyRelatedField,
    acting_user,
    sent_once,
)
from editorial.models import (
    User,
)
from editorial.selectors import (
    articles_for_user,
    revisions_for_user,
)

UNKNOWN_TRANSITION = "Unknown transition {name!r}; known: {known}."

NO_REVISION = "This article has no revision yet."
Row = TypeVar("Row")


class ArticleSerializer(serializers.ModelSerializer[Article]):
    """An article with the status and number of its newest revision (selector annotations)."""

    status = ReviewStatusField(read_only=True, allow_null=True)
    latest_revision_number = serializers.IntegerField(
        source="latest_number", read_only=True, allow_null=True
    )

    class Meta:
        model = Article
        fields = [
            "id",
            "slug",
            "title",
            "topic",
            "review_interval_months",
            "status",
            "latest_revision_number",
            "published_revision",
            "published_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "id",
            "slug",
            "published_revision",
            "published_at",
            "created_at",
            "updated_at",
        ]

    def update(self, instance: Article, validated_data: dict[str, Any]) -> Article:
        return services.article_details_update(article=instance, changes=validated_data)


# DRF's own field, unbound: the same text ArticleSerializer writes (the current time zone).
_DATETIME = serializers.DateTimeField()


# What a list's row shows, and every column its pages may be ordered by (the keyset's cursor
# reads them from the row): read as named tuples, not model instances, which cost more to
# build than the page's statement (0.74 -> 0.51 ms for 26 rows).
LIST_ROW_FIELDS = [
    "pk",
    "slug",
    "title",
    "topic",
    "review_interval_months",
    "status",  # the selector's annotations
    "latest_number",
    "published_revision_id",
    "published_at",
    "created_at",
    "updated_at",
]


def article_rows(articles: Iterable[Any]) -> list[dict[str, Any]]:
    """article_row of each article (or row of LIST_ROW_FIELDS), with DRF's DateTimeField given
    the current time zone once for the list (unbound, it asks at each of a page's 75 dates)."""
    moment = (
        serializers.DateTimeField(default_timezone=timezone.get_current_timezone())
        if settings.USE_TZ
        else _DATETIME
    )
    return [article_row(article, moment=moment) for article in articles]


def article_row(article: Any, *, moment: serializers.DateTimeField = _DATETIME) -> dict[str, Any]:
    """ArticleSerializer(article).data for a list's row, the same keys and values (a test
    compares them), written directly from an Article with the selector's annotations or a row
    of LIST_ROW_FIELDS; `moment` writes the dates."""
    return {
        "id": article.pk,
        "slug": article.slug,
        "title": article.title,
        "topic": article.topic,
        "review_interval_months": article.review_interval_months,
        "status": article.status,
        "latest_revision_number": article.latest_number,
        "published_revision": article.published_revision_id,
        "published_at": (
            moment.to_representation(article.published_at) if article.published_at else None
        ),
        "created_at": moment.to_representation(article.created_at),
        "updated_at": moment.to_representation(article.updated_at),
    }


class ArticleCreateSerializer(serializers.ModelSerializer[Article]):
    class Meta:
        model = Article
        fields = ["slug", "title", "topic", "review_interval_months"]
        extra_kwargs = {
            "slug": {"required": False, "help_text": "Made from the title when left out."},
            # article_create needs it; "" is a topic (none yet), a missing key is a mistake.
            "topic": {"required": True, "allow_blank": True},
        }

    def create(self, validated_data: dict[str, Any]) -> Article:
        return services.article_create(author=self.context["request"].user, **validated_data)


class RevisionChoiceSerializer(serializers.Serializer[Any]):
    """Which revision of the article (in `context["article"]`); the newest when left out."""

    revision = ScopedPrimaryKeyRelatedField(
        selector=revisions_for_user,
        queryset=Revision.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text="The revision to act on; the article's newest revision when left out.",
    )

    def validate_revision(self, revision: Revision | None) -> Revision | None:
        if revision is not None and revision.article_id != self.context["article"].pk:
            raise serializers.ValidationError(workflow.WRONG_ARTICLE)
        return revision


class TransitionSerializer(RevisionChoiceSerializer):
    """Input of a transition."""

    note = serializers.CharField(
        required=False,
        default="",
        allow_blank=True,
        help_text="Optional comment; the reason, required, for request-changes.",
    )
    reviewer = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text="The board member to assign (assign-reviewer only).",
    )
    due_date = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="When the review is due (assign-reviewer only); default in 14 days.",
    )
    editors_note = serializers.CharField(
        required=False,
        default="",
        allow_blank=True,
        help_text="A reviewer's note for the editors only (approve, request-changes).",
    )
    change_kind = serializers.ChoiceField(
        choices=ChangeKind.choices,
        required=False,
        allow_null=True,
        default=None,
        help_text="Submit only: what the revision changes. Left out, it is a new article "
        "before readers saw the article, else a major clinical update. An editorial change "
        "never moves the article's last-reviewed date.",
    )
    reader_summary = serializers.CharField(
        required=False,
        default="",
        allow_blank=True,
        max_length=READER_SUMMARY_MAX_LENGTH,
        help_text="Submit only: what changed, told to readers in the update history; "
        "required for an update.",
    )
    reader_summaries = serializers.DictField(
        child=serializers.CharField(max_length=READER_SUMMARY_MAX_LENGTH, allow_blank=True),
        required=False,
        default=dict,
        help_text="Submit only: the summary for the readers of an audience level (by its slug) "
        "where it differs from `reader_summary`.",
    )


class BlockedTransitionSerializer(serializers.Serializer[Any]):
    name = serializers.ChoiceField(choices=workflow.ACTION_NAMES)
    display = serializers.CharField(source="label", help_text="What its button says.")
    reasons = ReasonSerializer(many=True)


class WorkflowStateSerializer(serializers.Serializer[Any]):
    """An article, the revision acted on (or looked at), its status and the user's next steps."""

    article = ArticleSerializer()
    revision = serializers.IntegerField(source="revision.pk")
    revision_number = serializers.IntegerField(source="revision.number")
    status = ReviewStatusField(source="revision.status")
    allowed_transitions = serializers.ListField(
        child=serializers.ChoiceField(choices=workflow.ACTION_NAMES),
        help_text="What the requesting user may do with this revision now.",
    )
    blocked_transitions = BlockedTransitionSerializer(
        many=True,
        help_text="The other transitions, each with the reasons you may not take it now (the "
        "same the transition would be refused with).",
    )


class TransitionNotAllowedSerializer(ErrorSerializer):
    current_status = ReviewStatusField(required=False)
    allowed_transitions = serializers.ListField(
        child=serializers.ChoiceField(choices=workflow.ACTION_NAMES), required=False
    )


@extend_schema(tags=["articles"])
class ArticleViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet[Article],
):
    """Articles with the status of their newest revision; editors create and edit them."""

    queryset = Article.objects.none()  # the model, for the schema; rows come from the selector
    serializer_class = ArticleSerializer
    permission_classes = [ReadOrEditorWrite]
    filterset_class = filters.ArticleFilter
    ordering_fields = ["title", "created_at", "updated_at", "published_at"]

    def get_queryset(self) -> QuerySet[Article]:
        if getattr(self, "swagger_fake_view", False):
            return Article.objects.none()
        # The list reads its page's statuses through a join (no subqueries per row).
        return articles_for_user(user=acting_user(self.request), annotated=self.action != "list")

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """ListModelMixin's, with each row read as a named tuple (LIST_ROW_FIELDS) and written
        by article_row (ArticleSerializer's output without its per-field machinery, which cost
        more than the page's SQL)."""
        queryset = self.filter_queryset(self.get_queryset()).values_list(
            *LIST_ROW_FIELDS, named=True
        )
        page = self.paginate_queryset(queryset)
        rows = article_rows(queryset if page is None else page)
        return Response(rows) if page is None else self.get_paginated_response(rows)

    @extend_schema(
        request=ArticleCreateSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={201: ArticleSerializer, **ERRORS},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = ArticleCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        done = sent_once(request, action="article-create", perform=lambda: serializer.save().pk)
        article = self.get_queryset().get(pk=done.object_id)
        return Response(ArticleSerializer(article).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "revision",
                OpenApiTypes.INT,
                description="A revision of this article; the newest when left out.",
            )
        ],
        responses={200: WorkflowStateSerializer, **ERRORS},
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="transitions",
        permission_classes=[IsAuthenticated],
        filter_backends=[],
    )
    def transitions(self, request: Request, pk: str | None = None) -> Response:
        """The status of a revision and the transitions you may take on it now."""
        article = self.get_object()
        choice = RevisionChoiceSerializer(
            data=request.query_params, context={"request": request, "article": article}
        )
        choice.is_valid(raise_exception=True)
        revision = choice.validated_data["revision"] or self._newest_revision(article)
        return Response(self._workflow_state(article_pk=article.pk, revision_pk=revision.pk))

    @extend_schema(
        operation_id="articles_transition_create",
        parameters=[
            OpenApiParameter(
                "name",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                enum=workflow.ACTION_NAMES,
                description="The transition to take.",
            ),
            IDEMPOTENCY_KEY,
        ],
        request=TransitionSerializer,
        responses={
            200: WorkflowStateSerializer,
            **ERRORS,
            409: OpenApiResponse(
                TransitionNotAllowedSerializer,
                description="Not allowed from the current status (with `current_status` and "
                "`allowed_transitions`), or a precondition failed (`detail` only).",
            ),
        },
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"transitions/(?P<name>[^/.]+)",
        permission_classes=[IsAuthenticated],
        filter_backends=[],
    )
    def transition(self, request: Request, pk: str | None = None, name: str = "") -> Response:
        """Take a workflow transition on a revision (the newest unless `revision` is given).

        `unpublish` takes the whole article off the public site, whichever revision is published.
        """
        article = self.get_object()
        if name not in workflow.ACTION_NAMES:
            raise NotFound(
                UNKNOWN_TRANSITION.format(name=name, known=", ".join(workflow.ACTION_NAMES))
            )
        serializer = TransitionSerializer(
            data=request.data, context={"request": request, "article": article}
        )
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        revision = data["revision"] or self._newest_revision(article)

        def transition() -> int:
            workflow.run_action(
                name,
                revision=revision,
                actor=acting_user(request),
                note=data["note"],
                reviewer=data["reviewer"],
                due_date=data["due_date"],
                editors_note=data["editors_note"],
                change=workflow.submitted_change(
                    kind=data["change_kind"],
                    summary=data["reader_summary"],
                    by_level=data["reader_summaries"],
                )
                if name == workflow.SUBMIT
                else None,
            )
            return revision.pk

        done = sent_once(request, action=name, perform=transition)
        return Response(self._workflow_state(article_pk=article.pk, revision_pk=done.object_id))

    @staticmethod
    def _newest_revision(article: Article) -> Revision:
        # Not scoped to the user's revisions on purpose: acting on an older revision assigned
        # to a reviewer instead of the newest would be a surprise; the workflow refuses (403).
        revision = revision_newest(article=article)
        if revision is None:
            raise workflow.GuardFailed(NO_REVISION)
        return revision

    def _workflow_state(self, *, article_pk: int, revision_pk: int) -> dict[str, Any]:
        article = self.get_queryset().get(pk=article_pk)
        revision = Revision.objects.select_related("article").get(pk=revision_pk)
        states = workflow.transitions_state(revision=revision, actor=acting_user(self.request))
        return WorkflowStateSerializer(
            {
                "article": article,
                "revision": revision,
                "allowed_transitions": [s.name for s in states if s.allowed],
                "blocked_transitions": [s for s in states if not s.allowed],
            }
        ).data
