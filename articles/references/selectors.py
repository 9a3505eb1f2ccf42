"""Reads of the reference library: lookups by key, near duplicates, version history and diffs."""

import json
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import F, OrderBy, Q, QuerySet, Value
from django.db.models.functions import Concat

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


# What a library page says of a search with more matches: "1,000+", not a count of them all.
COUNT_CAP = 1000


def _search_branches(queryset: QuerySet[Reference], value: str) -> list[QuerySet[Reference]]:
    """`queryset` narrowed by each condition of the search alone: the key; the current
    version's title, container or authors; each identifier `value` is in an accepted form (a
    doi.org link, `PMID: 123`, `pmc123`). An index serves each on PostgreSQL (pg_trgm GIN
    indexes on the key, the normalised title, the container and the authors, B-trees on the
    identifiers: migration 0016_reference_search_indexes)."""
    in_version = (
        Q(current_version__title_normalised__contains=title_normalise(value))
        | Q(current_version__container__icontains=value)
        | Q(current_version__csl__author__icontains=value)
    )
    if not value.isascii():
        # SQLite keeps JSON with non-ASCII letters escaped (\u00fc): match that form too.
        in_version |= Q(current_version__csl__author__icontains=json.dumps(value)[1:-1])
    branches = [queryset.filter(key__icontains=value), queryset.filter(in_version)]
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
        found = ReferenceIdentifier.objects.filter(scheme=column, value=key)
        branches.append(queryset.filter(pk__in=found.values("reference_id")))
    return branches


def _key_as_expression(ordering: list[Any]) -> list[Any]:
    """`ordering` with the key as an expression (the same order), which the key's B-tree
    cannot serve: the key's own condition is then read from its trigram index and its matches
    sorted. Keys begin with the first author's name, so the keys holding a name are together
    in the key's order: walking it for a page of "smith" read 80,000 keys."""
    turned = []
    for item in ordering:
        name = item.lstrip("-") if isinstance(item, str) else None
        if isinstance(item, OrderBy) and isinstance(item.expression, F):
            name = item.expression.name  # type: ignore[attr-defined]
        if name != "key":
            turned.append(item)
            continue
        descending = item.startswith("-") if isinstance(item, str) else item.descending
        expression = Concat(F("key"), Value(""))
        turned.append(expression.desc() if descending else expression.asc())
    return turned


def _limited(branches: list[QuerySet[Reference]], ordering: list[Any], first: int) -> list[Any]:
    """Each branch's first `first` ids in `ordering` (any order if empty), where the database
    takes a LIMIT inside a UNION (PostgreSQL); every id of each elsewhere (SQLite). The first
    branch is the key's condition (_search_branches)."""
    if not connection.features.supports_slicing_ordering_in_compound:
        return [branch.order_by().values("pk") for branch in branches]
    orderings = [_key_as_expression(ordering)] + [ordering] * (len(branches) - 1)
    return [
        branch.order_by(*order).values("pk")[:first]
        for branch, order in zip(branches, orderings, strict=True)
    ]


def _matches_capped(branches: list[QuerySet[Reference]], cap: int) -> QuerySet[Any]:
    """The ids (`pk`) matching any condition, read unordered, cap + 1 at most of each."""
    found = _limited(branches, [], cap + 1)
    return found[0].union(*found[1:]).order_by()


def references_matched_ids(
    queryset: QuerySet[Reference], value: str, *, cap: int = COUNT_CAP
) -> list[int]:
    """The ids of `queryset`'s references matching `value` (not empty), cap + 1 at most, in no
    order (one statement): all of them when there are `cap` or fewer."""
    return _matched_ids(_search_branches(queryset, value.strip()), cap)


def _matched_ids(branches: list[QuerySet[Reference]], cap: int) -> list[int]:
    return [row["pk"] for row in _matches_capped(branches, cap)]


def references_matching(
    queryset: QuerySet[Reference],
    value: str,
    *,
    first: int | None = None,
    few: int = COUNT_CAP,
    matched: list[int] | None = None,
) -> QuerySet[Reference]:
    """`queryset` narrowed to references whose key, title, authors or container hold `value`,
    or whose DOI, PMID or PMCID it names in any accepted form.

    A UNION of conditions an index serves each (_search_branches), not an OR (an OR across
    tables is a filter on every reference). With `first`, only the first `first` matches in
    `queryset`'s order are asked for (a page: the page's bound must be on `queryset`). The
    matches are first read from the indexes, `few` + 1 at most (one statement): when that is
    all of them, the page is taken from those ids. Only a word in more references than that
    makes each condition walk the order's index and stop after `first` (its matches are then
    close together in any order); a rarer word's walk, on the planner's guess of how many
    match, could pass most of the library (170 ms for a word in 100 of 100,000 references).
    `matched`: those ids already read for the same references and `few`
    (references_matched_ids), which the library's first page also counts.
    """
    value = value.strip()
    if not value:
        return queryset
    branches = _search_branches(queryset, value)
    if first is None:
        ids = [branch.order_by().values("pk") for branch in branches]
        return queryset.filter(pk__in=ids[0].union(*ids[1:]))
    if matched is None:
        matched = _matched_ids(branches, few)
    if len(matched) <= few:
        return queryset.filter(pk__in=matched)
    ordering = list(queryset.query.order_by or Reference._meta.ordering or [])
    ids = _limited(branches, ordering, first)
    return queryset.filter(pk__in=ids[0].union(*ids[1:]))


def references_count(queryset: QuerySet[Reference], value: str, *, cap: int = COUNT_CAP) -> int:
    """How many of `queryset` match `value` (all of it when empty), counted up to `cap` + 1:
    a larger answer means "more than `cap`" (no statement reads every match)."""
    value = value.strip()
    if not value:
        return queryset.order_by()[: cap + 1].count()
    return min(_matches_capped(_search_branches(queryset, value), cap).count(), cap + 1)


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
