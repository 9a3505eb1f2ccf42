"""May this actor take this transition on this revision now, and if not, why not?

One guard per transition returns the reasons it is blocked (empty: allowed). The action runs
the same guard before it changes anything (editorial.workflow.actions); the list of
transitions the API and the workspace show asks it too, so a button never promises what the
action would refuse. Reasons come in one kind at a time: who is asking, then where the revision
is in its life, then the preconditions.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django_fsm import can_proceed

from articles.errors import Reason, ReasonKind
from articles.models import AudienceLevel, ChangeKind, ReviewStatus, Revision
from articles.readability import submission_blocked_message
from articles.references.citing import UNKNOWN_CITATIONS, revision_citations_unknown
from articles.references.flags import revision_retracted_citation
from articles.selectors import revision_last_review, revisions_up_to
from editorial import permissions
from editorial.models import InterestDeclaration, ReviewComment, ReviewDecision, User
from editorial.policy import policy_for
from editorial.workflow.change_kinds import SubmittedChange, change_reasons

FORBIDDEN = "You may not {action} this revision."
NOT_ALLOWED = "Cannot {action}: the revision is {status}."
NOT_PUBLISHABLE = "Cannot publish: the revision is {status}; publishable now: {allowed}."
ALREADY_PUBLISHED = "Revision {number} is already the one readers see."
NOT_PUBLISHED = "Cannot unpublish: the article is not published."
REPLACE_APPROVED_FORBIDDEN = (
    "Readers see an approved revision: only {groups} may replace it with one not approved."
)
CANONICAL_MISSING = "Write the {audience} version before submitting: it is required."
ALREADY_DECIDED = "You have already given your decision on this round of review."
DECLARATION_REQUIRED = "Declare your conflicts of interest (or none) before deciding."
SAFETY_BLOCKS = "Cannot approve while the {comment} is unresolved."
EDITORIAL_NEEDS_OTHER_EDITOR = (
    "An editorial change is published on one editor's approval: an editor who did not write "
    "it must publish it."
)
RETRACTED_BLOCKS = (
    "Cannot approve: it cites {key} ({title}), which was retracted in version {number}. "
    "Start a new draft without it."
)

# What lifts each refusal, said after it.
DECLARE_REMEDY = "Use the declaration form on the review page."
RESOLVE_REMEDY = "An editor or the comment's author can resolve it."
CANONICAL_REMEDY = "Open the editor and write it."
CITATIONS_REMEDY = ""  # the message says it: add them to the library or fix the markers
READABILITY_REMEDY = "Simplify the text, or ask an administrator about the level's target."
PUBLISHABLE_REMEDY = "Take it through review first."


@dataclass(frozen=True)
class Transition:
    """A workflow transition as the workspace and the API name it."""

    name: str  # in URLs: /transitions/<name>/
    label: str  # on its button
    method: str | None  # the Revision transition (None: publication, a pointer of the article)
    permission: object  # an editorial.permissions predicate of (actor, revision)
    # Before "this revision" in the refusal FORBIDDEN says: "assign a reviewer to"; the name.
    refused: str = ""

    @property
    def refused_phrase(self) -> str:
        return self.refused or self.name.replace("-", " ")


SUBMIT, ASSIGN, APPROVE, REQUEST_CHANGES, WITHDRAW = (
    "submit",
    "assign-reviewer",
    "approve",
    "request-changes",
    "withdraw",
)
PUBLISH, UNPUBLISH = "publish", "unpublish"
TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in [
        Transition(SUBMIT, "Submit", "submit", permissions.can_submit),
        Transition(
            ASSIGN,
            "Assign reviewer",
            "assign_reviewer",
            permissions.can_assign_reviewer,
            refused="assign a reviewer to",
        ),
        Transition(APPROVE, "Approve", "approve", permissions.can_approve),
        Transition(
            REQUEST_CHANGES,
            "Request changes",
            "request_changes",
            permissions.can_request_changes,
            refused="request changes to",
        ),
        Transition(WITHDRAW, "Withdraw", "withdraw", permissions.can_withdraw),
        Transition(PUBLISH, "Publish", None, permissions.can_publish),
        Transition(UNPUBLISH, "Unpublish", None, permissions.can_publish),
    ]
}
ACTION_NAMES = list(TRANSITIONS)


def editorial_by_one_editor(revision: Revision) -> bool:
    """Whether `revision` is an editorial change the approval policy lets one editor publish
    without the board's approval: submitted, and the text before it reviewed (so readers keep
    reading reviewed advice). The publish guard decides with it."""
    return (
        revision.change_kind == ChangeKind.EDITORIAL
        and revision.status in (ReviewStatus.SUBMITTED, ReviewStatus.UNDER_REVIEW)
        and policy_for(article=revision.article).editorial_by_one_editor
        and revision_last_review(revision=revision, earlier=revisions_up_to(revision=revision))
        is not None
    )


def revision_writer_ids(revision: Revision) -> set[int]:
    """Who wrote `revision`: its author, its last editor, everyone who saved it."""
    ids = set(revision.writers.values_list("pk", flat=True))
    ids.update(pk for pk in (revision.author_id, revision.last_edited_by_id) if pk is not None)
    return ids


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


def _who(transition: Transition, *, revision: Revision, actor: User | None) -> list[Reason]:
    # The scheduler (no actor) only ever submits a re-review it opened.
    if actor is None and transition.name == SUBMIT:
        return []
    permission = transition.permission
    if actor is not None and permission.test(actor, revision):  # type: ignore[attr-defined]
        return []
    message = FORBIDDEN.format(action=transition.refused_phrase)
    return [Reason("forbidden", message, kind=ReasonKind.PERMISSION)]


def _status(transition: Transition, *, revision: Revision) -> list[Reason]:
    assert transition.method is not None
    if can_proceed(getattr(revision, transition.method)):
        return []
    message = NOT_ALLOWED.format(
        action=transition.name.replace("-", " "), status=revision.get_status_display().lower()
    )
    return [Reason("status", message, kind=ReasonKind.STATE)]


def _submit_guard(
    *, revision: Revision, actor: User | None, change: SubmittedChange | None = None
) -> list[Reason]:
    """The submission's preconditions; with `change` (what the action is given), whether it
    classifies the revision as its article's history allows and tells readers what changed."""
    reasons = []
    canonical = AudienceLevel.objects.get(is_canonical=True)
    if not revision.bodies.filter(audience=canonical).exclude(body="").exists():
        reasons.append(
            Reason(
                "canonical-missing",
                CANONICAL_MISSING.format(audience=canonical.label),
                CANONICAL_REMEDY,
            )
        )
    if unknown := revision_citations_unknown(revision=revision):
        reasons.append(
            Reason("unknown-citations", UNKNOWN_CITATIONS.format(keys=", ".join(unknown)))
        )
    if blocked := submission_blocked_message(revision):
        reasons.append(Reason("above-target", blocked, READABILITY_REMEDY))
    if change is not None:
        reasons += change_reasons(revision=revision, change=change)
    return reasons


def _decision_guard(*, revision: Revision, actor: User | None, approving: bool) -> list[Reason]:
    reasons = []
    assert actor is not None
    if permissions.can_decide.test(actor, revision):
        if decided_this_round(revision, actor):
            reasons.append(Reason("already-decided", ALREADY_DECIDED))
        elif not has_declared(revision=revision, reviewer=actor):
            reasons.append(Reason("declaration-required", DECLARATION_REQUIRED, DECLARE_REMEDY))
    if approving:
        blocking = unresolved_safety_comment(revision=revision)
        if blocking is not None:
            reasons.append(
                Reason(
                    "safety-comment-open",
                    SAFETY_BLOCKS.format(comment=blocking.label),
                    RESOLVE_REMEDY,
                )
            )
        if message := retracted_blocks_message(revision=revision):
            reasons.append(Reason("retracted-citation", message))
    return reasons


def _publish_state(*, revision: Revision) -> list[Reason]:
    allowed = publishable_statuses()
    if revision.status not in allowed and not editorial_by_one_editor(revision):
        message = NOT_PUBLISHABLE.format(
            status=revision.get_status_display().lower(),
            allowed=", ".join(ReviewStatus(s).label.lower() for s in allowed),
        )
        return [Reason("not-publishable", message, PUBLISHABLE_REMEDY, ReasonKind.STATE)]
    if revision.article.published_revision_id == revision.pk:
        message = ALREADY_PUBLISHED.format(number=revision.number)
        return [Reason("already-published", message, kind=ReasonKind.STATE)]
    return []


def replaces_approved(revision: Revision) -> Revision | None:
    """The approved revision readers see now, if publishing `revision` (not approved) would
    put it out of sight; else None."""
    published = revision.article.published_revision
    if (
        published is not None
        and published.pk != revision.pk
        and published.status == ReviewStatus.APPROVED
        and revision.status != ReviewStatus.APPROVED
        and not editorial_by_one_editor(revision)
    ):
        return published
    return None


def _publish_guard(*, revision: Revision, actor: User | None) -> list[Reason]:
    if actor is not None and editorial_by_one_editor(revision):
        if actor.pk in revision_writer_ids(revision):
            return [
                Reason(
                    "editorial-needs-other-editor",
                    EDITORIAL_NEEDS_OTHER_EDITOR,
                    kind=ReasonKind.PERMISSION,
                )
            ]
        return []
    if replaces_approved(revision) is None or actor is None:
        return []
    allowed = set(settings.IMPRIMATUR_REPLACE_APPROVED_GROUPS)
    if allowed & set(actor.groups.values_list("name", flat=True)):
        return []
    message = REPLACE_APPROVED_FORBIDDEN.format(groups=" or ".join(sorted(allowed)) or "nobody")
    return [Reason("replace-approved-forbidden", message, kind=ReasonKind.PERMISSION)]


def _unpublish_state(*, revision: Revision) -> list[Reason]:
    if revision.article.published_revision_id is None:
        return [Reason("not-published", NOT_PUBLISHED, kind=ReasonKind.STATE)]
    return []


GuardFunction = Callable[..., list[Reason]]
GUARDS: dict[str, GuardFunction] = {  # submit's takes the change too: transition_blockers
    APPROVE: lambda *, revision, actor: _decision_guard(
        revision=revision, actor=actor, approving=True
    ),
    REQUEST_CHANGES: lambda *, revision, actor: _decision_guard(
        revision=revision, actor=actor, approving=False
    ),
}


def transition_blockers(
    name: str,
    *,
    revision: Revision,
    actor: User | None,
    change: SubmittedChange | None = None,
) -> list[Reason]:
    """Why `actor` may not take transition `name` on `revision` now; empty when it may.

    Reasons of one kind: permission, else state, else preconditions. The revision's article
    must be loaded (publication looks at its pointer). `actor` None is the scheduler. `change`:
    what a submission says of the revision (checked only when given).
    """
    transition = TRANSITIONS[name]
    if reasons := _who(transition, revision=revision, actor=actor):
        return reasons
    if name == PUBLISH:
        return _publish_state(revision=revision) or _publish_guard(revision=revision, actor=actor)
    if name == UNPUBLISH:
        return _unpublish_state(revision=revision)
    if reasons := _status(transition, revision=revision):
        return reasons
    if name == SUBMIT:
        return _submit_guard(revision=revision, actor=actor, change=change)
    guard = GUARDS.get(name)
    return guard(revision=revision, actor=actor) if guard else []


@dataclass(frozen=True)
class TransitionState:
    """A transition as offered to one actor: allowed, or blocked with its reasons."""

    name: str
    label: str
    reasons: list[Reason]

    @property
    def allowed(self) -> bool:
        return not self.reasons


def transitions_state(*, revision: Revision, actor: User) -> list[TransitionState]:
    """Every transition, in table order, allowed or blocked for `actor` with the reasons."""
    return [
        TransitionState(
            name=name,
            label=transition.label,
            reasons=transition_blockers(name, revision=revision, actor=actor),
        )
        for name, transition in TRANSITIONS.items()
    ]


def transitions_available(*, revision: Revision, actor: User) -> list[str]:
    """The transition names this actor may take on this revision now, in table order."""
    return [
        state.name for state in transitions_state(revision=revision, actor=actor) if state.allowed
    ]
