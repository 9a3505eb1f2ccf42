"""What the periodic tasks do: review reminders and opening re-reviews. Idempotent services.

Each reminder is sent at most once per assignment: its timestamp is set in the transaction that
writes the event, under a row lock, so two overlapping runs cannot both send it.
"""

from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import OuterRef, Q
from django.utils import timezone

from articles.errors import ActionRefused
from articles.models import Article, ChangeKind, ReviewStatus, Revision
from articles.selectors import (
    months_later,
    revision_last_review,
    revision_newest,
    revisions_newest_first,
    revisions_up_to,
)
from articles.services import revision_create_draft
from editorial.audit import record_event
from editorial.events import AuditAction
from editorial.models import ReviewAssignment
from editorial.selectors import assignments_awaiting_decision
from editorial.workflow import revision_submit

REMIND_DAYS_BEFORE = 3
TELL_EDITORS_DAYS_AFTER = 7


def _waiting_assignments(today: date):  # type: ignore[no-untyped-def]
    return (
        assignments_awaiting_decision()
        .filter(due_date__isnull=False, due_date__lte=today + timedelta(days=REMIND_DAYS_BEFORE))
        .filter(
            Q(reminder_sent_at__isnull=True)
            | Q(overdue_sent_at__isnull=True)
            | Q(editors_told_overdue_at__isnull=True)
        )
        .values_list("pk", flat=True)
    )


def _remind(pk: int, today: date) -> int:
    with transaction.atomic():
        # SKIP LOCKED: another run (a second beat, a worker running it at once) has this one;
        # it writes what is due and marks it, so each reminder is written once.
        assignment = (
            ReviewAssignment.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("revision__article", "reviewer")
            .filter(pk=pk)
            .first()
        )
        if assignment is None:
            return 0
        due = assignment.due_date
        assert due is not None
        revision = assignment.revision
        now = timezone.now()
        due_text = f"{due:%b %-d, %Y}"
        sent = 0
        fields = []
        if due >= today and assignment.reminder_sent_at is None:
            assignment.reminder_sent_at = now
            fields.append("reminder_sent_at")
            note = f"Your review of revision {revision.number} is due {due_text}."
            action = AuditAction.REMINDER
        elif due < today and assignment.overdue_sent_at is None:
            assignment.overdue_sent_at = now
            # An overdue review needs no "due soon" reminder any more.
            assignment.reminder_sent_at = assignment.reminder_sent_at or now
            fields += ["overdue_sent_at", "reminder_sent_at"]
            note = f"Your review of revision {revision.number} was due {due_text}."
            action = AuditAction.OVERDUE
        else:
            action = None
        if action:
            record_event(
                revision=revision,
                actor=None,
                action=action,
                from_status=revision.status,
                note=note,
                subject_user=assignment.reviewer,
            )
            sent += 1
        if (
            due + timedelta(days=TELL_EDITORS_DAYS_AFTER) <= today
            and assignment.editors_told_overdue_at is None
        ):
            assignment.editors_told_overdue_at = now
            fields.append("editors_told_overdue_at")
            record_event(
                revision=revision,
                actor=None,
                action=AuditAction.OVERDUE_EDITORS,
                from_status=revision.status,
                note=f"{assignment.reviewer}'s review was due {due_text}.",
                subject_user=assignment.reviewer,
            )
            sent += 1
        if fields:
            assignment.save(update_fields=fields)
    return sent


def review_reminders_send(*, today: date | None = None) -> int:
    """Remind reviewers 3 days before the due date and once overdue, and tell the editors of a
    review 7 days overdue; each at most once per assignment. Returns the events written."""
    today = today or timezone.localdate()
    return sum(_remind(pk, today) for pk in list(_waiting_assignments(today)))


def next_review_due(revision: Revision) -> datetime | None:
    """When an approved revision's article is due for re-review: counted from the review that
    covers its text (articles.selectors.revision_last_review), as the public page counts "next
    review due", so an approved editorial change does not put it off. A query only for an
    editorial change."""
    if revision.approved_at is None:
        return None
    reviewed = revision
    if revision.change_kind == ChangeKind.EDITORIAL:
        # No review under it (a clinical change never approved): its own approval, as before.
        earlier = revisions_up_to(revision=revision)
        reviewed = revision_last_review(revision=revision, earlier=earlier) or revision
    assert reviewed.approved_at is not None  # revision_last_review returns approved ones
    return months_later(reviewed.approved_at, revision.article.review_interval_months)


def _open_rereview(article_pk: int, revision_pk: int) -> bool:
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article_pk)
        newest = revision_newest(article=article)
        if newest is None or newest.pk != revision_pk or newest.status != ReviewStatus.APPROVED:
            return False  # something else happened since: nothing to open
        source = article.published_revision or newest
        editor = source.last_edited_by or source.author
        rereview = revision_create_draft(
            article=article,
            author=editor,
            change_summary=f"Scheduled re-review of revision {source.number}",
            source=source,
        )
        due = (
            f"Revision {source.number} was approved {source.approved_at:%b %-d, %Y}; "
            f"its {article.review_interval_months}-month review is due."
        )
        try:
            # The same text, submitted as an editor would: pinned to today's reference versions,
            # its public HTML stored, open threads moved on, the submission guard checked.
            with transaction.atomic():
                revision_submit(revision=rereview, actor=None, note=due, event=AuditAction.REREVIEW)
        except ActionRefused as exc:
            # The draft stays for the editors, who are told what keeps it from review.
            record_event(
                revision=rereview,
                actor=None,
                action=AuditAction.REREVIEW_BLOCKED,
                from_status=ReviewStatus.DRAFT,
                note=f"{due} It could not be submitted: {exc}",
            )
    return True


def rereviews_open_due(*, now: datetime | None = None) -> int:
    """Open a re-review (a new submitted revision copied from the published one) for each
    article whose newest revision is approved and whose next review date has come."""
    now = now or timezone.now()
    newest = revisions_newest_first(OuterRef("article"))
    candidates = (
        Revision.objects.filter(status=ReviewStatus.APPROVED, approved_at__isnull=False)
        .filter(pk=newest.values("pk")[:1])
        .select_related("article")
    )
    opened = 0
    for revision in candidates:
        due = next_review_due(revision)
        if due is not None and due <= now:
            opened += _open_rereview(revision.article_id, revision.pk)
    return opened
