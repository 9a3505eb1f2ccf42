"""Changes to the reference library made from the workspace or the API.

The articles service writes the version; what the editorial side does after a change (telling
the editors whose articles cite an older version) hangs here, so that every caller gets it.
"""

from dataclasses import dataclass
from functools import partial
from typing import Any

from django.db import transaction

from articles.models import Article
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
from editorial.events import AuditAction
from editorial.models import AuditEvent, User
from editorial.selectors import FLAGGING_STATUSES, FlaggedCitation, citations_flagged
from editorial.tasks import notify_reference_change
from editorial.workflow import record_event

# The start of the event's note names the reference version: one event per article and version.
CHANGED_NOTE_KEY = "{key} version {number} is "
CHANGED_NOTE = (
    CHANGED_NOTE_KEY + "{status}: {change_note}. Revision {revision} cites version {pinned}; "
    "start a new draft to update the citation."
)

IMPORTED_VERSION_NOTE = "Updated from an imported file."


def reference_revise(
    *, reference: Reference, actor: User, **fields: Any
) -> services.VersionWritten:
    """Add the next version of `reference` (fields as `reference_version_create` takes them).

    A corrected, retracted or superseded version tells the editors of the articles citing an
    older one, after commit. Raises ReferenceInvalid as that service does.
    """
    with transaction.atomic():
        written = services.reference_version_create(reference=reference, actor=actor, **fields)
        if written.version.status in FLAGGING_STATUSES:
            transaction.on_commit(partial(notify_reference_change.delay, written.version.pk))
    return written


def reference_change_notify(*, version_id: int) -> int:
    """Write a "reference-changed" event (the editors hear of it after commit) for each article
    whose newest revision in review, approved or published cites a version older than this
    corrected, retracted or superseded one. Safe to run again: an article already told of this
    version is skipped. Returns the events written."""
    version = ReferenceVersion.objects.select_related("reference", "changed_by").get(pk=version_id)
    if version.status not in FLAGGING_STATUSES:
        return 0
    return sum(_tell(flag, version) for flag in citations_flagged(version=version))


def _tell(flag: FlaggedCitation, version: ReferenceVersion) -> int:
    key = CHANGED_NOTE_KEY.format(key=version.reference.key, number=version.number)
    with transaction.atomic():
        # The article's row lock keeps two overlapping runs from both writing the event.
        Article.objects.select_for_update().filter(pk=flag.article.pk).first()
        told = AuditEvent.objects.filter(
            article_id=flag.article.pk, action=AuditAction.REFERENCE_CHANGED, note__startswith=key
        ).exists()
        if told:
            return 0
        record_event(
            revision=flag.revision,
            actor=version.changed_by,
            action=AuditAction.REFERENCE_CHANGED,
            from_status=flag.revision.status,
            note=CHANGED_NOTE.format(
                key=version.reference.key,
                number=version.number,
                status=version.get_status_display().lower(),
                change_note=version.change_note.rstrip("."),
                revision=flag.revision.number,
                pinned=flag.pinned.number,
            ),
        )
    return 1


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
