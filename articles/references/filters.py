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

    def filter_queryset(self, queryset: QuerySet[Reference]) -> QuerySet[Reference]:
        """The filters, then the search: each of the search's conditions is then asked with
        the filters (references_matching)."""
        queryset, term = self.unsearched(queryset)
        return self.search(queryset, "q", term)

    def unsearched(self, queryset: QuerySet[Reference]) -> tuple[QuerySet[Reference], str]:
        """`queryset` with every valid filter but the search, and the search's text ("" if
        none): for a page of the library, which asks the search for a page alone."""
        if not self.is_bound:
            return queryset, ""
        self.errors  # noqa: B018 (validates the form: cleaned_data holds the valid filters)
        data = dict(self.form.cleaned_data)
        term = data.pop("q", "") or ""
        for name, value in data.items():
            queryset = self.filters[name].filter(queryset, value)
        return queryset, term.strip()
