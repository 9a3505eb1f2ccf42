"""Every change of a revision's review status, and publication: one atomic function each.

Each function locks the revision, checks the actor's permission and the transition table
(``articles.models.Revision``), saves, writes one AuditEvent in the same transaction and sends
notifications only after commit. Views, the API, the admin and commands all call these.
"""

from collections.abc import Callable
from datetime import date, timedelta
from functools import partial

import rules
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_fsm import can_proceed

from articles.models import Article, AudienceLevel, ReviewStatus, Revision
from articles.page_versions import article_page_invalidate
from articles.readability import submission_blocked_message
from articles.search_documents import article_search_document_refresh
from articles.services import ContentError, revision_bodies_render, revision_pin_citations
from editorial import permissions
from editorial.anchoring import comments_carry_forward
from editorial.models import (
    AuditEvent,
    InterestDeclaration,
    ReviewAssignment,
    ReviewComment,
    ReviewDecision,
    User,
)
from editorial.policy import quorum_state
from editorial.selectors import revision_retracted_citation
from editorial.tasks import send_event_notifications

NOT_ALLOWED = "Cannot {action}: the revision is {status}."
FORBIDDEN = "You may not {action} this revision."
CANONICAL_MISSING = "Write the {audience} version before submitting: it is required."
REASON_REQUIRED = "Say what needs to change: a reason is required."
REVIEWER_NOT_ELIGIBLE = (
    "{user} cannot review this revision: reviewers are advisory-board members who did not "
    "write or last edit it."
)
REVIEWER_MISSING = "Choose the board member to assign."
ALREADY_ASSIGNED = "{user} is already assigned to this revision."
ALREADY_DECIDED = "You have already given your decision on this round of review."
WRONG_ARTICLE = "That revision belongs to another article."
NOT_PUBLISHABLE = "Cannot publish: the revision is {status}; publishable now: {allowed}."
DECLARATION_REQUIRED = "Declare your conflicts of interest (or none) before deciding."
SAFETY_BLOCKS = "Cannot approve while the {comment} is unresolved."
RETRACTED_BLOCKS = (
    "Cannot approve: it cites {key} ({title}), which was retracted in version {number}. "
    "Start a new draft without it."
)
DUE_IN_PAST = "The due date must be today or later."
NOT_PUBLISHED = "Cannot unpublish: the article is not published."
DEFAULT_REVIEW_DAYS = 14


class WorkflowError(Exception):
    """A workflow action was refused; nothing changed."""

    http_status = 409


class ActionForbidden(WorkflowError):
    http_status = 403


class InvalidInput(WorkflowError):
    http_status = 400


class TransitionNotAllowed(WorkflowError):
    """The transition table does not allow this action from the revision's current status."""

    def __init__(self, message: str, *, status: str, allowed: list[str]) -> None:
        super().__init__(message)
        self.status = status
        self.allowed = allowed


class GuardFailed(WorkflowError):
    """The table allows the action, but a precondition (such as a required body) fails."""


# Action name (as used in URLs) -> (permission predicate, Revision transition method name).
# Publication is not a status change and is handled apart.
ACTIONS: dict[str, tuple[rules.Predicate, str]] = {
    "submit": (permissions.can_submit, "submit"),
    "assign-reviewer": (permissions.can_assign_reviewer, "assign_reviewer"),
    "approve": (permissions.can_approve, "approve"),
    "request-changes": (permissions.can_request_changes, "request_changes"),
    "withdraw": (permissions.can_withdraw, "withdraw"),
}
PUBLISH = "publish"
UNPUBLISH = "unpublish"
ACTION_NAMES = [*ACTIONS, PUBLISH, UNPUBLISH]


def publishable_statuses() -> list[str]:
    """Statuses from which a revision may be published, under the site's policy."""
    if settings.IMPRIMATUR_PUBLISH_REQUIRES_APPROVAL:
        return [ReviewStatus.APPROVED]
    return [ReviewStatus.SUBMITTED, ReviewStatus.UNDER_REVIEW, ReviewStatus.APPROVED]


def decided_this_round(revision: Revision, actor: User) -> bool:
    return ReviewDecision.objects.filter(
        revision=revision, review_round=revision.review_round, reviewer=actor
    ).exists()


def has_declared(*, revision: Revision, reviewer: User) -> bool:
    """Whether the reviewer declared their interests (or none) for this revision; reads
    prefetched `revision.assignments` (with their declaration) when there are."""
    if "assignments" in getattr(revision, "_prefetched_objects_cache", {}):
        return any(
            a.reviewer_id == reviewer.pk and getattr(a, "declaration", None) is not None
            for a in revision.assignments.all()
        )
    return InterestDeclaration.objects.filter(
        assignment__revision=revision, assignment__reviewer=reviewer
    ).exists()


def unresolved_safety_comment(*, revision: Revision) -> ReviewComment | None:
    return (
        ReviewComment.objects.filter(
            revision=revision,
            parent__isnull=True,
            severity=ReviewComment.Severity.SAFETY,
            resolved_at__isnull=True,
        )
        .select_related("author")
        .first()
    )


def retracted_blocks_message(*, revision: Revision) -> str:
    """Why the revision cannot be approved for a retracted reference it cites, or ""."""
    retracted = revision_retracted_citation(revision=revision)
    if retracted is None:
        return ""
    title = retracted.title if len(retracted.title) <= 90 else retracted.title[:87] + "..."
    return RETRACTED_BLOCKS.format(key=retracted.key, title=title, number=retracted.number)


def transitions_available(*, revision: Revision, actor: User) -> list[str]:
    """The action names this actor may take on this revision now, in table order."""
    available = []
    for name, (predicate, method) in ACTIONS.items():
        if not can_proceed(getattr(revision, method)) or not predicate.test(actor, revision):
            continue
        if (
            name in ("approve", "request-changes")
            and permissions.can_decide.test(actor, revision)
            and decided_this_round(revision, actor)
        ):
            continue
        if (
            name in ("approve", "request-changes")
            and permissions.can_decide.test(actor, revision)
            and not has_declared(revision=revision, reviewer=actor)
        ):
            continue
        available.append(name)
    if (
        revision.status in publishable_statuses()
        and revision.article.published_revision_id != revision.pk
        and permissions.can_publish.test(actor, revision)
    ):
        available.append(PUBLISH)
    # Unpublishing acts on the article, whichever revision is looked at.
    if revision.article.published_revision_id is not None and permissions.can_publish.test(
        actor, revision
    ):
        available.append(UNPUBLISH)
    return available


def lock_revision(revision: Revision) -> Revision:
    return Revision.objects.select_for_update().select_related("article").get(pk=revision.pk)


def _check(action: str, *, revision: Revision, actor: User) -> Callable[[], None]:
    """Refuse unless the actor may take the action and the table allows it; return the method."""
    predicate, method_name = ACTIONS[action]
    if not predicate.test(actor, revision):
        raise ActionForbidden(FORBIDDEN.format(action=action.replace("-", " ")))
    method = getattr(revision, method_name)
    if not can_proceed(method):
        raise TransitionNotAllowed(
            NOT_ALLOWED.format(
                action=action.replace("-", " "), status=revision.get_status_display().lower()
            ),
            status=revision.status,
            allowed=transitions_available(revision=revision, actor=actor),
        )
    return method


def record_event(
    *,
    revision: Revision,
    actor: User | None,
    action: str,
    from_status: str,
    note: str = "",
    subject_user: User | None = None,
    comment: ReviewComment | None = None,
    to_status: str | None = None,
) -> AuditEvent:
    """Write one audit event in the caller's transaction; its notifications go after commit."""
    event = AuditEvent.objects.create(
        article=revision.article,
        revision=revision,
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=revision.status if to_status is None else to_status,
        note=note,
        subject_user=subject_user,
        comment=comment,
    )
    transaction.on_commit(partial(_event_committed, event.pk, revision.article.slug))
    return event


def _event_committed(event_pk: int, article_slug: str) -> None:
    # Any event may change what the article's public page shows (status, dates, reviewers);
    # the cached page goes first, so that a broker outage cannot keep it.
    article_page_invalidate(slug=article_slug)
    send_event_notifications.delay(event_pk)


def revision_submit(*, revision: Revision, actor: User, note: str = "") -> Revision:
    """Send a draft (or a revision sent back for changes) to review.

    Raises ActionForbidden, TransitionNotAllowed, or GuardFailed without the canonical body.
    """
    with transaction.atomic():
        revision = lock_revision(revision)
        method = _check("submit", revision=revision, actor=actor)
        canonical = AudienceLevel.objects.get(is_canonical=True)
        if not revision.bodies.filter(audience=canonical).exclude(body="").exists():
            raise GuardFailed(CANONICAL_MISSING.format(audience=canonical.label))
        try:  # pins each citation to the reference version current now; unknown keys refuse
            revision_pin_citations(revision=revision)
        except ContentError as exc:
            raise GuardFailed(str(exc)) from exc
        if blocked := submission_blocked_message(revision):
            raise GuardFailed(blocked)
        from_status = revision.status
        method()
        revision.submitted_at = timezone.now()
        revision.review_round += 1
        revision.save(update_fields=["status", "submitted_at", "review_round"])
        revision_bodies_render(revision=revision)  # the text and its citations are frozen now
        previous = (
            Revision.objects.filter(article_id=revision.article_id, number__lt=revision.number)
            .order_by("-number")
            .first()
        )
        if previous is not None:
            comments_carry_forward(source=previous, target=revision)
        record_event(
            revision=revision, actor=actor, action="submit", from_status=from_status, note=note
        )
    return revision


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
        method = _check("assign-reviewer", revision=revision, actor=actor)
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
        method()
        revision.save(update_fields=["status"])
        record_event(
            revision=revision,
            actor=actor,
            action="assign-reviewer",
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


def revision_approve(*, revision: Revision, actor: User, note: str = "") -> ReviewDecision:
    """Record an accepted reviewer's approval; approve the revision when the policy is met
    (editorial.policy: minimum approvals, maybe a specialty).

    Raises ActionForbidden, TransitionNotAllowed, or GuardFailed if already decided this round,
    without a declaration of interests, while a safety comment is unresolved, or when it cites
    a retracted reference.
    """
    with transaction.atomic():
        revision = lock_revision(revision)
        method = _check("approve", revision=revision, actor=actor)
        if decided_this_round(revision, actor):
            raise GuardFailed(ALREADY_DECIDED)
        if not has_declared(revision=revision, reviewer=actor):
            raise GuardFailed(DECLARATION_REQUIRED)
        blocking = unresolved_safety_comment(revision=revision)
        if blocking is not None:
            raise GuardFailed(SAFETY_BLOCKS.format(comment=blocking.label))
        if message := retracted_blocks_message(revision=revision):
            raise GuardFailed(message)
        decision = ReviewDecision.objects.create(
            assignment=ReviewAssignment.objects.get(revision=revision, reviewer=actor),
            revision=revision,
            reviewer=actor,
            review_round=revision.review_round,
            verdict=ReviewDecision.Verdict.APPROVE,
            reason=note,
        )
        state = quorum_state(revision=revision)
        from_status = revision.status
        if state.reached:
            method()
            revision.approved_at = timezone.now()
            revision.save(update_fields=["status", "approved_at"])
            action, summary = "approve", f"Approved: {state.summary()}"
        else:
            action, summary = "decision", f"Approval: {state.summary()}"
        record_event(
            revision=revision,
            actor=actor,
            action=action,
            from_status=from_status,
            note=f"{summary}. {note}".strip() if note else summary,
        )
    return decision


def revision_request_changes(*, revision: Revision, actor: User, reason: str) -> Revision:
    """Send the revision back to its editors; by an assigned reviewer or an editor.

    Raises InvalidInput without a reason, ActionForbidden, TransitionNotAllowed, GuardFailed.
    """
    reason = (reason or "").strip()
    with transaction.atomic():
        revision = lock_revision(revision)
        method = _check("request-changes", revision=revision, actor=actor)
        if not reason:
            raise InvalidInput(REASON_REQUIRED)
        if permissions.can_decide.test(actor, revision):
            if decided_this_round(revision, actor):
                raise GuardFailed(ALREADY_DECIDED)
            if not has_declared(revision=revision, reviewer=actor):
                raise GuardFailed(DECLARATION_REQUIRED)
            ReviewDecision.objects.create(
                assignment=ReviewAssignment.objects.get(revision=revision, reviewer=actor),
                revision=revision,
                reviewer=actor,
                review_round=revision.review_round,
                verdict=ReviewDecision.Verdict.REQUEST_CHANGES,
                reason=reason,
            )
        from_status = revision.status
        method()
        revision.save(update_fields=["status"])
        record_event(
            revision=revision,
            actor=actor,
            action="request-changes",
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
        method = _check("withdraw", revision=revision, actor=actor)
        from_status = revision.status
        method()
        revision.save(update_fields=["status"])
        record_event(
            revision=revision, actor=actor, action="withdraw", from_status=from_status, note=note
        )
    return revision


def article_publish(*, revision: Revision, actor: User, note: str = "") -> Article:
    """Make this revision the one the public reads, if the publication policy allows its status.

    Raises ActionForbidden or TransitionNotAllowed.
    """
    with transaction.atomic():
        revision = lock_revision(revision)
        article = Article.objects.select_for_update().get(pk=revision.article_id)
        if not permissions.can_publish.test(actor, revision):
            raise ActionForbidden(FORBIDDEN.format(action=PUBLISH))
        allowed_statuses = publishable_statuses()
        if revision.status not in allowed_statuses:
            raise TransitionNotAllowed(
                NOT_PUBLISHABLE.format(
                    status=revision.get_status_display().lower(),
                    allowed=", ".join(ReviewStatus(s).label.lower() for s in allowed_statuses),
                ),
                status=revision.status,
                allowed=transitions_available(revision=revision, actor=actor),
            )
        _public_revision_set(article, revision)
        revision.article = article
        revision_bodies_render(revision=revision)  # only bodies not rendered yet (older data)
        record_event(
            revision=revision,
            actor=actor,
            action=PUBLISH,
            from_status=revision.status,
            note=note or f"Published revision {revision.number}",
        )
    return article


def _public_revision_set(article: Article, revision: Revision | None) -> None:
    """Point the public page at `revision` (None: off the site), search following it."""
    article.published_revision = revision
    article.published_at = timezone.now() if revision is not None else None
    article.save(update_fields=["published_revision", "published_at", "updated_at"])
    article_search_document_refresh(article_id=article.pk)


def article_unpublish(*, article: Article, actor: User, note: str = "") -> Article:
    """Take the article off the public site (its revisions and their review stay as they are).

    Raises ActionForbidden, or TransitionNotAllowed (with the newest revision's status) when it
    is not published.
    """
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article.pk)
        revision = article.published_revision
        newest = None
        if revision is None:
            newest = article.revisions.order_by("-number").first()
        if not permissions.can_publish.test(actor, revision or newest):
            raise ActionForbidden(FORBIDDEN.format(action=UNPUBLISH))
        if revision is None:
            if newest is None:
                raise GuardFailed(NOT_PUBLISHED)
            newest.article = article
            raise TransitionNotAllowed(
                NOT_PUBLISHED,
                status=newest.status,
                allowed=transitions_available(revision=newest, actor=actor),
            )
        _public_revision_set(article, None)
        revision.article = article
        record_event(
            revision=revision,
            actor=actor,
            action=UNPUBLISH,
            from_status=revision.status,
            note=note or f"Unpublished revision {revision.number}",
        )
    return article


def run_action(
    name: str,
    *,
    revision: Revision,
    actor: User,
    note: str = "",
    reviewer: User | None = None,
    due_date: date | None = None,
) -> object:
    """Dispatch an action by its URL name; the API and the workspace buttons use this.

    Unpublish acts on `revision`'s article (whichever revision is published).
    """
    if name == "submit":
        return revision_submit(revision=revision, actor=actor, note=note)
    if name == "assign-reviewer":
        return revision_assign_reviewer(
            revision=revision, actor=actor, reviewer=reviewer, note=note, due_date=due_date
        )
    if name == "approve":
        return revision_approve(revision=revision, actor=actor, note=note)
    if name == "request-changes":
        return revision_request_changes(revision=revision, actor=actor, reason=note)
    if name == "withdraw":
        return revision_withdraw(revision=revision, actor=actor, note=note)
    if name == PUBLISH:
        return article_publish(revision=revision, actor=actor, note=note)
    if name == UNPUBLISH:
        return article_unpublish(article=revision.article, actor=actor, note=note)
    raise InvalidInput(f"Unknown transition {name!r}; known: {', '.join(ACTION_NAMES)}.")
