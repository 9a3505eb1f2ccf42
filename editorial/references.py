"""Changes to the reference library made from the workspace or the API.

The articles service writes the version; what the editorial side does after a change (telling
the editors whose articles cite it) hangs here, so that every caller gets it.
"""

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from articles.references import services
from articles.references.importing import (
    ImportInvalid,
    ImportRecord,
    import_preview,
    import_version_targets,
    references_import,
)
from articles.references.importing.records import RECORD_INVALID
from articles.references.models import Reference, ReferenceVersion
from editorial.models import User

IMPORTED_VERSION_NOTE = "Updated from an imported file."


def reference_revise(
    *, reference: Reference, actor: User, **fields: Any
) -> services.VersionWritten:
    """Add the next version of `reference` (fields as `reference_version_create` takes them).

    Raises ReferenceInvalid as that service does.
    """
    return services.reference_version_create(reference=reference, actor=actor, **fields)


@dataclass(frozen=True)
class ImportDone:
    """The references an import created, and the new versions it added to existing ones."""

    created: list[Reference]
    revised: list[ReferenceVersion]


def references_import_confirm(
    *,
    records: list[ImportRecord],
    actor: User,
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
            # Our judgement of the work stays; the file corrects its bibliographic data.
            judged = reference.current_version or record
            try:
                written = reference_revise(
                    reference=reference,
                    actor=actor,
                    type=judged.type,
                    csl=record.csl,
                    doi=record.doi,
                    pmid=record.pmid,
                    pmcid=record.pmcid,
                    evidence_level=judged.evidence_level,
                    status=judged.status,
                    change_note=change_note,
                )
            except services.ReferenceInvalid as exc:
                raise ImportInvalid(
                    RECORD_INVALID.format(index=record.index, label=record.label, problem=exc)
                ) from exc
            revised.append(written.version)
    return ImportDone(created=created, revised=revised)
