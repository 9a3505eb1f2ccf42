"""The transition table, exercised pair by pair through the real workflow functions."""

import itertools

import pytest
from django.contrib.auth.models import Group

from articles.models import ReviewStatus, Revision
from editorial import workflow
from editorial.models import EDITORS_GROUP, AuditEvent, ReviewDecision
from tests.editorial.scenarios import reach_pair_state
from tests.factories import BoardMemberFactory, RevisionFactory, assign_ready

# django-fsm yields one transition per (source, name): gather the sources of each name.
FSM_TRANSITIONS: dict[str, tuple[set[str], str]] = {}
for _t in Revision._meta.get_field("status").get_all_transitions(Revision):
    FSM_TRANSITIONS.setdefault(_t.name, (set(), _t.target))[0].add(_t.source)
# The workflow's action names, each with the sources and target of the FSM method behind it.
TABLE = {name: FSM_TRANSITIONS[t.method] for name, t in workflow.TRANSITIONS.items() if t.method}
# A reviewer's decision on a submitted revision: it has no reviewers (submitted with them, it is
# under review), so the refusal is the actor's, not the status's (test_workspace's table).
PAIRS = [
    (status, action)
    for status, action in itertools.product(ReviewStatus.values, TABLE)
    if not (status == ReviewStatus.SUBMITTED and action in ("approve", "request-changes"))
]
# Submitting has two targets: under review when board members are still assigned (every
# submittable state reach_pair_state makes has them: withdrawn, or sent back for changes),
# else submitted (test_a_first_submission_waits_for_reviewers_to_be_invited).
assert set(TABLE["submit"][1].allowed_states) == {
    ReviewStatus.SUBMITTED,
    ReviewStatus.UNDER_REVIEW,
}
TARGETS = {
    name: ReviewStatus.UNDER_REVIEW if name == "submit" else t for name, (_, t) in TABLE.items()
}


def test_every_fsm_transition_has_a_workflow_action():
    assert set(FSM_TRANSITIONS) == {t.method for t in workflow.TRANSITIONS.values() if t.method}


def _allowed(status: str, action: str) -> bool:
    return status in TABLE[action][0]


def _perform(action: str, revision: Revision, *, editor, reviewers, third):
    if action == "submit":
        return workflow.revision_submit(revision=revision, actor=editor)
    if action == "assign-reviewer":
        return workflow.revision_assign_reviewer(revision=revision, actor=editor, reviewer=third)
    if action == "approve":
        return workflow.revision_approve(revision=revision, actor=reviewers[1])
    if action == "request-changes":
        return workflow.revision_request_changes(
            revision=revision, actor=reviewers[1], reason="Dose table is out of date."
        )
    return workflow.revision_withdraw(revision=revision, actor=editor)


@pytest.mark.parametrize(("status", "action"), PAIRS)
def test_transition_table_pair(status, action, editor, reach, django_capture_on_commit_callbacks):
    reviewers = [BoardMemberFactory(), BoardMemberFactory()]
    third = BoardMemberFactory()
    revision = reach_pair_state(status, editor=editor, reviewers=reviewers, reach=reach)
    events_before = AuditEvent.objects.count()
    decisions_before = ReviewDecision.objects.count()

    if _allowed(status, action):
        _perform(action, revision, editor=editor, reviewers=reviewers, third=third)
        revision.refresh_from_db()
        assert revision.status == TARGETS[action]
        assert AuditEvent.objects.count() == events_before + 1
        event = AuditEvent.objects.first()
        assert (event.from_status, event.to_status) == (status, TARGETS[action])
        assert event.revision == revision
    else:
        with pytest.raises(workflow.TransitionNotAllowed, match=r"Cannot .*: the revision is"):
            _perform(action, revision, editor=editor, reviewers=reviewers, third=third)
        revision.refresh_from_db()
        assert revision.status == status
        assert AuditEvent.objects.count() == events_before
        assert ReviewDecision.objects.count() == decisions_before


def test_submit_requires_the_canonical_body(editor):
    revision = RevisionFactory(author=editor, canonical_body="")
    with pytest.raises(workflow.GuardFailed, match="Healthcare professional version"):
        workflow.revision_submit(revision=revision, actor=editor)
    revision.refresh_from_db()
    assert revision.status == ReviewStatus.DRAFT
    assert not AuditEvent.objects.exists()


def test_quorum_of_two_approves_on_the_second_approval(editor, reviewer, second_reviewer):
    revision = workflow.revision_submit(revision=RevisionFactory(author=editor), actor=editor)
    assign_ready(revision, editor=editor, reviewer=second_reviewer)
    assign_ready(revision, editor=editor, reviewer=reviewer)
    workflow.revision_approve(revision=revision, actor=reviewer)
    revision.refresh_from_db()
    assert revision.status == ReviewStatus.UNDER_REVIEW
    with pytest.raises(workflow.GuardFailed, match="already given your decision"):
        workflow.revision_approve(revision=revision, actor=reviewer)
    workflow.revision_approve(revision=revision, actor=second_reviewer)
    revision.refresh_from_db()
    assert revision.status == ReviewStatus.APPROVED
    assert revision.approved_at is not None
    assert AuditEvent.objects.filter(to_status=ReviewStatus.APPROVED).count() == 1


def test_quorum_is_configurable(settings, editor, reviewer, reach):
    settings.IMPRIMATUR_MIN_APPROVALS = 1
    revision = reach(
        RevisionFactory(author=editor),
        ReviewStatus.UNDER_REVIEW,
        editor=editor,
        reviewers=[reviewer],
    )
    workflow.revision_approve(revision=revision, actor=reviewer)
    revision.refresh_from_db()
    assert revision.status == ReviewStatus.APPROVED


def test_approvals_of_an_earlier_round_do_not_count(editor, reviewer, second_reviewer, reach):
    revision = reach(
        RevisionFactory(author=editor),
        ReviewStatus.UNDER_REVIEW,
        editor=editor,
        reviewers=[reviewer, second_reviewer],
    )  # reviewer approved in round 1
    workflow.revision_withdraw(revision=revision, actor=editor)
    workflow.revision_submit(revision=revision, actor=editor)
    third = BoardMemberFactory()
    workflow.revision_assign_reviewer(revision=revision, actor=editor, reviewer=third)
    workflow.revision_approve(revision=revision, actor=second_reviewer)
    revision.refresh_from_db()
    assert revision.status == ReviewStatus.UNDER_REVIEW  # 1 approval this round, not 2


def test_request_changes_needs_a_reason(editor, reviewer, reach):
    revision = reach(
        RevisionFactory(author=editor),
        ReviewStatus.UNDER_REVIEW,
        editor=editor,
        reviewers=[reviewer],
    )
    with pytest.raises(workflow.InvalidInput, match="a reason is required"):
        workflow.revision_request_changes(revision=revision, actor=reviewer, reason="   ")
    revision.refresh_from_db()
    assert revision.status == ReviewStatus.UNDER_REVIEW
    assert not ReviewDecision.objects.exists()


def test_the_author_can_never_be_assigned(db):
    author = BoardMemberFactory()
    author.groups.add(Group.objects.get(name=EDITORS_GROUP))
    revision = RevisionFactory(author=author)
    workflow.revision_submit(revision=revision, actor=author)
    with pytest.raises(workflow.InvalidInput, match="cannot review this revision"):
        workflow.revision_assign_reviewer(revision=revision, actor=author, reviewer=author)
    revision.refresh_from_db()
    assert revision.status == ReviewStatus.SUBMITTED
