"""The REST API: scoped reads through the selectors, writes through one service each.

Every queryset comes from a selector given the requesting user, so anything outside the user's
scope answers 404. Workflow and content refusals are mapped to HTTP in editorial.api.errors.
"""

from typing import Any, cast

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from articles import services
from articles.models import Article, AudienceBody, Revision
from editorial import comments, permissions, review, workflow
from editorial.api import filters
from editorial.api.serializers import (
    ArticleCreateSerializer,
    ArticleSerializer,
    AudienceBodyCreateSerializer,
    AudienceBodySerializer,
    AudienceBodyUpdateSerializer,
    AuditEventSerializer,
    CommentCreateSerializer,
    CommentSerializer,
    DeclarationSerializer,
    DeclineSerializer,
    ErrorSerializer,
    NotificationSerializer,
    RemoveSerializer,
    ReplySerializer,
    ReviewAssignmentSerializer,
    ReviewDecisionSerializer,
    RevisionChoiceSerializer,
    RevisionCreateSerializer,
    RevisionDiffSerializer,
    RevisionSerializer,
    TransitionNotAllowedSerializer,
    TransitionSerializer,
    WorkflowStateSerializer,
)
from editorial.changes import reference_changes, revision_changes
from editorial.models import (
    AuditEvent,
    Notification,
    ReviewAssignment,
    ReviewComment,
    ReviewDecision,
    User,
)
from editorial.notifications import notification_mark_read
from editorial.selectors import (
    articles_for_user,
    assignments_for_user,
    audit_events_for_user,
    comments_for_user,
    decisions_for_user,
    notifications_for_user,
    revisions_for_user,
)

UNKNOWN_TRANSITION = "Unknown transition {name!r}; known: {known}."
NO_REVISION = "This article has no revision yet."
EDITORS_ONLY = "Only editors may change content."

ERRORS = {
    400: OpenApiResponse(
        OpenApiTypes.OBJECT, description="Invalid input: messages by field, or `detail`."
    ),
    403: OpenApiResponse(ErrorSerializer, description="Not logged in, or not allowed."),
    404: OpenApiResponse(ErrorSerializer, description="Not found, or outside your scope."),
}
STATE_CONFLICT = {
    409: OpenApiResponse(
        ErrorSerializer, description="Not possible in the current state (`detail` says why)."
    )
}
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


def acting_user(request: Request) -> User:
    """The logged-in user: every view here requires authentication before it runs."""
    return cast(User, request.user)


class ReadOrEditorWrite(BasePermission):
    """Anyone logged in may read (the selectors scope what); only editors write content."""

    message = EDITORS_ONLY

    def has_permission(self, request: Request, view: Any) -> bool:
        if not request.user.is_authenticated:
            return False
        return request.method in SAFE_METHODS or permissions.can_edit.test(request.user)


# Content --------------------------------------------------------------------------------------


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
        return articles_for_user(user=acting_user(self.request))

    @extend_schema(request=ArticleCreateSerializer, responses={201: ArticleSerializer, **ERRORS})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = ArticleCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        article = serializer.save()
        return Response(
            ArticleSerializer(self.get_queryset().get(pk=article.pk)).data,
            status=status.HTTP_201_CREATED,
        )

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
            )
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
        workflow.run_action(
            name,
            revision=revision,
            actor=acting_user(request),
            note=data["note"],
            reviewer=data["reviewer"],
            due_date=data["due_date"],
        )
        return Response(self._workflow_state(article_pk=article.pk, revision_pk=revision.pk))

    @staticmethod
    def _newest_revision(article: Article) -> Revision:
        # Not scoped to the user's revisions on purpose: acting on an older revision assigned
        # to a reviewer instead of the newest would be a surprise; the workflow refuses (403).
        revision = Revision.objects.filter(article=article).order_by("-number").first()
        if revision is None:
            raise workflow.GuardFailed(NO_REVISION)
        return revision

    def _workflow_state(self, *, article_pk: int, revision_pk: int) -> dict[str, Any]:
        article = self.get_queryset().get(pk=article_pk)
        revision = Revision.objects.select_related("article").get(pk=revision_pk)
        allowed = workflow.transitions_available(revision=revision, actor=acting_user(self.request))
        return WorkflowStateSerializer(
            {"article": article, "revision": revision, "allowed_transitions": allowed}
        ).data


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
        draft = services.revision_create_draft(
            article=serializer.validated_data["article"],
            author=acting_user(request),
            change_summary=serializer.validated_data["change_summary"],
        )
        return Response(
            RevisionSerializer(self.get_queryset().get(pk=draft.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(responses={200: RevisionDiffSerializer, **ERRORS})
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def diff(self, request: Request, pk: str | None = None) -> Response:
        """A word-level diff of each audience body against the last approved revision before
        this one (or else the previous one); only the bodies that changed are listed."""
        revision = self.get_object()
        base, changes = revision_changes(revision=revision)
        data = {
            "revision": revision.pk,
            "base": base.pk if base else None,
            "base_number": base.number if base else None,
            "bodies": [c for c in changes if c.changed],
            "references": reference_changes(revision=revision, base=base),
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


# Review ---------------------------------------------------------------------------------------


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


@extend_schema(tags=["audit"])
class AuditEventViewSet(viewsets.ReadOnlyModelViewSet[AuditEvent]):
    """The audit trail of the articles you may open, newest first."""

    queryset = AuditEvent.objects.none()
    serializer_class = AuditEventSerializer
    filterset_class = filters.AuditEventFilter
    ordering_fields = ["created_at"]

    def get_queryset(self) -> QuerySet[AuditEvent]:
        if getattr(self, "swagger_fake_view", False):
            return AuditEvent.objects.none()
        return audit_events_for_user(user=acting_user(self.request))


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

    @extend_schema(request=CommentCreateSerializer, responses={201: CommentSerializer, **ERRORS})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Start a thread on a quoted passage of an audience body of a revision."""
        serializer = CommentCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        comment = comments.comment_create(
            revision=data["revision"],
            actor=acting_user(request),
            audience=data["audience"],
            quoted_text=data["quoted_text"],
            offset=data["offset"],
            body=data["body"],
            severity=data["severity"],
        )
        return self._answer(comment, status.HTTP_201_CREATED)

    @extend_schema(request=ReplySerializer, responses={201: CommentSerializer, **ERRORS})
    @action(detail=True, methods=["post"], filter_backends=[])
    def reply(self, request: Request, pk: str | None = None) -> Response:
        """Reply in the thread this comment starts."""
        parent = self.get_object()
        serializer = ReplySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        reply = comments.comment_reply(
            parent=parent, actor=acting_user(request), body=serializer.validated_data["body"]
        )
        return self._answer(reply, status.HTTP_201_CREATED)

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


@extend_schema(tags=["inbox"])
class NotificationViewSet(viewsets.ReadOnlyModelViewSet[Notification]):
    """Your own inbox, newest first."""

    queryset = Notification.objects.none()
    serializer_class = NotificationSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[Notification]:
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        return notifications_for_user(user=acting_user(self.request)).order_by("-created_at", "-pk")

    @extend_schema(request=None, responses={200: NotificationSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: str | None = None) -> Response:
        """Mark the notification read (again: nothing changes)."""
        notification = notification_mark_read(
            notification=self.get_object(), actor=acting_user(request)
        )
        return Response(NotificationSerializer(notification).data)
