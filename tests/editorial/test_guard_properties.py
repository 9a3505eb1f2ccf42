"""The guards tell the truth, whatever happened before: a stateful property test.

Hypothesis drives random sequences of actions by random people (two editors, three board
members) on one article through the services the workspace, the API, the admin and the tasks
call. Before every action it asks the action's guard, as the pages and
`GET …/transitions/` do. At every step:

- an action its guard allows succeeds (given valid input);
- an action its guard blocks is refused with exactly the guard's reasons;
- a refused action changes nothing (statuses, assignments, decisions, declarations, threads,
  the published pointer, the audit trail and the outbox are as they were).

Between actions the world moves too: references are retracted and restored, new drafts begin.
"""

from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import Group
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from articles.errors import ActionRefused, InvalidInput, Reason
from articles.models import (
    Article,
    AudienceLevel,
    OutboxMessage,
    Reference,
    ReviewStatus,
    Revision,
)
from articles.references.services import reference_version_create
from articles.services import revision_create_draft
from editorial import comments, permissions, review, workflow
from editorial.models import (
    AuditEvent,
    InterestDeclaration,
    ReviewAssignment,
    ReviewComment,
    ReviewDecision,
    User,
)
from editorial.workflow import (
    ACTION_NAMES,
    decided_this_round,
    run_action,
    transition_blockers,
)
from tests.conftest import reach_status
from tests.factories import BoardMemberFactory, EditorFactory, ReferenceFactory, RevisionFactory

SEEN: set[tuple[str, bool]] = set()  # (action, allowed) across the run: the test reached both
STARTS = [
    "fresh draft",
    ReviewStatus.DRAFT,
    ReviewStatus.SUBMITTED,
    ReviewStatus.UNDER_REVIEW,
    ReviewStatus.CHANGES_REQUESTED,
    ReviewStatus.APPROVED,
]
WHO = st.sampled_from(["editor", "chief", "invited", "invited", "board"])
WHICH = st.sampled_from(["newest", "newest", "published", "first"])
DECIDER = st.sampled_from(["invited", "invited", "invited", "editor", "board"])
ANSWERER = st.sampled_from(["reviewer", "reviewer", "reviewer", "editor", "other"])
CHIEF_GROUP = "Editors in chief"  # alone may put an unapproved revision over an approved one
BODY = "Rest, ice and graded loading help most people recover [@loading2019]."


def _snapshot(article: Article) -> tuple[Any, ...]:
    """Everything a refused action must leave as it was."""
    revisions = Revision.objects.filter(article=article).order_by("pk")
    return (
        Article.objects.filter(pk=article.pk).values_list("published_revision_id").get(),
        list(revisions.values_list("pk", "status", "review_round", "submitted_at", "approved_at")),
        list(ReviewAssignment.objects.order_by("pk").values_list("pk", "state", "due_date")),
        list(ReviewDecision.objects.order_by("pk").values_list("pk", "verdict")),
        list(InterestDeclaration.objects.order_by("pk").values_list("pk", "has_interests")),
        list(ReviewComment.objects.order_by("pk").values_list("pk", "resolved_at", "revision")),
        AuditEvent.objects.count(),
        OutboxMessage.objects.count(),
    )


class GuardsTellTheTruth(RuleBasedStateMachine):
    """One article; two editors (the second an editor in chief), three board members."""

    def __init__(self) -> None:
        super().__init__()
        # Each example runs in a savepoint of the test's transaction, rolled back at teardown.
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.editors = [EditorFactory(), EditorFactory()]
        self.editors[1].groups.add(Group.objects.get_or_create(name=CHIEF_GROUP)[0])
        self.board = [BoardMemberFactory() for _ in range(3)]
        self.reference: Reference = ReferenceFactory(key="loading2019", actor=self.editors[0])
        first: Revision = RevisionFactory(
            author=self.editors[0], last_edited_by=self.editors[0], canonical_body=BODY
        )
        self.article: Article = first.article
        self.canonical = AudienceLevel.objects.get(is_canonical=True)
        self.steps: list[str] = []

    @initialize(
        start=st.sampled_from(STARTS),
        invite_third=st.booleans(),
        published=st.booleans(),
        again=st.booleans(),
    )
    def start_somewhere(self, start: str, invite_third: bool, published: bool, again: bool) -> None:
        """Begin anywhere in the review's life (as the pages and the tasks find it), through
        the real actions: two board members invited, accepted, declared, maybe a third invited;
        maybe published; maybe a second draft begun."""
        first = self._revisions()[0]
        if start != "fresh draft":
            reach_status(first, start, editor=self.editors[0], reviewers=self.board[:2])
            first = self._revisions()[0]
        if invite_third and not transition_blockers(
            workflow.ASSIGN, revision=first, actor=self.editors[1]
        ):
            workflow.revision_assign_reviewer(
                revision=first, actor=self.editors[1], reviewer=self.board[2]
            )
        if published and first.status in workflow.publishable_statuses():
            workflow.article_publish(revision=first, actor=self.editors[1], note="Live")
        if again and not first.is_editable:
            revision_create_draft(article=self.article, author=self.editors[1])
        self.steps.append(f"start: {start} {invite_third=} {published=} {again=}")

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    # What the pages see ------------------------------------------------------------------

    def _revisions(self) -> list[Revision]:
        revisions = Revision.objects.filter(article=self.article).order_by("number")
        return list(revisions.select_related("article"))

    def _pick(self, items: list[Any], index: int) -> Any:
        return items[index % len(items)] if items else None

    def _revision(self, which: str) -> Revision:
        """The newest revision (where most work happens), the published one, or the first."""
        revisions = sorted(self._revisions(), key=lambda r: r.number)
        if which == "published":
            published = [r for r in revisions if r.pk == r.article.published_revision_id]
            return (published or revisions)[-1]
        return revisions[0] if which == "first" else revisions[-1]

    def _actor(self, who: str, revision: Revision) -> User:
        """An editor, a board member, or one the revision's editors invited (most often asked)."""
        if who == "invited":  # the one with something to do first, as they would come
            invited = sorted(
                ReviewAssignment.objects.filter(revision=revision).select_related("reviewer"),
                key=lambda a: (
                    not a.is_active,
                    decided_this_round(revision, a.reviewer),
                    a.state != ReviewAssignment.State.ACCEPTED,
                    -a.pk,
                ),
            )
            return invited[0].reviewer if invited else self.board[0]
        return {"editor": self.editors[0], "chief": self.editors[1]}.get(who, self.board[2])

    def _check(self, label: str, blockers: list[Reason], act: Any, *, valid: bool = True) -> None:
        """Run `act` and hold it to what its guard said (`valid`: the input is well formed)."""
        self.steps.append(f"{label}: {[r.code for r in blockers] or 'allowed'}")
        SEEN.add((label.split()[0], not blockers and valid))
        before = _snapshot(self.article)
        refused: ActionRefused | None = None
        try:
            with transaction.atomic():
                act()
        except ActionRefused as exc:
            refused = exc
        if refused is None:
            assert not blockers, f"{label}: blocked by {blockers}, yet it happened"
            assert valid, f"{label}: bad input accepted"
            return
        assert blockers or not valid, f"{label}: allowed, then refused: {refused.reasons}"
        if blockers:
            assert refused.reasons == blockers, f"{label}: {refused.reasons} != {blockers}"
        else:
            assert isinstance(refused, InvalidInput), label
        assert _snapshot(self.article) == before, f"{label}: refused, yet something changed"

    # Workflow transitions, as the buttons and the API run them ---------------------------

    def _transition(self, name: str, who: str, which: str, whom: int, with_note: bool) -> None:
        revision = self._revision(which)
        actor = self._actor(who, revision)
        reviewer = self.board[whom]
        blockers = transition_blockers(name, revision=revision, actor=actor)
        note = "Checked against the 2024 guideline." if with_note else ""
        valid = True
        if name == workflow.REQUEST_CHANGES:
            valid = with_note
        elif name == workflow.ASSIGN:
            valid = permissions.may_be_assigned.test(reviewer, revision) and not (
                ReviewAssignment.objects.filter(revision=revision, reviewer=reviewer)
                .filter(state__in=ReviewAssignment.ACTIVE_STATES)
                .exists()
            )
        elif name == workflow.PUBLISH and workflow.replaces_approved(revision) is not None:
            valid = with_note
        self._check(
            f"{name} r{revision.number} by {actor}",
            blockers,
            lambda: run_action(name, revision=revision, actor=actor, note=note, reviewer=reviewer),
            valid=valid,
        )

    @rule(who=WHO, which=WHICH)
    def submit(self, who: str, which: str) -> None:
        self._transition(workflow.SUBMIT, who, which, 0, False)

    @rule(who=WHO, which=WHICH, whom=st.integers(0, 2))
    def assign(self, who: str, which: str, whom: int) -> None:
        self._transition(workflow.ASSIGN, who, which, whom, False)

    @rule(who=DECIDER, which=WHICH, with_note=st.booleans())
    def approve(self, who: str, which: str, with_note: bool) -> None:
        self._transition(workflow.APPROVE, who, which, 0, with_note)

    @rule(who=DECIDER, which=WHICH, with_note=st.booleans())
    def request_changes(self, who: str, which: str, with_note: bool) -> None:
        self._transition(workflow.REQUEST_CHANGES, who, which, 0, with_note)

    @rule(who=WHO, which=WHICH)
    def withdraw(self, who: str, which: str) -> None:
        self._transition(workflow.WITHDRAW, who, which, 0, False)

    @rule(who=WHO, which=WHICH, with_note=st.booleans())
    def publish(self, who: str, which: str, with_note: bool) -> None:
        self._transition(workflow.PUBLISH, who, which, 0, with_note)

    @rule(who=WHO, which=WHICH)
    def unpublish(self, who: str, which: str) -> None:
        self._transition(workflow.UNPUBLISH, who, which, 0, False)

    # The reviewer's answers and the editors' removals -----------------------------------

    def _answer(self, verb: str, who: str, which: int, with_reason: bool = True) -> None:
        invited = ReviewAssignment.State.INVITED
        assignments = sorted(  # those the verb applies to first, the newest first
            ReviewAssignment.objects.filter(revision__article=self.article).select_related(
                "revision__article", "reviewer", "assigned_by"
            ),
            key=lambda a: (not (a.state == invited if verb == "accept" else a.is_active), -a.pk),
        )
        assignment = self._pick(assignments, which)
        if assignment is None:
            return
        others = [p for p in self.board if p.pk != assignment.reviewer_id]
        actor = {"reviewer": assignment.reviewer, "editor": self.editors[0]}.get(who, others[0])
        blockers, act = {
            "accept": (
                review.assignment_accept_blockers,
                lambda: review.assignment_accept(assignment=assignment, actor=actor),
            ),
            "decline": (
                review.assignment_decline_blockers,
                lambda: review.assignment_decline(
                    assignment=assignment, actor=actor, reason="Away" if with_reason else ""
                ),
            ),
            "remove": (
                review.assignment_remove_blockers,
                lambda: review.assignment_remove(assignment=assignment, actor=actor),
            ),
            "declare": (
                review.interests_declare_blockers,
                lambda: review.interests_declare(
                    assignment=assignment, actor=actor, none=True, interests=[]
                ),
            ),
        }[verb]
        self._check(
            f"{verb} #{assignment.pk} by {actor}",
            blockers(assignment=assignment, actor=actor),
            act,
            valid=with_reason,
        )

    @rule(who=ANSWERER, which=st.integers(0, 4))
    def accept(self, who: str, which: int) -> None:
        self._answer("accept", who, which)

    @rule(who=ANSWERER, which=st.integers(0, 4), with_reason=st.booleans())
    def decline(self, who: str, which: int, with_reason: bool) -> None:
        self._answer("decline", who, which, with_reason)

    @rule(who=st.sampled_from(["editor", "reviewer"]), which=st.integers(0, 4))
    def remove(self, who: str, which: int) -> None:
        self._answer("remove", who, which)

    @rule(who=ANSWERER, which=st.integers(0, 4))
    def declare(self, who: str, which: int) -> None:
        self._answer("declare", who, which)

    # Threads -----------------------------------------------------------------------------

    @rule(who=WHO, which=WHICH, safety=st.booleans())
    def comment(self, who: str, which: str, safety: bool) -> None:
        revision = self._revision(which)
        actor = self._actor(who, revision)
        severity = ReviewComment.Severity.SAFETY if safety else ReviewComment.Severity.NOTE
        self._check(
            f"comment r{revision.number} by {actor}",
            comments.comment_create_blockers(revision=revision, actor=actor),
            lambda: comments.comment_create(
                revision=revision,
                actor=actor,
                audience=self.canonical,
                quoted_text="Rest",
                offset=0,
                body="Say for how long.",
                severity=severity,
            ),
        )

    @rule(who=st.sampled_from(["author", "editor", "board"]), which=st.integers(0, 4))
    def resolve(self, who: str, which: int) -> None:
        self._resolve(who, which, resolve=True)

    @rule(who=st.sampled_from(["author", "editor", "board"]), which=st.integers(0, 4))
    def reopen(self, who: str, which: int) -> None:
        self._resolve(who, which, resolve=False)

    def _resolve(self, who: str, which: int, *, resolve: bool) -> None:
        threads = sorted(  # those the action applies to first, as people would pick them
            ReviewComment.objects.filter(revision__article=self.article).select_related("author"),
            key=lambda t: (t.is_resolved == resolve, -t.pk),
        )
        thread = self._pick(threads, which)
        if thread is None:
            return
        others = [p for p in self.board if p.pk != thread.author_id]
        actor = {"author": thread.author, "editor": self.editors[1]}.get(who, others[0])
        act = comments.comment_resolve if resolve else comments.comment_reopen
        self._check(
            f"{'resolve' if resolve else 'reopen'} #{thread.pk} by {actor}",
            comments.comment_resolve_blockers(comment=thread, actor=actor, resolved=resolve),
            lambda: act(comment=thread, actor=actor),
        )

    # The world moving between actions ----------------------------------------------------

    @rule()
    def reference_retracted_or_restored(self) -> None:
        self.reference.refresh_from_db()
        current = self.reference.current_version
        status = "active" if current.status == "retracted" else "retracted"
        reference_version_create(
            reference=self.reference,
            actor=self.editors[0],
            csl=current.csl,
            status=status,
            change_note=f"Marked {status}",
        )
        self.reference.refresh_from_db()
        self.steps.append(f"reference {status}")

    @rule(who=st.integers(0, 1))
    def new_draft(self, who: int) -> None:
        newest = max(self._revisions(), key=lambda r: r.number)
        if newest.is_editable:
            return
        revision_create_draft(article=self.article, author=self.editors[who])
        self.steps.append("new draft")

    @invariant()
    def approved_means_a_quorum_of_this_round(self) -> None:
        for revision in self._revisions():
            if revision.status == ReviewStatus.APPROVED:
                approvals = ReviewDecision.objects.filter(
                    revision=revision,
                    review_round=revision.review_round,
                    verdict=ReviewDecision.Verdict.APPROVE,
                )
                assert approvals.count() >= django_settings.IMPRIMATUR_MIN_APPROVALS, self.steps


ACTIONS = [*ACTION_NAMES, "accept", "decline", "remove", "declare", "comment", "resolve", "reopen"]


@pytest.mark.django_db
def test_what_the_guards_say_is_what_the_actions_do(settings_override: None) -> None:
    SEEN.clear()
    run_state_machine_as_test(
        GuardsTellTheTruth,
        settings=settings(
            max_examples=100,
            stateful_step_count=15,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
            derandomize=True,  # the same sequences in every run: CI never differs from here
        ),
    )
    # The random sequences were not idle: many actions were taken and refused (the walk below
    # makes sure of every action both ways).
    taken = {action for action, allowed in SEEN if allowed}
    refused = {action for action, allowed in SEEN if not allowed}
    assert len(taken) >= 5, sorted(SEEN)
    assert len(refused) >= 10, sorted(SEEN)


@pytest.mark.django_db
def test_every_action_is_held_to_its_guard_both_ways(settings_override: None) -> None:
    """A walk through one review, each action asked for by the wrong person or at the wrong
    moment and then by the right one, checked by the same machine."""
    SEEN.clear()
    walk = GuardsTellTheTruth()
    try:
        walk.start_somewhere(
            start=ReviewStatus.UNDER_REVIEW, invite_third=True, published=False, again=False
        )
        walk.accept(who="other", which=0)  # the third board member's invitation, not theirs
        walk.accept(who="reviewer", which=0)
        walk.declare(who="editor", which=0)
        walk.declare(who="reviewer", which=0)
        walk.comment(who="board", which="newest", safety=True)  # an accepted reviewer: may
        walk.approve(who="invited", which="newest", with_note=True)  # the safety comment
        walk.resolve(who="board", which=0)  # not the author, not an editor
        walk.reopen(who="author", which=0)  # open already
        walk.resolve(who="author", which=0)
        walk.reopen(who="editor", which=0)
        walk.resolve(who="editor", which=0)
        walk.request_changes(who="invited", which="newest", with_note=False)
        walk.withdraw(who="invited", which="newest")
        walk.approve(who="invited", which="newest", with_note=True)  # the 2nd of 2: approved
        walk.request_changes(who="invited", which="newest", with_note=True)  # too late
        walk.decline(who="reviewer", which=0, with_reason=True)  # decided: their decision stands
        walk.remove(who="reviewer", which=0)
        walk.remove(who="editor", which=0)
        walk.publish(who="board", which="newest", with_note=False)
        walk.publish(who="editor", which="newest", with_note=False)
        walk.unpublish(who="board", which="newest")
        walk.unpublish(who="editor", which="newest")
        walk.unpublish(who="editor", which="newest")  # not published any more
        walk.new_draft(who=0)
        walk.submit(who="board", which="newest")
        walk.withdraw(who="editor", which="newest")  # a draft
        walk.submit(who="editor", which="newest")
        walk.withdraw(who="editor", which="newest")
        walk.submit(who="editor", which="newest")
        walk.assign(who="board", which="newest", whom=0)
        walk.assign(who="editor", which="newest", whom=0)
        walk.decline(who="other", which=0, with_reason=True)
        walk.decline(who="reviewer", which=0, with_reason=True)
        walk.comment(who="invited", which="newest", safety=False)  # declined: no longer theirs
        walk.request_changes(who="editor", which="newest", with_note=True)
        walk.reference_retracted_or_restored()
        walk.approve(who="invited", which="first", with_note=True)  # approved already
        walk.approved_means_a_quorum_of_this_round()
    finally:
        walk.teardown()
    missing = {(action, allowed) for action in ACTIONS for allowed in (True, False)} - SEEN
    assert not missing, f"never {sorted(missing)} in {walk.steps}"


@pytest.fixture
def settings_override(settings) -> None:  # type: ignore[no-untyped-def]
    settings.IMPRIMATUR_REPLACE_APPROVED_GROUPS = [CHIEF_GROUP]
