"""Reads of the reference library: lookups by key, near duplicates, version history and diffs."""

import json
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from articles.references.identifiers import (
    IdentifierInvalid,
    doi_normalise,
    identifier_key,
    pmcid_normalise,
    pmid_normalise,
    title_normalise,
)
from articles.references.models import Reference, ReferenceIdentifier, ReferenceVersion


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: str
    new: str


def references_all() -> QuerySet[Reference]:
    return Reference.objects.select_related("current_version").order_by("key")


def references_matching(queryset: QuerySet[Reference], value: str) -> QuerySet[Reference]:
    """`queryset` narrowed to references whose key, title, authors or container hold `value`,
    or whose DOI, PMID or PMCID it names in any accepted form.

    Each condition is one an index serves on PostgreSQL (pg_trgm GIN indexes on the key, the
    normalised title, the container and the authors, B-trees on the identifiers: migration
    0014_reference_search_indexes); the version's conditions are asked of the versions alone,
    so that one bitmap scan answers them, not a filter on every reference joined to its version.
    """
    value = value.strip()
    if not value:
        return queryset
    text = title_normalise(value)
    in_version = (
        Q(title_normalised__contains=text)
        | Q(container__icontains=value)
        | Q(csl__author__icontains=value)
    )
    if not value.isascii():
        # SQLite keeps JSON with non-ASCII letters escaped (\u00fc): match that form too.
        in_version |= Q(csl__author__icontains=json.dumps(value)[1:-1])
    # An identifier in any accepted form (a doi.org link, `PMID: 123`, `pmc123`).
    by_identifier = []
    for column, normalise in (
        ("doi", doi_normalise),
        ("pmid", pmid_normalise),
        ("pmcid", pmcid_normalise),
    ):
        try:
            key = identifier_key(column, normalise(value))
        except IdentifierInvalid:
            continue
        # The identifiers' table holds the comparison key (a DOI lower-cased).
        by_identifier.append(
            ReferenceIdentifier.objects.filter(scheme=column, value=key).values("reference_id")
        )
    by_key = Reference.objects.filter(key__icontains=value).values("pk")
    by_version = Reference.objects.filter(
        current_version__in=ReferenceVersion.objects.filter(in_version).values("pk")
    ).values("pk")
    # A UNION, not an OR: an OR of subqueries is a filter on every reference.
    return queryset.filter(pk__in=by_key.union(by_version, *by_identifier))


def references_near_duplicates(
    *, title: str, year: int | None, exclude: Reference | None = None
) -> QuerySet[Reference]:
    """References whose current version has the same normalised title and year."""
    found = Reference.objects.filter(
        current_version__title_normalised=title_normalise(title), current_version__year=year
    )
    if exclude is not None:
        found = found.exclude(pk=exclude.pk)
    return found.order_by("key")


def reference_versions(*, reference: Reference) -> QuerySet[ReferenceVersion]:
    """The history of a reference, newest first."""
    return reference.versions.select_related("changed_by").order_by("-number")


def _name_text(name: dict[str, Any]) -> str:
    parts = [name.get("family"), name.get("given")]
    return str(name.get("literal") or " ".join(str(p) for p in parts if p))


def csl_text(value: Any) -> str:
    """A CSL-JSON value as a short readable text: names joined, dates as Y-M-D; whatever a
    stored item holds (older data may not follow the schema), never an error."""
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(_name_text(v) if isinstance(v, dict) else csl_text(v) for v in value)
    parts = value.get("date-parts") if isinstance(value, dict) else None
    if isinstance(parts, list) and parts and isinstance(parts[0], list):
        return "-".join(str(p) for p in parts[0])
    return str(value)


VERSION_FIELDS = ["type", "status", "evidence_level", "doi", "pmid", "pmcid"]


def reference_version_diff(*, old: ReferenceVersion, new: ReferenceVersion) -> list[FieldChange]:
    """What differs from `old` to `new`: the judged fields, identifiers, then each CSL field."""
    changes = [
        FieldChange(field=name, old=str(getattr(old, name)), new=str(getattr(new, name)))
        for name in VERSION_FIELDS
        if getattr(old, name) != getattr(new, name)
    ]
    for key in sorted(set(old.csl) | set(new.csl)):
        before, after = old.csl.get(key), new.csl.get(key)
        if before != after:
            changes.append(FieldChange(field=key, old=csl_text(before), new=csl_text(after)))
    return changes
