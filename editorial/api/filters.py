"""Query-string filters of the API lists; ids are plain numbers so nothing leaks existence."""

import json

from django.db.models import Q, QuerySet
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from articles.models import (
    Article,
    AudienceBody,
    EvidenceLevel,
    Reference,
    ReferenceStatus,
    ReferenceType,
    ReviewStatus,
    Revision,
)
from articles.references.identifiers import (
    IdentifierInvalid,
    doi_normalise,
    pmcid_normalise,
    pmid_normalise,
    title_normalise,
)
from editorial.models import AuditEvent, ReviewAssignment, ReviewComment, ReviewDecision


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(filters.NumberFilter):
    """Exact match on a related row's id, without checking that the row exists."""


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


class ReferenceFilter(filters.FilterSet):
    """Search by text (key, title, authors, container) or identifier; filter on the current
    version. The API list and the workspace library both use it."""

    q = filters.CharFilter(
        method="search", label="Search", help_text="Text, key, DOI, PMID or PMCID"
    )
    type = filters.ChoiceFilter(
        field_name="current_version__type",
        choices=ReferenceType.choices,
        label="Type",
        empty_label="Any type",
    )
    status = filters.ChoiceFilter(
        field_name="current_version__status",
        choices=ReferenceStatus.choices,
        label="Status",
        empty_label="Any status",
    )
    evidence_level = filters.ChoiceFilter(
        field_name="current_version__evidence_level",
        choices=EvidenceLevel.choices,
        label="Evidence level",
        empty_label="Any level",
    )

    class Meta:
        model = Reference
        fields = ["q", "type", "status", "evidence_level"]

    def search(self, queryset: QuerySet[Reference], name: str, value: str) -> QuerySet[Reference]:
        value = value.strip()
        if not value:
            return queryset
        text = title_normalise(value)
        found = (
            Q(key__icontains=value)
            | Q(current_version__title_normalised__contains=text)
            | Q(current_version__container__icontains=value)
            | Q(current_version__csl__author__icontains=value)
        )
        if not value.isascii():
            # SQLite keeps JSON with non-ASCII letters escaped (\u00fc): match that form too.
            found |= Q(current_version__csl__author__icontains=json.dumps(value)[1:-1])
        # An identifier in any accepted form (a doi.org link, `PMID: 123`, `pmc123`).
        for column, normalise in (
            ("doi", doi_normalise),
            ("pmid", pmid_normalise),
            ("pmcid", pmcid_normalise),
        ):
            try:
                found |= Q(**{f"current_version__{column}": normalise(value)})
            except IdentifierInvalid:
                continue
        return queryset.filter(found)


class CommentFilter(filters.FilterSet):
    revision = IdFilter()
    parent = IdFilter()
    severity = filters.ChoiceFilter(choices=ReviewComment.Severity.choices)

    class Meta:
        model = ReviewComment
        fields = ["revision", "parent", "severity"]
