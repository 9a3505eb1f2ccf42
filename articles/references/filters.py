"""The reference library's search form: the workspace's library and the API list use it."""

import django_filters
from django.db.models import QuerySet

from articles.references.models import EvidenceLevel, Reference, ReferenceStatus, ReferenceType
from articles.references.selectors import references_matching


class ReferenceFilter(django_filters.FilterSet):
    """Search by text (key, title, authors, container) or identifier; filter on the current
    version. The API list and the workspace library both use it."""

    q = django_filters.CharFilter(
        method="search", label="Search", help_text="Text, key, DOI, PMID or PMCID"
    )
    type = django_filters.ChoiceFilter(
        field_name="current_version__type",
        choices=ReferenceType.choices,
        label="Type",
        empty_label="Any type",
    )
    status = django_filters.ChoiceFilter(
        field_name="current_version__status",
        choices=ReferenceStatus.choices,
        label="Status",
        empty_label="Any status",
    )
    evidence_level = django_filters.ChoiceFilter(
        field_name="current_version__evidence_level",
        choices=EvidenceLevel.choices,
        label="Evidence level",
        empty_label="Any level",
    )

    class Meta:
        model = Reference
        fields = ["q", "type", "status", "evidence_level"]

    def search(self, queryset: QuerySet[Reference], name: str, value: str) -> QuerySet[Reference]:
        return references_matching(queryset, value)
