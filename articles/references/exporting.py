"""Export of any selection of references to CSL-JSON, RIS or BibTeX (their current versions)."""

from enum import StrEnum
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


def references_export(*, references: list[Reference], format: ExportFormat | str) -> str:
    """The current versions of `references` (with `current_version` loaded) as a file's text."""
    format = ExportFormat(format)
    versions = []
    for reference in references:
        version = reference.current_version
        if version is None:
            continue
        version.reference = reference
        versions.append(version)
    items = [_item(v) for v in versions]
    if format == ExportFormat.CSL_JSON:
        return csljson.dump(items)
    types = [v.type for v in versions]
    if format == ExportFormat.RIS:
        return ris.dump(items, types)
    return bibtex_writer.dump(items, types)
