"""Query-string filters of the API lists; ids are plain numbers so nothing leaks existence.

The reference library's filters are the workspace's too: articles.references.filters."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework.request import Request

from articles.models import (
    Article,
    AudienceBody,
    ReviewStatus,
    Revision,
)
from articles.plain_input import ID_INVALID, row_id
from articles.references.filters import ReferenceFilter
from editorial.models import AuditEvent, ReviewAssignment, ReviewComment, ReviewDecision


class FilterBackend(filters.DjangoFilterBackend):
    """django-filter's backend, which builds, copies and validates a FilterSet and its form at
    every request: a request naming none of its filters skips that (a filter given no value
    leaves the list as it is), about 0.3 ms of a list's few ms."""

    def filter_queryset(self, request: Request, queryset: QuerySet[Any], view: Any) -> Any:
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None or filterset_class.base_filters.keys().isdisjoint(
            request.query_params
        ):
            return queryset
        return super().filter_queryset(request, queryset, view)


class IdField(forms.Field):
    """A row id written with the ASCII digits 0-9 ("²" and "٣" are refused, not 500s)."""

    def to_python(self, value: object) -> int | None:
        if value in self.empty_values:
            return None
        number = row_id(str(value))
        if number is None:
            raise forms.ValidationError(ID_INVALID)
        return number


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(filters.Filter):
    """Exact match on a related row's id, without checking that the row exists."""

    field_class = IdField


class ArticleFilter(filters.FilterSet):
    # `status` is the selector's annotation: the status of the newest revision.
    status = filters.ChoiceFilter(choices=ReviewStatus.choices)
    topic = filters.CharFilter()

    class Meta:
        model = Article
        fields = ["status", "topic"]


class RevisionFilter(filters.FilterSet):
    article = IdFilter()
    status = filters.ChoiceFilter(choices=ReviewStatus.choices)

    class Meta:
        model = Revision
        fields = ["article", "status"]


class AudienceBodyFilter(filters.FilterSet):
    revision = IdFilter()
    article = IdFilter(field_name="revision__article")
    audience = filters.CharFilter(field_name="audience__slug")

    class Meta:
        model = AudienceBody
        fields = ["revision", "article", "audience"]


class ReviewAssignmentFilter(filters.FilterSet):
    revision = IdFilter()
    article = IdFilter(field_name="revision__article")
    reviewer = IdFilter()

    class Meta:
        model = ReviewAssignment
        fields = ["revision", "article", "reviewer"]


class ReviewDecisionFilter(filters.FilterSet):
    revision = IdFilter()
    article = IdFilter(field_name="revision__article")
    reviewer = IdFilter()

    class Meta:
        model = ReviewDecision
        fields = ["revision", "article", "reviewer"]


class AuditEventFilter(filters.FilterSet):
    article = IdFilter()
    revision = IdFilter()
    action = filters.CharFilter()

    class Meta:
        model = AuditEvent
        fields = ["article", "revision", "action"]


class CommentFilter(filters.FilterSet):
    revision = IdFilter()
    parent = IdFilter()
    severity = filters.ChoiceFilter(choices=ReviewComment.Severity.choices)

    class Meta:
        model = ReviewComment
        fields = ["revision", "parent", "severity"]


__all__ = [
    "ArticleFilter",
    "AudienceBodyFilter",
    "AuditEventFilter",
    "CommentFilter",
    "ReferenceFilter",
    "ReviewAssignmentFilter",
    "ReviewDecisionFilter",
    "RevisionFilter",
]
