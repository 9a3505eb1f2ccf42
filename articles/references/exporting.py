"""Export of any selection of references to CSL-JSON, RIS or BibTeX (their current versions)."""

from collections.abc import Iterable, Iterator
from enum import StrEnum
from itertools import batched
from typing import Any

from articles.references.formatting import version_csl_item
from articles.references.importing import bibtex_writer, csljson, ris
from articles.references.models import Reference, ReferenceVersion


class ExportFormat(StrEnum):
    CSL_JSON = "csl-json"
    RIS = "ris"
    BIBTEX = "bibtex"


CONTENT_TYPES = {
    ExportFormat.CSL_JSON: ("application/vnd.citationstyles.csl+json", "json"),
    ExportFormat.RIS: ("application/x-research-info-systems", "ris"),
    ExportFormat.BIBTEX: ("application/x-bibtex", "bib"),
}


def _item(version: ReferenceVersion) -> dict[str, Any]:
    item = version_csl_item(version)
    custom = {"reference-type": version.type, "status": version.status}
    if version.evidence_level:
        custom["evidence-level"] = version.evidence_level
    return {**item, "custom": custom}


# References written at a time by references_export_pieces: a file of any size is streamed
# in the memory of this many (90,000 references at once took 550 MB of a worker's memory).
EXPORT_BATCH = 500
# What comes between the text of two batches in each format, so that the pieces joined are the
# file written at once: RIS ends each record with a line and parts records by an empty one;
# bibtexparser parts entries by two empty lines.
_BETWEEN = {ExportFormat.RIS: "\n", ExportFormat.BIBTEX: "\n\n"}


def references_export(*, references: Iterable[Reference], format: ExportFormat | str) -> str:
    """The current versions of `references` (with `current_version` loaded) as a file's text."""
    return "".join(references_export_pieces(references=references, format=format))


def references_export_pieces(
    *, references: Iterable[Reference], format: ExportFormat | str, batch: int = EXPORT_BATCH
) -> Iterator[str]:
    """references_export's text in pieces, each of `batch` references: read from a queryset's
    iterator, a file of any size is written in the memory of one batch."""
    format = ExportFormat(format)
    started = False
    for chunk in batched(references, batch, strict=False):
        versions = []
        for reference in chunk:
            version = reference.current_version
            if version is None:
                continue
            version.reference = reference
            versions.append(version)
        if not versions:
            continue
        yield _written(versions, format, started)
        started = True
    if format == ExportFormat.CSL_JSON:
        yield "\n]\n" if started else csljson.dump([])


def _written(versions: list[ReferenceVersion], format: ExportFormat, started: bool) -> str:
    """One batch's text, with what parts it from the batch before if there was one."""
    items = [_item(v) for v in versions]
    if format == ExportFormat.CSL_JSON:
        # json.dumps(items, indent=2) writes each item as dumped alone, indented one level.
        text = ",\n".join(csljson.dump_item(item, indent=2) for item in items)
        return (",\n" if started else "[\n") + text
    types = [v.type for v in versions]
    dump = ris.dump if format == ExportFormat.RIS else bibtex_writer.dump
    return (_BETWEEN[format] if started else "") + dump(items, types)
