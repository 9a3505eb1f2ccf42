"""Retractions found, not only entered: a snapshot of the Retraction Watch data set (the CSV
Crossref distributes, one row per notice) is matched against the library by DOI and PMID, and
each reference it names gets a new version with the notice's status (retracted, expression of
concern, corrected) through reference_version_create, so citing articles are flagged, their
editors told and approval of a revision citing a retracted work refused, as when an editor
enters it by hand.

The file is read as a stream, in batches (one query per batch), so its size does not matter.
A notice never makes a status milder (a corrected reference later retracted is retracted; a
retraction is not undone by a later correction), and running the same snapshot again writes
nothing. Reinstatements and rows without a DOI or PMID of the original paper are counted, not
applied.
"""

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO, Any

from django.db.models import Q

from articles.batching import batches
from articles.references.identifiers import (
    IdentifierInvalid,
    doi_normalise,
    identifier_key,
    pmid_normalise,
)
from articles.references.models import Reference, ReferenceIdentifier, ReferenceStatus
from articles.references.services import ReferenceInvalid, reference_version_create

BATCH = 1000
# What a notice's RetractionNature makes of the original paper.
NATURE_STATUS = {
    "retraction": ReferenceStatus.RETRACTED,
    "expression of concern": ReferenceStatus.EXPRESSION_OF_CONCERN,
    "correction": ReferenceStatus.CORRECTED,
}
# Milder first: a notice only moves a reference up this list.
SEVERITY: list[str] = [
    ReferenceStatus.ACTIVE,
    ReferenceStatus.SUPERSEDED,
    ReferenceStatus.CORRECTED,
    ReferenceStatus.EXPRESSION_OF_CONCERN,
    ReferenceStatus.RETRACTED,
]
COLUMNS_MISSING = (
    "This is not a Retraction Watch export: it lacks the column(s) {columns}. Download the CSV "
    "that Crossref distributes (retraction_watch.csv) and load it as it is."
)
REQUIRED = ("Record ID", "OriginalPaperDOI", "OriginalPaperPubMedID", "RetractionNature")


class NotRetractionWatch(ValueError):
    pass


@dataclass(frozen=True)
class Notice:
    record_id: str
    nature: str  # as written: Retraction, Expression of concern, Correction, Reinstatement
    doi: str  # of the original paper, normalised; "" when none
    pmid: str
    notice_date: date | None
    notice_doi: str

    @property
    def status(self) -> str | None:
        return NATURE_STATUS.get(self.nature.strip().lower())


@dataclass
class Report:
    read: int = 0
    matched: int = 0  # notices naming a reference of the library
    changed: list[int] = field(default_factory=list)  # references given a new version
    unchanged: int = 0  # matched, already at that status or a graver one
    not_applied: int = 0  # reinstatements, unknown natures, rows without identifiers


def _date(text: str) -> date | None:
    text = (text or "").strip()
    for pattern in ("%m/%d/%Y %H:%M", "%m/%d/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _doi_key(text: str) -> str:
    return identifier_key("doi", doi_normalise(text))


def _identifier(text: str, normalise: Any) -> str:
    """The identifier normalised; "" for none ("0", "unavailable") or one that is not valid."""
    text = (text or "").strip()
    if not text or text == "0" or text.lower() == "unavailable":
        return ""
    try:
        return str(normalise(text))
    except IdentifierInvalid:
        return ""


def notices_read(stream: IO[str]) -> Iterator[Notice]:
    """The notices of a Retraction Watch CSV, row by row. Raises NotRetractionWatch when the
    header lacks its columns."""
    reader = csv.DictReader(stream)
    missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
    if missing:
        raise NotRetractionWatch(COLUMNS_MISSING.format(columns=", ".join(missing)))
    for row in reader:
        yield Notice(
            record_id=(row.get("Record ID") or "").strip(),
            nature=(row.get("RetractionNature") or "").strip(),
            doi=_identifier(row.get("OriginalPaperDOI", ""), _doi_key),
            pmid=_identifier(row.get("OriginalPaperPubMedID", ""), pmid_normalise),
            notice_date=_date(row.get("RetractionDate", "")),
            notice_doi=_identifier(row.get("RetractionDOI", ""), doi_normalise),
        )


def _matches(batch: list[Notice]) -> dict[str, list[Reference]]:
    """The references holding a DOI or PMID of the batch (ReferenceIdentifier: the comparison
    keys of each reference's current identifiers), by "doi:..." and "pmid:..." keys (one
    query)."""
    dois = {n.doi for n in batch if n.doi}
    pmids = {n.pmid for n in batch if n.pmid}
    if not dois and not pmids:
        return {}
    held = ReferenceIdentifier.objects.select_related("reference__current_version").filter(
        Q(scheme="doi", value__in=dois) | Q(scheme="pmid", value__in=pmids)
    )
    by_key: dict[str, list[Reference]] = {}
    for identifier in held:
        by_key.setdefault(f"{identifier.scheme}:{identifier.value}", []).append(
            identifier.reference
        )
    return by_key


def _note(notice: Notice) -> str:
    when = f" of {notice.notice_date:%b %-d, %Y}" if notice.notice_date else ""
    about = f" (notice doi:{notice.notice_doi})" if notice.notice_doi else ""
    return f"Retraction Watch record {notice.record_id}: {notice.nature}{when}{about}."


def retraction_watch_apply(*, stream: IO[str], actor: Any) -> Report:
    """Apply a Retraction Watch snapshot to the library (see the module's text)."""
    report = Report()
    for batch in batches(notices_read(stream), BATCH):
        report.read += len(batch)
        found = _matches(batch)
        for notice in batch:
            status = notice.status
            if status is None or not (notice.doi or notice.pmid):
                report.not_applied += 1
                continue
            keys = [
                f"doi:{notice.doi}" if notice.doi else "",
                f"pmid:{notice.pmid}" if notice.pmid else "",
            ]
            references = {r.pk: r for key in keys if key for r in found.get(key, [])}
            if not references:
                continue
            report.matched += 1
            for reference in references.values():
                reference.refresh_from_db(fields=["current_version"])
                current = reference.current_version
                if current is None:
                    continue
                if SEVERITY.index(current.status) >= SEVERITY.index(status):
                    report.unchanged += 1
                    continue
                try:
                    reference_version_create(
                        reference=reference,
                        actor=actor,
                        csl=dict(current.csl),
                        change_note=_note(notice),
                        status=status,
                    )
                except ReferenceInvalid:
                    report.unchanged += 1
                    continue
                report.changed.append(reference.pk)
    return report


def retraction_watch_apply_bytes(*, data: bytes, actor: Any) -> Report:
    """The same, for an uploaded file's bytes (UTF-8, with or without a byte-order mark)."""
    return retraction_watch_apply(
        stream=io.StringIO(data.decode("utf-8-sig", errors="replace")), actor=actor
    )
