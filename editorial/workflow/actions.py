"""Every change of a revision's review status, and publication: one atomic function each.

Each function locks the revision, runs its transition's guard (editorial.workflow.guards) and
refuses with its reasons, saves, writes one AuditEvent in the same transaction and sends
notifications only after commit. The workspace, the API, the admin, commands and the scheduler
all call these.
"""

from datetime import date, timedelta

from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Greatest
from django.utils import timezone

from articles.errors import (
    ActionRefused,
    Conflict,
    Forbidden,
    InvalidInput,
    Reason,
    ReasonKind,
    StateConflict,
    first_kind,
    refuse,
)
from articles.models import Revision
from articles.references.citing import revision_pin_citations
from articles.services import revision_bodies_render
from editorial import permissions
from editorial.anchoring import comments_carry_forward
from editorial.audit import record_event
from editorial.events import AuditAction
from editorial.models import (
    InterestDeclaration,
    ReviewAssignment,
    ReviewDecision,
    User,
)
from editorial.policy import quorum_state
from editorial.workflow.change_kinds import SubmittedChange, change_inferred
from editorial.workflow.guards import (
    APPROVE,
    ASSIGN,
    REQUEST_CHANGES,
    SUBMIT,
    TRANSITIONS,
    WITHDRAW,
    transition_blockers,
    transitions_available,
)

REASON_REQUIRED = "Say what needs to change: a reason is required."
REVIEWER_NOT_ELIGIBLE = (
    "{user} cannot review this revision: reviewers are advisory-board members who wrote or "
    "edited no revision of the article."
)
REVIEWER_MISSING = "Choose the board member to assign."
ALREADY_ASSIGNED = "{user} is already assigned to this revision."
WRONG_ARTICLE = "That revision belongs to another article."
DUE_IN_PAST = "The due date must be today or later."
NO_REVISION = "This article has no revision yet."
UNKNOWN_TRANSITION = "Unknown transition {name!r}; known: {known}."
DEFAULT_REVIEW_DAYS = 14

# The refusals under the names the workflow has always used (articles.errors is the family).
WorkflowError = ActionRefused
ActionForbidden = Forbidden
GuardFailed = Conflict


class TransitionNotAllowed(StateConflict):
    """The revision's status (or the article's publication) does not allow this transition;
    says the current status and what the actor may do instead."""

    def __init__(
        self,
        message: str = "",
        *,
        status: str,
        allowed: list[str],
        reasons: list[Reason] | None = None,
    ) -> None:
        super().__init__(message, reasons=reasons or ())
        self.status = status
        self.allowed = allowed


def lock_revision(revision: Revision) -> Revision:
    return Revision.objects.select_for_update().select_related("article").get(pk=revision.pk)


def refuse_unless_allowed(
    name: str,
    *,
    revision: Revision,
    actor: User | None,
    change: SubmittedChange | None = None,
) -> None:
    """Run the transition's guard on the locked `revision`; raise its refusal if blocked."""
    reasons = transition_blockers(name, revision=revision, actor=actor, change=change)
    if not reasons:
        return
    if first_kind(reasons) == ReasonKind.STATE:
        raise TransitionNotAllowed(
            status=revision.status,
            allowed=transitions_available(revision=revision, actor=actor) if actor else [],
            reasons=reasons,
        )
    refuse(reasons)


def _transition(name: str, revision: Revision) -> None:
    method = TRANSITIONS[name].method
    assert method is not None
    getattr(revision, method)()


def revision_submit(
    *,
    revision: Revision,
    actor: User | None,
    note: str = "",
    event: AuditAction = AuditAction.SUBMIT,
    change: SubmittedChange | None = None,
) -> Revision:
    """Send a draft (or a revision sent back for changes) to review: its citations are pinned,
    its public HTML stored, and the open threads of the revision before it move to it. It is
    Submitted, for an editor to invite reviewers, or Under review at once when board members
    are still assigned to it (_next_round_given).

    `change`: the editor's classification and the summary for readers (the guard checks it);
    left out, the kind is inferred (change_inferred). `actor` None is the scheduler opening a
    re-review (`event` "re-review"). Raises the refusal of the submit guard: ActionForbidden,
    TransitionNotAllowed, GuardFailed, or InvalidInput for the change.
    """
    with transaction.atomic():
        revision = lock_revision(revision)
        refuse_unless_allowed(SUBMIT, revision=revision, actor=actor, change=change)
        change = change or change_inferred(revision)
        # Pins each citation to the reference version current now (the guard checked the keys).
        revision_pin_citations(revision=revision)
        from_status = revision.status
        revision.submit(reviewers_waiting=_next_round_given(revision))
        revision.submitted_at = timezone.now()
        revision.review_round += 1
        revision.change_kind = change.kind
        revision.reader_summary = change.summary.strip()
        revision.reader_summaries = change.summaries_by_level()
        revision.save(
            update_fields=[
                "status",
                "submitted_at",
                "review_round",
                "change_kind",
                "reader_summary",
                "reader_summaries",
            ]
        )
        revision_bodies_render(revision=revision)  # the text and its citations are frozen now
        previous = (
            Revision.objects.filter(article_id=revision.article_id, number__lt=revision.number)
            .order_by("-number")
            .first()
        )
        if previous is not None:
            comments_carry_forward(source=previous, target=revision)
        record_event(
            revision=revision, actor=actor, action=event, from_status=from_status, note=note
        )
    return revision


def _next_round_given(revision: Revision) -> bool:
    """Give the board members still invited to review `revision` or reviewing it (it was sent
    back for changes, or withdrawn) its next round as it is submitted: each has at least
    DEFAULT_REVIEW_DAYS again, with the round's reminders still to come. Returns whether there
    was any, for it then goes under review at once. (Left in Submitted, they could neither
    decide nor be invited again.)"""
    due = timezone.localdate() + timedelta(days=DEFAULT_REVIEW_DAYS)
    waiting = ReviewAssignment.objects.filter(
        revision=revision, state__in=ReviewAssignment.ACTIVE_STATES
    ).update(
        due_date=Greatest(F("due_date"), Value(due)),
        reminder_sent_at=None,
        overdue_sent_at=None,
        editors_told_overdue_at=None,
    )
    return waiting > 0


def revision_assign_reviewer(
    *,
    revision: Revision,
    actor: User,
    reviewer: User | None,
    note: str = "",
    due_date: date | None = None,
) -> ReviewAssignment:
    """Invite a board member to review by `due_date` (default in 14 days); they accept or
    decline (editorial.review). Never the revision's author or last editor.

    Raises ActionForbidden, TransitionNotAllowed, or InvalidInput for an ineligible reviewer.
    """
    today = timezone.localdate()
    due_date = due_date or today + timedelta(days=DEFAULT_REVIEW_DAYS)
    with transaction.atomic():
        revision = lock_revision(revision)
        refuse_unless_allowed(ASSIGN, revision=revision, actor=actor)
        if reviewer is None:
            raise InvalidInput(REVIEWER_MISSING)
        if due_date < today:
            raise InvalidInput(DUE_IN_PAST)
        if not permissions.may_be_assigned.test(reviewer, revision):
            raise InvalidInput(REVIEWER_NOT_ELIGIBLE.format(user=reviewer))
        earlier = (
            ReviewAssignment.objects.select_for_update()
            .filter(revision=revision, reviewer=reviewer)
            .first()
        )
        if earlier is not None and earlier.is_active:
            raise InvalidInput(ALREADY_ASSIGNED.format(user=reviewer))
        from_status = revision.status
        if earlier is None:
            assignment = ReviewAssignment.objects.create(
                revision=revision, reviewer=reviewer, assigned_by=actor, due_date=due_date
            )
            invited = f"Invited {reviewer}"
        else:
            invited = f"Invited {reviewer} again (had {earlier.get_state_display().lower()})"
            assignment = _assignment_reopen(earlier, actor=actor, due_date=due_date)
        _transition(ASSIGN, revision)
        revision.save(update_fields=["status"])
        record_event(
            revision=revision,
            actor=actor,
            action=AuditAction.ASSIGN,
            from_status=from_status,
            note=note or f"{invited}, due {due_date:%b %-d, %Y}",
            subject_user=reviewer,
        )
    return assignment


def _assignment_reopen(
    assignment: ReviewAssignment, *, actor: User, due_date: date
) -> ReviewAssignment:
    """A declined or removed reviewer invited again: the same row (one per revision and
    reviewer) starts over as a fresh invitation; they declare their interests anew. The earlier
    answer stays in the audit trail."""
    InterestDeclaration.objects.filter(assignment=assignment).delete()
    assignment.state = ReviewAssignment.State.INVITED
    assignment.assigned_by = actor
    assignment.assigned_at = timezone.now()
    assignment.due_date = due_date
    assignment.responded_at = None
    assignment.decline_reason = ""
    assignment.reminder_sent_at = None
    assignment.overdue_sent_at = None
    assignment.editors_told_overdue_at = None
    assignment.save(
        update_fields=[
            "state",
            "assigned_by",
            "assigned_at",
            "due_date",
            "responded_at",
            "decline_reason",
            "reminder_sent_at",
            "overdue_sent_at",
            "editors_told_overdue_at",
        ]
    )
    return assignment


def revision_approve(
    *, revision: Revision, actor: User, note: str = "", editors_note: str = ""
) -> ReviewDecision:
    """Record an accepted reviewer's approval; approve the revision when the policy is met
    (editorial.policy: minimum approvals, maybe a specialty).

    Raises ActionForbidden, TransitionNotAllowed, or GuardFailed if already decided this round,
    without a declaration of interests, while a safety comment is unresolved, or when it cites
    a retracted reference.
    """
    with transaction.atomic():
        revision = lock_revision(revision)
        refuse_unless_allowed(APPROVE, revision=revision, actor=actor)
        decision = ReviewDecision.objects.create(
            assignment=ReviewAssignment.objects.get(revision=revision, reviewer=actor),
            revision=revision,
            reviewer=actor,
            review_round=revision.review_round,
            verdict=ReviewDecision.Verdict.APPROVE,
            reason=note,
            editors_note=editors_note.strip(),
        )
        state = quorum_state(revision=revision)
        from_status = revision.status
        if state.reached:
            _transition(APPROVE, revision)
            revision.approved_at = timezone.now()
            revision.save(update_fields=["status", "approved_at"])
            action, summary = AuditAction.APPROVE, f"Approved: {state.summary()}"
        else:
            action, summary = AuditAction.DECISION, f"Approval: {state.summary()}"
        record_event(
            revision=revision,
            actor=actor,
            action=action,
            from_status=from_status,
            note=f"{summary}. {note}".strip() if note else summary,
        )
    return decision


def revision_request_changes(
    *, revision: Revision, actor: User, reason: str, editors_note: str = ""
) -> Revision:
    """Send the revision back to its editors; by an assigned reviewer or an editor.

    Raises ActionForbidden, TransitionNotAllowed, GuardFailed, or InvalidInput without a reason.
    """
    reason = (reason or "").strip()
    with transaction.atomic():
        revision = lock_revision(revision)
        refuse_unless_allowed(REQUEST_CHANGES, revision=revision, actor=actor)
        if not reason:
            raise InvalidInput(REASON_REQUIRED)
        if permissions.can_decide.test(actor, revision):
            ReviewDecision.objects.create(
                assignment=ReviewAssignment.objects.get(revision=revision, reviewer=actor),
                revision=revision,
                reviewer=actor,
                review_round=revision.review_round,
                verdict=ReviewDecision.Verdict.REQUEST_CHANGES,
                reason=reason,
                editors_note=editors_note.strip(),
            )
        from_status = revision.status
        _transition(REQUEST_CHANGES, revision)
        revision.save(update_fields=["status"])
        record_event(
            revision=revision,
            actor=actor,
            action=AuditAction.REQUEST_CHANGES,
            from_status=from_status,
            note=reason,
        )
    return revision


def revision_withdraw(*, revision: Revision, actor: User, note: str = "") -> Revision:
    """Take a revision out of review, back to draft.

    Raises ActionForbidden or TransitionNotAllowed.
    """
    with transaction.atomic():
        revision = lock_revision(revision)
        refuse_unless_allowed(WITHDRAW, revision=revision, actor=actor)
        from_status = revision.status
        _transition(WITHDRAW, revision)
        revision.save(update_fields=["status"])
        record_event(
            revision=revision,
            actor=actor,
            action=AuditAction.WITHDRAW,
            from_status=from_status,
            note=note,
        )
    return revision
