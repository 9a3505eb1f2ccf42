"""The review over HTTP: assignments (accept, decline, remove, declare), decisions, comments."""

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from articles.models import AudienceLevel, Revision
from editorial import comments, review, workflow
from editorial.api import filters
from editorial.api.common import (
    ERRORS,
    IDEMPOTENCY_KEY,
    STATE_CONFLICT,
    ScopedPrimaryKeyRelatedField,
    UserSummarySerializer,
    acting_user,
    sent_once,
)
from editorial.models import (
    InterestEntry,
    ReviewAssignment,
    ReviewComment,
    ReviewDecision,
)
from editorial.selectors import (
    assignments_for_user,
    comments_for_user,
    decisions_for_user,
    revisions_for_user,
)


class ReviewAssignmentSerializer(serializers.ModelSerializer[ReviewAssignment]):
    article = serializers.IntegerField(source="revision.article_id", read_only=True)
    reviewer = UserSummarySerializer(read_only=True)
    assigned_by = UserSummarySerializer(read_only=True)

    class Meta:
        model = ReviewAssignment
        fields = [
            "id",
            "article",
            "revision",
            "reviewer",
            "assigned_by",
            "assigned_at",
            "state",
            "due_date",
            "responded_at",
            "decline_reason",
        ]
        read_only_fields = fields


class ReviewDecisionSerializer(serializers.ModelSerializer[ReviewDecision]):
    article = serializers.IntegerField(source="revision.article_id", read_only=True)
    reviewer = UserSummarySerializer(read_only=True)

    class Meta:
        model = ReviewDecision
        fields = [
            "id",
            "article",
            "revision",
            "reviewer",
            "review_round",
            "verdict",
            "reason",
            "editors_note",
            "decided_at",
        ]
        read_only_fields = fields


class DeclineSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(help_text="Why you decline; required.")


class RemoveSerializer(serializers.Serializer[Any]):
    note = serializers.CharField(required=False, default="", allow_blank=True)


class InterestEntrySerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=InterestEntry.Kind.choices)
    details = serializers.CharField()


class DeclarationSerializer(serializers.Serializer[Any]):
    """No conflict of interest (`none: true`), or at least one typed interest."""

    none = serializers.BooleanField(default=False)
    interests = InterestEntrySerializer(many=True, required=False, default=list)


class CommentSerializer(serializers.ModelSerializer[ReviewComment]):
    audience = serializers.SlugRelatedField[AudienceLevel](slug_field="slug", read_only=True)
    author = UserSummarySerializer(read_only=True)
    resolved_by = UserSummarySerializer(read_only=True, allow_null=True)
    is_resolved = serializers.BooleanField(read_only=True)

    class Meta:
        model = ReviewComment
        fields = [
            "id",
            "revision",
            "first_revision",
            "parent",
            "audience",
            "quoted_text",
            "offset",
            "severity",
            "body",
            "author",
            "created_at",
            "is_resolved",
            "resolved_at",
            "resolved_by",
        ]
        read_only_fields = fields


class CommentCreateSerializer(serializers.Serializer[Any]):
    revision = ScopedPrimaryKeyRelatedField(
        selector=revisions_for_user, queryset=Revision.objects.all()
    )
    audience = serializers.SlugRelatedField(slug_field="slug", queryset=AudienceLevel.objects.all())
    quoted_text = serializers.CharField(
        max_length=2000,
        help_text="The passage as readers read it: the rendered text, not the Markdown "
        "(formatting and whitespace do not matter).",
    )
    offset = serializers.IntegerField(
        min_value=0,
        required=False,
        allow_null=True,
        default=None,
        help_text="Where the passage starts in that text (whitespace collapsed): picks among "
        "repeated passages, the nearest one; the first when left out.",
    )
    severity = serializers.ChoiceField(
        choices=ReviewComment.Severity.choices, default=ReviewComment.Severity.NOTE
    )
    body = serializers.CharField(help_text="The comment.")


class ReplySerializer(serializers.Serializer[Any]):
    body = serializers.CharField(help_text="The reply.")


class InviteAgainSerializer(serializers.Serializer[Any]):
    revision = ScopedPrimaryKeyRelatedField(
        selector=revisions_for_user,
        queryset=Revision.objects.all(),
        help_text="The revision to review: usually the new revision after changes were requested.",
    )
    due_date = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="Default: in 14 days."
    )


@extend_schema(tags=["review"])
class ReviewAssignmentViewSet(viewsets.ReadOnlyModelViewSet[ReviewAssignment]):
    """Review assignments: all for editors, your own for board members."""

    queryset = ReviewAssignment.objects.none()
    serializer_class = ReviewAssignmentSerializer
    filterset_class = filters.ReviewAssignmentFilter
    ordering_fields = ["assigned_at"]

    def get_queryset(self) -> QuerySet[ReviewAssignment]:
        if getattr(self, "swagger_fake_view", False):
            return ReviewAssignment.objects.none()
        return assignments_for_user(user=acting_user(self.request))

    def _answer(self, assignment: ReviewAssignment) -> Response:
        return Response(ReviewAssignmentSerializer(self.get_queryset().get(pk=assignment.pk)).data)

    @extend_schema(
        request=InviteAgainSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={201: ReviewAssignmentSerializer(many=True), **ERRORS, **STATE_CONFLICT},
    )
    @action(detail=False, methods=["post"], url_path="invite-again", filter_backends=[])
    def invite_again(self, request: Request) -> Response:
        """Invite the board members who reviewed the article's last round to review this
        revision, each as the assign transition invites one (they accept and declare their
        interests again); answers with the revision's reviewers now."""
        serializer = InviteAgainSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        revision = serializer.validated_data["revision"]

        def invite() -> int:
            workflow.revision_invite_reviewers_again(
                revision=revision,
                actor=acting_user(request),
                due_date=serializer.validated_data["due_date"],
            )
            return revision.pk

        sent_once(request, action=f"invite-again-{revision.pk}", perform=invite)
        reviewers = self.get_queryset().filter(
            revision=revision, state__in=ReviewAssignment.ACTIVE_STATES
        )
        return Response(
            ReviewAssignmentSerializer(reviewers.order_by("pk"), many=True).data,
            status.HTTP_201_CREATED,
        )

    @extend_schema(
        request=None, responses={200: ReviewAssignmentSerializer, **ERRORS, **STATE_CONFLICT}
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def accept(self, request: Request, pk: str | None = None) -> Response:
        """The invited board member accepts to review."""
        assignment = self.get_object()
        review.assignment_accept(assignment=assignment, actor=acting_user(request))
        return self._answer(assignment)

    @extend_schema(
        request=DeclineSerializer,
        responses={200: ReviewAssignmentSerializer, **ERRORS, **STATE_CONFLICT},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def decline(self, request: Request, pk: str | None = None) -> Response:
        """The reviewer declines, with a reason; they lose access to the revision."""
        assignment = self.get_object()
        serializer = DeclineSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        review.assignment_decline(
            assignment=assignment,
            actor=acting_user(request),
            reason=serializer.validated_data["reason"],
        )
        return self._answer(assignment)

    @extend_schema(
        request=RemoveSerializer,
        responses={200: ReviewAssignmentSerializer, **ERRORS, **STATE_CONFLICT},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def remove(self, request: Request, pk: str | None = None) -> Response:
        """An editor takes the reviewer off the revision."""
        assignment = self.get_object()
        serializer = RemoveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        review.assignment_remove(
            assignment=assignment,
            actor=acting_user(request),
            note=serializer.validated_data["note"],
        )
        return self._answer(assignment)

    @extend_schema(
        request=DeclarationSerializer,
        responses={200: DeclarationSerializer, **ERRORS, **STATE_CONFLICT},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def interests(self, request: Request, pk: str | None = None) -> Response:
        """The reviewer declares no conflict of interest, or typed interests (until deciding)."""
        assignment = self.get_object()
        serializer = DeclarationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        declaration = review.interests_declare(
            assignment=assignment,
            actor=acting_user(request),
            none=data["none"],
            interests=[review.Interest(i["kind"], i["details"]) for i in data["interests"]],
        )
        entries = declaration.entries.all()
        return Response(
            DeclarationSerializer(
                {"none": not declaration.has_interests, "interests": entries}
            ).data
        )


@extend_schema(tags=["review"])
class ReviewDecisionViewSet(viewsets.ReadOnlyModelViewSet[ReviewDecision]):
    """Reviewers' decisions: all for editors, your own for board members."""

    queryset = ReviewDecision.objects.none()
    serializer_class = ReviewDecisionSerializer
    filterset_class = filters.ReviewDecisionFilter
    ordering_fields = ["decided_at"]

    def get_queryset(self) -> QuerySet[ReviewDecision]:
        if getattr(self, "swagger_fake_view", False):
            return ReviewDecision.objects.none()
        return decisions_for_user(user=acting_user(self.request))


@extend_schema(tags=["review"])
class CommentViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[ReviewComment],
):
    """Comments (threads and replies) on the revisions you may read; filter by `revision`."""

    queryset = ReviewComment.objects.none()
    serializer_class = CommentSerializer
    filterset_class = filters.CommentFilter
    ordering_fields = ["created_at", "offset"]

    def get_queryset(self) -> QuerySet[ReviewComment]:
        if getattr(self, "swagger_fake_view", False):
            return ReviewComment.objects.none()
        return comments_for_user(user=acting_user(self.request)).order_by(
            "revision", "offset", "created_at", "pk"
        )

    def _answer(self, comment: ReviewComment, code: int = status.HTTP_200_OK) -> Response:
        return Response(CommentSerializer(self.get_queryset().get(pk=comment.pk)).data, code)

    @extend_schema(
        request=CommentCreateSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={201: CommentSerializer, **ERRORS},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Start a thread on a quoted passage of an audience body of a revision."""
        serializer = CommentCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data

        def comment() -> int:
            return comments.comment_create(
                revision=data["revision"],
                actor=acting_user(request),
                audience=data["audience"],
                quoted_text=data["quoted_text"],
                offset=data["offset"],
                body=data["body"],
                severity=data["severity"],
            ).pk

        done = sent_once(request, action="comment", perform=comment)
        thread = self.get_queryset().get(pk=done.object_id)
        return Response(CommentSerializer(thread).data, status.HTTP_201_CREATED)

    @extend_schema(
        request=ReplySerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={201: CommentSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def reply(self, request: Request, pk: str | None = None) -> Response:
        """Reply in the thread this comment starts."""
        parent = self.get_object()
        serializer = ReplySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)

        def write_reply() -> int:
            return comments.comment_reply(
                parent=parent, actor=acting_user(request), body=serializer.validated_data["body"]
            ).pk

        done = sent_once(request, action=f"reply-{parent.pk}", perform=write_reply)
        thread = self.get_queryset().get(pk=done.object_id)
        return Response(CommentSerializer(thread).data, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: CommentSerializer, **ERRORS, **STATE_CONFLICT})
    @action(detail=True, methods=["post"], filter_backends=[])
    def resolve(self, request: Request, pk: str | None = None) -> Response:
        """Resolve the thread (its author or an editor)."""
        comment = comments.comment_resolve(comment=self.get_object(), actor=acting_user(request))
        return self._answer(comment)

    @extend_schema(request=None, responses={200: CommentSerializer, **ERRORS, **STATE_CONFLICT})
    @action(detail=True, methods=["post"], filter_backends=[])
    def reopen(self, request: Request, pk: str | None = None) -> Response:
        """Reopen a resolved thread (its author or an editor)."""
        comment = comments.comment_reopen(comment=self.get_object(), actor=acting_user(request))
        return self._answer(comment)
