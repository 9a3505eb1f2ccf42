"""What every API module shares: the acting user, scoped ids, the status field, errors."""

from collections.abc import Callable
from typing import Any, cast

from django.db.models import QuerySet
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from articles.errors import ReasonKind
from articles.models import ReviewStatus
from editorial import permissions
from editorial.idempotency import Once, action_once
from editorial.models import (
    User,
)

EDITORS_ONLY = "Only editors may change content."


class ReasonSerializer(serializers.Serializer[Any]):
    """Why an action is refused, or would be (articles.errors.Reason)."""

    code = serializers.CharField(help_text="Stable, for programs: e.g. `safety-comment-open`.")
    message = serializers.CharField(help_text="The sentence people read.")
    remedy = serializers.CharField(help_text="What would lift it; may be empty.")
    kind = serializers.ChoiceField(choices=[k.value for k in ReasonKind])


class ErrorSerializer(serializers.Serializer[Any]):
    detail = serializers.CharField()
    reasons = ReasonSerializer(many=True, required=False)


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


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A primary key looked up only among the rows a selector gives the requesting user.

    `queryset` names the model (for validation messages and the schema); the rows come from
    `selector(user=...)`, so an id outside the user's scope reads as "does not exist".
    """

    def __init__(self, *, selector: Callable[..., QuerySet[Any]], **kwargs: Any) -> None:
        self.selector = selector
        super().__init__(**kwargs)

    def get_queryset(self) -> QuerySet[Any]:
        return self.selector(user=self.context["request"].user)


class ReviewStatusField(serializers.ChoiceField):
    """A review status; documented once as the `ReviewStatus` schema, whatever the field name."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=ReviewStatus.choices, **kwargs)


class ReviewStatusFieldExtension(OpenApiSerializerFieldExtension):
    # Without it drf-spectacular names the same choices after each field (status, from_status,
    # current_status...) and warns; one component gives clients one enum.
    target_class = ReviewStatusField

    def map_serializer_field(self, auto_schema: Any, direction: str) -> dict[str, Any]:
        component = ResolvedComponent(
            name="ReviewStatus",
            type=ResolvedComponent.SCHEMA,
            object="ReviewStatus",
            schema={
                "type": "string",
                "enum": ReviewStatus.values,
                "description": "\n".join(f"* `{s.value}` - {s.label}" for s in ReviewStatus),
            },
        )
        auto_schema.registry.register_on_missing(component)
        if self.target.allow_blank:
            return {"oneOf": [component.ref, {"type": "string", "enum": [""]}]}
        return component.ref


class UserSummarySerializer(serializers.ModelSerializer[User]):
    name = serializers.CharField(source="__str__", read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "name"]
        read_only_fields = fields


IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="Any 8 to 64 letters, digits, hyphens or underscores, new for each intended "
    "action: sent again (a retry), the action is not done twice and the answer is as the "
    "first time. A key already used for another action answers 409.",
)


def sent_once(request: Request, *, action: str, perform: Callable[[], int]) -> Once:
    """`perform` once per Idempotency-Key header of the acting user (editorial.idempotency)."""
    return action_once(
        actor=acting_user(request),
        key=request.headers.get("Idempotency-Key", ""),
        action=action,
        perform=perform,
    )
