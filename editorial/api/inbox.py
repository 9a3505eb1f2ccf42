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
    audit_events_visible,
    notifications_for_user,
)


class AuditEventSerializer(serializers.ModelSerializer[AuditEvent]):
    from_status = ReviewStatusField(read_only=True, allow_blank=True)
    to_status = ReviewStatusField(read_only=True, allow_blank=True)
    actor = UserSummarySerializer(read_only=True, allow_null=True)
    subject_user = UserSummarySerializer(read_only=True, allow_null=True)
    # The note as the reader may read it (editorial.selectors.audit_events_visible).
    note = serializers.CharField(source="shown_note", read_only=True)

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


class NotifiedEventSerializer(AuditEventSerializer):
    # Whoever an event's type tells reads its note (a test holds the registry to it).
    note = serializers.CharField(read_only=True)


class NotificationSerializer(serializers.ModelSerializer[Notification]):
    event = NotifiedEventSerializer(read_only=True)
    is_read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "event", "created_at", "emailed_at", "read_at", "is_read"]
        read_only_fields = fields

    def get_is_read(self, notification: Notification) -> bool:
        return notification.read_at is not None


@extend_schema(tags=["audit"])
class AuditEventViewSet(viewsets.ReadOnlyModelViewSet[AuditEvent]):
    """The audit trail as you may read it, newest first: editors every event; a board member
    the events of the revisions they review, other reviewers' private notes left out."""

    queryset = AuditEvent.objects.none()
    serializer_class = AuditEventSerializer
    filterset_class = filters.AuditEventFilter
    ordering_fields = ["created_at"]

    def get_queryset(self) -> QuerySet[AuditEvent]:
        if getattr(self, "swagger_fake_view", False):
            return AuditEvent.objects.none()
        return audit_events_visible(user=acting_user(self.request))


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
