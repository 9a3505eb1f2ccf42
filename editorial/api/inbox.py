"""The inbox and the audit trail over HTTP."""

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from editorial.api import filters
from editorial.api.common import ERRORS, ReviewStatusField, UserSummarySerializer, acting_user
from editorial.models import (
    AuditEvent,
    Notification,
)
from editorial.notifications import notification_mark_read
from editorial.selectors import (
    audit_events_for_user,
    notifications_for_user,
)


class AuditEventSerializer(serializers.ModelSerializer[AuditEvent]):
    from_status = ReviewStatusField(read_only=True, allow_blank=True)
    to_status = ReviewStatusField(read_only=True, allow_blank=True)
    actor = UserSummarySerializer(read_only=True, allow_null=True)
    subject_user = UserSummarySerializer(read_only=True, allow_null=True)

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "article",
            "revision",
            "action",
            "from_status",
            "to_status",
            "actor",
            "subject_user",
            "note",
            "created_at",
        ]
        read_only_fields = fields


class NotificationSerializer(serializers.ModelSerializer[Notification]):
    event = AuditEventSerializer(read_only=True)
    is_read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "event", "created_at", "emailed_at", "read_at", "is_read"]
        read_only_fields = fields

    def get_is_read(self, notification: Notification) -> bool:
        return notification.read_at is not None


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
