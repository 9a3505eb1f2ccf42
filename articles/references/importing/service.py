"""Preview and import: classify records against the library, then write the confirmed ones.

Queries are made per batch of records, never per record: one for identifiers, one for titles
and years, one or two for free keys; the import adds one bulk insert per table.
"""

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q

from articles.batching import batches
from articles.errors import Conflict
from articles.references.importing.keys import BATCH_SIZE, keys_assign
from articles.references.importing.records import (
    RECORD_INVALID,
    ImportInvalid,
    ImportRecord,
    RecordFailure,
)
from articles.references.models import (
    Reference,
    ReferenceIdentifier,
    ReferenceStatus,
    ReferenceVersion,
)
from articles.references.services import (
    ReferenceInvalid,
    reference_version_create,
    version_columns,
)

IMPORT_RACED = (
    "Another import added some of these references at the same moment, so nothing was "
    "imported: preview the file again to see what is new now."
)
NOT_NEW = (
    "Record {index} ({label}) is {status}: only new records and possible duplicates can be "
    "imported as new."
)
NOT_IN_FILE = "There is no record {index} in the file (it holds {count})."
NOT_CONFLICT = (
    "Record {index} ({label}) is {status}: only a conflicting record or a possible duplicate "
    "can become a new version of a reference."
)
NOT_MATCHED = "Record {index} ({label}) does not conflict with {key!r}: it matches {matches}."
SAME_TARGET = "Records {first} and {second} would both become new versions of {key!r}: choose one."
IMPORTED_NOTE = "Imported"
IMPORTED_VERSION_NOTE = "Updated from an imported file."


class RowStatus(StrEnum):
    NEW = "new"
    DUPLICATE = "duplicate"  # same identifier (or same title, year and data): not imported
    CONFLICT = "conflict"  # same identifier, different data: skip, or take as a new version
    # Same title and year, different or missing identifiers: the editor chooses to import it as
    # new, take it as a new version of that reference, or skip it.
    POSSIBLE = "possible"


# What the editor may do with a row of each status, besides skipping it.
IMPORTABLE_AS_NEW = (RowStatus.NEW, RowStatus.POSSIBLE)
TAKEABLE_AS_VERSION = (RowStatus.CONFLICT, RowStatus.POSSIBLE)
SAME_IDENTIFIER = "Same identifier, but different data."
SAME_IDENTIFIER_RETRACTED = "Same identifier: the file marks it retracted."
ALREADY_THERE = "Already in the library."
SAME_TITLE = "Same title and year; the identifiers differ or are missing."
REPEATS_EARLIER = "Repeats an earlier record of this file."
SAME_TITLE_EARLIER = "Same title and year as an earlier record of this file."


@dataclass(frozen=True)
class PreviewRow:
    """One record and what importing it would mean; `matches` names the keys or records."""

    record: ImportRecord
    status: RowStatus
    matches: list[str]
    reason: str = ""


@dataclass(frozen=True)
class ImportPreview:
    rows: list[PreviewRow]
    # The records that could not be read, listed with their number, first line and reason.
    failures: list[RecordFailure] = field(default_factory=list)

    def count(self, status: RowStatus) -> int:
        return sum(1 for row in self.rows if row.status == status)


def _same_data(record: ImportRecord, version: ReferenceVersion) -> bool:
    """The bibliographic data agrees: CSL fields and identifiers (not our type or judgement),
    and a retraction in the file is one already recorded."""
    ids = {"doi": version.doi, "pmid": version.pmid, "pmcid": version.pmcid}
    newly_retracted = (
        record.status == ReferenceStatus.RETRACTED and version.status != ReferenceStatus.RETRACTED
    )
    return (
        record.csl == version.csl
        and record.identifiers == {k: v for k, v in ids.items() if v}
        and not newly_retracted
    )


def _lookup(
    batch: list[ImportRecord],
) -> tuple[dict[tuple[str, str], Reference], dict[Any, list[Reference]]]:
    """Existing references by identifier and by (normalised title, year): two queries."""
    # One IN list per scheme: an OR per identifier overflows SQLite's expression depth.
    values: dict[str, set[str]] = {}
    for record in batch:
        for scheme, value in record.identifier_keys:
            values.setdefault(scheme, set()).add(value)
    wanted = Q()
    for scheme, scheme_values in values.items():
        wanted |= Q(scheme=scheme, value__in=sorted(scheme_values))
    by_identifier: dict[tuple[str, str], Reference] = {}
    if wanted:
        found = ReferenceIdentifier.objects.filter(wanted).select_related(
            "reference__current_version"
        )
        by_identifier = {(i.scheme, i.value): i.reference for i in found}
    titles = {version_columns(r.csl)["title_normalised"] for r in batch}
    by_title: dict[Any, list[Reference]] = {}
    found_refs = Reference.objects.filter(
        current_version__title_normalised__in=titles
    ).select_related("current_version")
    for reference in found_refs:
        version = reference.current_version
        assert version is not None  # filtered on its columns above
        by_title.setdefault((version.title_normalised, version.year), []).append(reference)
    return by_identifier, by_title


def import_preview(
    *, records: list[ImportRecord], failures: list[RecordFailure] | None = None
) -> ImportPreview:
    """Each record as new; duplicate (same identifier and same data, or a repeat of an earlier
    record of the file); conflict (same identifier, different data); or possible duplicate
    (same title and year only: different works share titles, as a letter and its correction
    do). Identifiers are compared through identifier_key. Two queries per batch of records.
    """
    rows: list[PreviewRow] = []
    seen: dict[Any, int] = {}
    seen_titles: dict[Any, ImportRecord] = {}
    for batch in batches(records, BATCH_SIZE):
        rows += preview_batch(batch, seen=seen, seen_titles=seen_titles)
    return ImportPreview(rows=rows, failures=list(failures or []))


def title_key(record: ImportRecord) -> tuple[str, Any]:
    """What makes two records possible duplicates: normalised title and year."""
    columns = version_columns(record.csl)
    return (columns["title_normalised"], columns["year"])


def preview_batch(
    batch: list[ImportRecord], *, seen: dict[Any, int], seen_titles: dict[Any, ImportRecord]
) -> list[PreviewRow]:
    """import_preview's rule for one batch (two queries). `seen` (identifier key -> record
    number) and `seen_titles` (title_key -> record) hold the earlier records of the file, and
    take this batch's."""
    rows: list[PreviewRow] = []
    by_identifier, by_title = _lookup(batch)
    for record in batch:
        key = title_key(record)
        ids = record.identifier_keys
        same_id: dict[str, Reference] = {}
        for item in ids:
            if item in by_identifier:
                same_id[by_identifier[item].key] = by_identifier[item]
        same_title = {r.key: r for r in by_title.get(key, []) if r.key not in same_id}
        earlier_id = [seen[k] for k in ids if k in seen]
        if same_id:
            differs = [
                ref
                for ref in same_id.values()
                if ref.current_version is None or not _same_data(record, ref.current_version)
            ]
            if differs:
                reason = (
                    SAME_IDENTIFIER_RETRACTED
                    if record.status == ReferenceStatus.RETRACTED
                    else SAME_IDENTIFIER
                )
                rows.append(PreviewRow(record, RowStatus.CONFLICT, sorted(same_id), reason))
            else:
                rows.append(PreviewRow(record, RowStatus.DUPLICATE, sorted(same_id), ALREADY_THERE))
        elif earlier_id:
            rows.append(
                PreviewRow(
                    record, RowStatus.DUPLICATE, [f"record {earlier_id[0]}"], REPEATS_EARLIER
                )
            )
        elif same_title:
            same = [
                ref
                for ref in same_title.values()
                if ref.current_version and _same_data(record, ref.current_version)
            ]
            if same:
                keys = sorted(r.key for r in same)
                rows.append(PreviewRow(record, RowStatus.DUPLICATE, keys, ALREADY_THERE))
            else:
                rows.append(PreviewRow(record, RowStatus.POSSIBLE, sorted(same_title), SAME_TITLE))
        elif key in seen_titles:
            earlier = seen_titles[key]
            repeat = earlier.csl == record.csl and earlier.identifiers == record.identifiers
            rows.append(
                PreviewRow(
                    record,
                    RowStatus.DUPLICATE if repeat else RowStatus.POSSIBLE,
                    [f"record {earlier.index}"],
                    REPEATS_EARLIER if repeat else SAME_TITLE_EARLIER,
                )
            )
        else:
            rows.append(PreviewRow(record, RowStatus.NEW, []))
        for k in ids:
            seen.setdefault(k, record.index)
        seen_titles.setdefault(key, record)
    return rows


def import_version_targets(
    *, records: list[ImportRecord], preview: ImportPreview, versions: dict[int, str]
) -> list[tuple[ImportRecord, Reference]]:
    """The conflicting records to take as new versions (index -> key of the reference), checked.

    Each must be a conflict with that reference in `preview`, and no reference may be chosen
    twice. Raises ImportInvalid naming the record; one query for the references.
    """
    rows = {row.record.index: row for row in preview.rows}
    chosen: dict[str, int] = {}
    for index, key in sorted(versions.items()):
        row = rows.get(index)
        if row is None:
            raise ImportInvalid(NOT_IN_FILE.format(index=index, count=len(records)))
        label = row.record.label
        if row.status not in TAKEABLE_AS_VERSION:
            raise ImportInvalid(NOT_CONFLICT.format(index=index, label=label, status=row.status))
        if key not in row.matches:
            raise ImportInvalid(
                NOT_MATCHED.format(
                    index=index, label=label, key=key, matches=", ".join(row.matches)
                )
            )
        if key in chosen:
            raise ImportInvalid(SAME_TARGET.format(first=chosen[key], second=index, key=key))
        chosen[key] = index
    references = Reference.objects.filter(key__in=chosen).select_related("current_version")
    by_key = {r.key: r for r in references}
    return [(rows[index].record, by_key[key]) for key, index in chosen.items()]


def references_import(
    *,
    records: list[ImportRecord],
    actor,  # type: ignore[no-untyped-def]
    confirmed: list[int] | None = None,
    change_note: str = IMPORTED_NOTE,
) -> list[Reference]:
    """Create a reference (version 1) for each confirmed record, all or nothing.

    `confirmed` lists record indexes (all new records when None). Raises ImportInvalid when a
    confirmed record is not new (anymore) or not in the file, Conflict when another import
    wrote the same references meanwhile; nothing is written then.
    """
    by_index = {r.index: r for r in records}
    try:
        return _references_import(
            records=records,
            by_index=by_index,
            actor=actor,
            confirmed=confirmed,
            change_note=change_note,
        )
    except IntegrityError as exc:
        # Another import took a key (or identifier) between the preview and the insert.
        raise Conflict(IMPORT_RACED) from exc


def _references_import(
    *,
    records: list[ImportRecord],
    by_index: dict[int, ImportRecord],
    actor,  # type: ignore[no-untyped-def]
    confirmed: list[int] | None,
    change_note: str,
) -> list[Reference]:
    with transaction.atomic():
        preview = import_preview(records=records)
        statuses = {row.record.index: row.status for row in preview.rows}
        if confirmed is None:
            chosen = [r for r in records if statuses[r.index] == RowStatus.NEW]
        else:
            chosen = []
            for index in confirmed:
                if index not in by_index:
                    raise ImportInvalid(NOT_IN_FILE.format(index=index, count=len(records)))
                record = by_index[index]
                if statuses[index] not in IMPORTABLE_AS_NEW:
                    raise ImportInvalid(
                        NOT_NEW.format(
                            index=index, label=record.label, status=statuses[index].value
                        )
                    )
                chosen.append(record)
        created: list[Reference] = []
        for batch in batches(chosen, BATCH_SIZE):
            created += _batch_write(batch, actor=actor, change_note=change_note)
    return created


def _batch_write(batch: list[ImportRecord], *, actor, change_note: str) -> list[Reference]:  # type: ignore[no-untyped-def]
    keys = keys_assign(batch)
    references = Reference.objects.bulk_create(
        [Reference(key=key, created_by=actor) for key in keys]
    )
    if any(r.pk is None for r in references):  # a backend without RETURNING
        by_key = Reference.objects.in_bulk(keys, field_name="key")
        references = [by_key[k] for k in keys]
    versions = ReferenceVersion.objects.bulk_create(
        [
            ReferenceVersion(
                reference=reference,
                number=1,
                type=record.type,
                csl=record.csl,
                evidence_level=record.evidence_level,
                status=record.status or ReferenceStatus.ACTIVE,
                changed_by=actor,
                change_note=change_note,
                doi=record.doi,
                pmid=record.pmid,
                pmcid=record.pmcid,
                **version_columns(record.csl),
            )
            for reference, record in zip(references, batch, strict=True)
        ]
    )
    for reference, version in zip(references, versions, strict=True):
        reference.current_version = version
    Reference.objects.bulk_update(references, ["current_version"])
    ReferenceIdentifier.objects.bulk_create(
        ReferenceIdentifier(reference=reference, scheme=scheme, value=value)
        for reference, record in zip(references, batch, strict=True)
        for scheme, value in record.identifier_keys
    )
    return references


@dataclass(frozen=True)
class ImportDone:
    """The references an import created, and the new versions it added to existing ones."""

    created: list[Reference]
    revised: list[ReferenceVersion]


def references_import_confirm(
    *,
    records: list[ImportRecord],
    actor,  # type: ignore[no-untyped-def]
    confirmed: list[int],
    new_versions: dict[int, str] | None = None,
    change_note: str = IMPORTED_VERSION_NOTE,
) -> ImportDone:
    """Import the `confirmed` new records, and take each conflicting record of `new_versions`
    (index -> key) as the next version of that reference, all or nothing.

    A new version takes the file's bibliographic data (CSL item, DOI, PMID, PMCID) and keeps
    the reference's type, evidence level and status. Raises ImportInvalid naming the record.
    """
    with transaction.atomic():
        targets = import_version_targets(
            records=records,
            preview=import_preview(records=records),
            versions=new_versions or {},
        )
        created = references_import(records=records, actor=actor, confirmed=confirmed)
        revised = []
        for record, reference in targets:
            # The file corrects the bibliographic data; our judgement of the work (type,
            # evidence level, status) is left out, so the new version keeps it.
            try:
                written = reference_version_create(
                    reference=reference,
                    actor=actor,
                    csl=record.csl,
                    doi=record.doi,
                    pmid=record.pmid,
                    pmcid=record.pmcid,
                    # A retraction the file records (MEDLINE's "Retracted Publication") is
                    # taken, and flags the articles citing the reference; otherwise our
                    # status is kept.
                    status=(
                        ReferenceStatus.RETRACTED
                        if record.status == ReferenceStatus.RETRACTED
                        else None
                    ),
                    change_note=change_note,
                )
            except ReferenceInvalid as exc:
                raise ImportInvalid(
                    RECORD_INVALID.format(index=record.index, label=record.label, problem=exc)
                ) from exc
            revised.append(written.version)
    return ImportDone(created=created, revised=revised)
