"""Review assignments and declarations of interest: one guard and one atomic action each.

Like editorial.workflow, each action locks, runs its guard (the reasons it is refused; pages ask
the same guard to offer it), writes one AuditEvent in its transaction and notifies after
commit. Views, the API and the admin call these.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from articles.errors import InvalidInput, Reason, ReasonKind, refuse_if
from articles.models import ReviewStatus, Revision
from editorial import permissions
from editorial.audit import record_event
from editorial.events import NO_INTERESTS_NOTE, AuditAction
from editorial.models import InterestDeclaration, InterestEntry, ReviewAssignment, User
from editorial.workflow import decided_this_round, lock_revision

NOT_YOURS = "This invitation is not yours to answer."
NOT_INVITED = "This invitation is already {state}."
NOT_ACTIVE = "This assignment is {state}: nothing more can be done with it."
DECLINE_REASON_REQUIRED = "Say why you decline: a reason is required."
DECLINE_CLOSED = (
    "Revision {number} is {status}: its review is over, so there is nothing to decline."
)
DECLINE_AFTER_DECISION = (
    "You have given your decision on this round of review: it stands, so you can no longer decline."
)
# A reviewer may step back only while the revision is still being reviewed.
DECLINABLE_STATUSES = {ReviewStatus.SUBMITTED, ReviewStatus.UNDER_REVIEW}
REMOVE_FORBIDDEN = "Only editors may remove a reviewer."
DECLARE_FORBIDDEN = "Only the reviewer declares their own interests."
INTERESTS_OR_NONE = "Declare either no conflict of interest or at least one interest, not both."
INTEREST_DETAILS_REQUIRED = "Describe each declared interest."
ALREADY_DECIDED_DECLARATION = "You have decided already: your declaration can no longer change."


@dataclass(frozen=True)
class Interest:
    kind: str
    details: str


def _lock(assignment: ReviewAssignment) -> tuple[Revision, ReviewAssignment]:
    # The revision first, as every workflow action does, so approvals and answers serialise.
    revision = lock_revision(assignment.revision)
    locked = (
        ReviewAssignment.objects.select_for_update()
        .select_related("reviewer", "assigned_by")
        .get(pk=assignment.pk)
    )
    return revision, locked


def _not_active(assignment: ReviewAssignment) -> list[Reason]:
    if assignment.is_active:
        return []
    state = assignment.get_state_display().lower()
    return [Reason("assignment-closed", NOT_ACTIVE.format(state=state), kind=ReasonKind.STATE)]


def assignment_accept_blockers(*, assignment: ReviewAssignment, actor: User) -> list[Reason]:
    """Why `actor` may not accept this invitation now (empty: they may)."""
    if not permissions.can_respond_to_invitation.test(actor, assignment):
        return [Reason("not-yours", NOT_YOURS, kind=ReasonKind.PERMISSION)]
    if assignment.state != ReviewAssignment.State.INVITED:
        state = assignment.get_state_display().lower()
        return [Reason("not-invited", NOT_INVITED.format(state=state), kind=ReasonKind.STATE)]
    return []


def assignment_decline_blockers(*, assignment: ReviewAssignment, actor: User) -> list[Reason]:
    """Why `actor` may not decline this assignment now: not theirs, over, the review closed,
    or they have decided this round (their decision stands)."""
    if not permissions.can_respond_to_invitation.test(actor, assignment):
        return [Reason("not-yours", NOT_YOURS, kind=ReasonKind.PERMISSION)]
    if reasons := _not_active(assignment):
        return reasons
    revision = assignment.revision
    if revision.status not in DECLINABLE_STATUSES:
        message = DECLINE_CLOSED.format(
            number=revision.number, status=revision.get_status_display().lower()
        )
        return [Reason("review-closed", message, kind=ReasonKind.STATE)]
    if decided_this_round(revision, assignment.reviewer):
        return [Reason("already-decided", DECLINE_AFTER_DECISION)]
    return []


def assignment_remove_blockers(*, assignment: ReviewAssignment, actor: User) -> list[Reason]:
    """Why `actor` may not take this reviewer off the revision now."""
    if not permissions.can_remove_reviewer.test(actor):
        return [Reason("forbidden", REMOVE_FORBIDDEN, kind=ReasonKind.PERMISSION)]
    return _not_active(assignment)


def interests_declare_blockers(*, assignment: ReviewAssignment, actor: User) -> list[Reason]:
    """Why `actor` may not declare interests for this assignment now (only its reviewer, while
    active, until they decide)."""
    if assignment.reviewer_id != actor.pk:
        return [Reason("not-yours", DECLARE_FORBIDDEN, kind=ReasonKind.PERMISSION)]
    if reasons := _not_active(assignment):
        return reasons
    revision = assignment.revision
    if assignment.decisions.filter(review_round=revision.review_round).exists():
        return [Reason("already-decided", ALREADY_DECIDED_DECLARATION)]
    return []


def assignment_accept(*, assignment: ReviewAssignment, actor: User) -> ReviewAssignment:
    """The invited board member accepts to review. Raises ActionForbidden or GuardFailed."""
    with transaction.atomic():
        revision, assignment = _lock(assignment)
        refuse_if(assignment_accept_blockers(assignment=assignment, actor=actor))
        assignment.state = ReviewAssignment.State.ACCEPTED
        assignment.responded_at = timezone.now()
        assignment.save(update_fields=["state", "responded_at"])
        record_event(
            revision=revision,
            actor=actor,
            action=AuditAction.ACCEPT,
            from_status=revision.status,
            note=f"Accepted to review by {assignment.due_date:%b %-d, %Y}",
            subject_user=assignment.assigned_by,
        )
    return assignment


def assignment_decline(
    *, assignment: ReviewAssignment, actor: User, reason: str
) -> ReviewAssignment:
    """The invited (or accepted) reviewer declines, with a reason; they lose access.

    Raises InvalidInput without a reason, ActionForbidden, or GuardFailed.
    """
    reason = (reason or "").strip()
    with transaction.atomic():
        revision, assignment = _lock(assignment)
        assignment.revision = revision
        refuse_if(assignment_decline_blockers(assignment=assignment, actor=actor))
        if not reason:
            raise InvalidInput(DECLINE_REASON_REQUIRED)
        assignment.state = ReviewAssignment.State.DECLINED
        assignment.responded_at = timezone.now()
        assignment.decline_reason = reason
        assignment.save(update_fields=["state", "responded_at", "decline_reason"])
        record_event(
            revision=revision,
            actor=actor,
            action=AuditAction.DECLINE,
            from_status=revision.status,
            note=reason,
            subject_user=assignment.assigned_by,
        )
    return assignment


def assignment_remove(
    *, assignment: ReviewAssignment, actor: User, note: str = ""
) -> ReviewAssignment:
    """An editor takes a reviewer off the revision; their decisions stop counting.

    Raises ActionForbidden or GuardFailed.
    """
    with transaction.atomic():
        revision, assignment = _lock(assignment)
        refuse_if(assignment_remove_blockers(assignment=assignment, actor=actor))
        assignment.state = ReviewAssignment.State.REMOVED
        assignment.save(update_fields=["state"])
        record_event(
            revision=revision,
            actor=actor,
            action=AuditAction.REMOVE,
            from_status=revision.status,
            note=note or f"Removed {assignment.reviewer}",
            subject_user=assignment.reviewer,
        )
    return assignment


def interests_declare(
    *, assignment: ReviewAssignment, actor: User, none: bool, interests: list[Interest]
) -> InterestDeclaration:
    """Declare no conflict of interest, or typed interests, for one assignment (replacing an
    earlier declaration until the reviewer decides).

    Raises ActionForbidden, GuardFailed, or InvalidInput.
    """
    interests = [Interest(i.kind, i.details.strip()) for i in interests]
    with transaction.atomic():
        revision, assignment = _lock(assignment)
        assignment.revision = revision
        refuse_if(interests_declare_blockers(assignment=assignment, actor=actor))
        if none == bool(interests):
            raise InvalidInput(INTERESTS_OR_NONE)
        if any(not i.details for i in interests):
            raise InvalidInput(INTEREST_DETAILS_REQUIRED)
        kinds = set(InterestEntry.Kind.values)
        if any(i.kind not in kinds for i in interests):
            raise InvalidInput(f"Interest types: {', '.join(sorted(kinds))}.")
        declaration, _ = InterestDeclaration.objects.update_or_create(
            assignment=assignment, defaults={"has_interests": bool(interests)}
        )
        declaration.entries.all().delete()
        InterestEntry.objects.bulk_create(
            InterestEntry(declaration=declaration, kind=i.kind, details=i.details)
            for i in interests
        )
        summary = "; ".join(f"{i.kind}: {i.details}" for i in interests) or NO_INTERESTS_NOTE
        record_event(
            revision=revision,
            actor=actor,
            action=AuditAction.DECLARE,
            from_status=revision.status,
            note=summary,
        )
    return declaration


def interests_previous(*, reviewer: User) -> tuple[bool, list[Interest]] | None:
    """The reviewer's most recent declaration on any assignment, to pre-fill the next form:
    (no interests, entries), or None if they never declared."""
    declaration = (
        InterestDeclaration.objects.filter(assignment__reviewer=reviewer)
        .order_by("-declared_at", "-pk")
        .prefetch_related("entries")
        .first()
    )
    if declaration is None:
        return None
    entries = [Interest(e.kind, e.details) for e in declaration.entries.all()]
    return (not declaration.has_interests, entries)
