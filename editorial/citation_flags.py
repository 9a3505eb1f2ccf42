"""What the editors hear when a reference they cite changes: the articles whose revision in
review, approved or published cites a version older than a corrected, retracted or superseded
one are flagged (an audit event each, told to the editors).

articles.references.services writes the version and the outbox message "reference-version.
flagging"; the task editorial.tasks.notify_reference_change runs this after commit.
"""

from django.db import transaction

from articles.models import Article
from articles.references.flags import FlaggedCitation, citations_flagged
from articles.references.models import FLAGGING_STATUSES, ReferenceVersion
from editorial.audit import record_event
from editorial.events import AuditAction
from editorial.models import AuditEvent

# The start of the event's note names the reference version: one event per article and version.
CHANGED_NOTE_KEY = "{key} version {number} is "
CHANGED_NOTE = (
    CHANGED_NOTE_KEY + "{status}: {change_note}. Revision {revision} cites version {pinned}; "
    "start a new draft to update the citation."
)

IMPORTED_VERSION_NOTE = "Updated from an imported file."


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
