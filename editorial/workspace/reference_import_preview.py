"""The page of an import's preview: what the preview task read (ImportPreviewRow), 50 records
a page in file order or of one status, each with what importing it would do and the editor's
choice, the records it may repeat shown beside it, and the bulk choices. Reading the rows is
previewing's (import_preview_page, _counts, _chosen); this module only lays them out."""

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from articles.references.importing import IMPORTABLE_AS_NEW, ImportFormat, RowStatus, import_keys
from articles.references.importing.previewing import (
    REFUSED,
    STATUSES,
    import_preview_chosen,
    import_preview_counts,
    import_preview_page,
    row_record,
)
from articles.references.models import (
    ImportPreviewRow,
    ImportUpload,
    Reference,
    ReferenceStatus,
    ReferenceType,
)
from articles.references.services import version_columns
from editorial.workspace.reference_forms import ImportForm
from editorial.workspace.references import first_author

# The lists the page shows, in the order of its tabs: all records, then one status each.
SHOWN = {
    "": "All records",
    RowStatus.NEW.value: "New",
    RowStatus.POSSIBLE.value: "Possible duplicates",
    RowStatus.CONFLICT.value: "Conflicting",
    RowStatus.DUPLICATE.value: "Already in the library or repeated",
    REFUSED: "Cannot be read",
}
# The bulk choices offered for each status: (choice, button label).
BULK = {
    RowStatus.NEW.value: [("new", "Import every new record"), ("skip", "Skip every new record")],
    RowStatus.POSSIBLE.value: [
        ("new", "Import every possible duplicate as new"),
        ("skip", "Skip every possible duplicate"),
    ],
    RowStatus.CONFLICT.value: [("skip", "Skip every conflicting record")],
}


@dataclass(frozen=True)
class PreviewLine:
    """A preview row, the references it matched (key and id, or None for a record of the
    file), the key it gets if imported as new, and the matched references' data beside it."""

    row: ImportPreviewRow
    matches: list[tuple[str, int | None]]
    key: str
    beside: list[tuple[str, str, str]]

    @property
    def authors(self) -> str:
        return first_author(self.row.csl)

    @property
    def title(self) -> str:
        return str(self.row.csl.get("title", "")) or self.row.label

    @property
    def year(self) -> str:
        return str(version_columns(self.row.csl)["year"] or "")

    @property
    def type_label(self) -> str:
        type_ = self.row.record.get("type", "")
        return ReferenceType(type_).label if type_ in ReferenceType.values else type_

    @property
    def retracted(self) -> bool:
        return self.row.record.get("status") == ReferenceStatus.RETRACTED

    @property
    def key_hint(self) -> str:
        return str(self.row.record.get("key_hint", ""))

    @property
    def identifiers(self) -> list[tuple[str, str]]:
        labels = (("doi", "DOI"), ("pmid", "PMID"), ("pmcid", "PMCID"))
        return [(label, self.row.record[n]) for n, label in labels if self.row.record.get(n)]


def _beside(reference: Reference) -> tuple[str, str, str]:
    version = reference.current_version
    if version is None:
        return reference.key, "", "no identifier"
    facts = " · ".join(
        str(p) for p in (first_author(version.csl), version.year, version.container) if p
    )
    ids = " · ".join(
        f"{label} {value}"
        for label, value in (("DOI", version.doi), ("PMID", version.pmid))
        if value
    )
    return reference.key, facts, ids or "no identifier"


def preview_lines(rows: list[ImportPreviewRow]) -> list[PreviewLine]:
    """The page's rows laid out: one query for the references they match, and the keys new
    records would get (a query per 500), whatever the file's size."""
    matched = {key for row in rows for key in row.matches}
    references = Reference.objects.filter(key__in=matched).select_related("current_version")
    by_key = {r.key: r for r in references}
    keys = import_keys(records=[row_record(r) for r in rows if r.status in IMPORTABLE_AS_NEW])
    return [
        PreviewLine(
            row=row,
            matches=[(key, by_key[key].pk if key in by_key else None) for key in row.matches],
            key=keys.get(row.number, ""),
            beside=[_beside(by_key[key]) for key in row.matches if key in by_key],
        )
        for row in rows
    ]


def shown_status(value: str | None) -> str:
    """The list asked for (a status, or "" for all the records)."""
    return value if value in SHOWN else ""


def preview_render(
    request: HttpRequest,
    upload: ImportUpload,
    *,
    show: str = "",
    page: Any = 1,
    change_note: str,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    counts = import_preview_counts(upload)
    statuses = [show] if show else STATUSES
    rows = import_preview_page(upload, statuses, page)
    context = {
        "upload": upload,
        "format": dict(ImportForm.base_fields["format"].choices)[  # type: ignore[attr-defined]
            ImportFormat(upload.format).value
        ],
        "counts": counts,
        "read": sum(counts.values()) - counts[REFUSED],  # records that could be read
        "total": sum(counts.values()),
        "chosen": import_preview_chosen(upload),
        "tabs": [(value, label, counts.get(value)) for value, label in SHOWN.items()],
        "show": show,
        "page": rows,
        "lines": preview_lines(list(rows.object_list)),
        "bulk": [
            (status_, counts[status_], choices)
            for status_, choices in BULK.items()
            if counts[status_]
        ],
        "takes_versions": bool(counts[RowStatus.CONFLICT] or counts[RowStatus.POSSIBLE]),
        "change_note": change_note,
        "error": error,
    }
    return render(request, "editorial/references/import_preview.html", context, status=status)
