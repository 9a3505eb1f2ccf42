"""Every workflow action for every role, straight through the service (editorial.workflow)."""

import pytest
from django.contrib.auth.models import AnonymousUser, Group

from articles.models import ReviewStatus
from editorial import workflow
from editorial.models import EDITORS_GROUP, AuditEvent, ReviewDecision
from tests.editorial.scenarios import PUBLISHED_FIRST, ROLE_MATRIX, ROLES, actor_for
from tests.factories import BoardMemberFactory, RevisionFactory

CASES = [(action, role) for action in ROLE_MATRIX for role in ROLES]


def _state(revision):  # type: ignore[no-untyped-def]
    revision.refresh_from_db()
    article = revision.article
    article.refresh_from_db()
    return (
        revision.status,
        article.published_revision_id,
        AuditEvent.objects.count(),
        ReviewDecision.objects.count(),
    )


@pytest.mark.parametrize(("action", "role"), CASES)
def test_action_for_each_role(action, role, editor, reviewer, second_reviewer, reach):
    status, expected = ROLE_MATRIX[action]
    revision = reach(
        RevisionFactory(author=editor), status, editor=editor, reviewers=[second_reviewer, reviewer]
    )
    if action in PUBLISHED_FIRST:
        workflow.article_publish(revision=revision, actor=editor)
    actor = actor_for(role, editor=editor, reviewer=reviewer)
    before = _state(revision)

    def act():  # type: ignore[no-untyped-def]
        return workflow.run_action(
            action,
            revision=revision,
            actor=actor,
            note="Please cite the 2024 guideline.",
            reviewer=BoardMemberFactory(),
        )

    if expected.get(role) == 200:
        act()
        assert _state(revision)[2] == before[2] + 1
        assert AuditEvent.objects.first().actor == actor
    else:
        with pytest.raises(workflow.ActionForbidden, match="You may not "):
            act()
        assert _state(revision) == before


def test_the_author_on_the_board_can_neither_be_assigned_nor_decide(editor, reviewer, reach):
    author = BoardMemberFactory()
    author.groups.add(Group.objects.get(name=EDITORS_GROUP))
    revision = reach(
        RevisionFactory(author=author),
        ReviewStatus.UNDER_REVIEW,
        editor=editor,
        reviewers=[reviewer],
    )
    before = _state(revision)
    with pytest.raises(workflow.InvalidInput, match="cannot review this revision"):
        workflow.revision_assign_reviewer(revision=revision, actor=editor, reviewer=author)
    with pytest.raises(workflow.ActionForbidden, match="You may not approve"):
        workflow.revision_approve(revision=revision, actor=author)
    assert _state(revision) == before
    # As an editor the author may still send it back, like any editor.
    workflow.revision_request_changes(revision=revision, actor=author, reason="Typo in dose.")
    assert _state(revision)[0] == ReviewStatus.CHANGES_REQUESTED


def test_transitions_available_matches_what_the_service_allows(editor, reviewer, reach):
    revision = reach(
        RevisionFactory(author=editor),
        ReviewStatus.UNDER_REVIEW,
        editor=editor,
        reviewers=[reviewer],
    )
    assert workflow.transitions_available(revision=revision, actor=editor) == [
        "assign-reviewer",
        "request-changes",
        "withdraw",
        "publish",
    ]
    assert workflow.transitions_available(revision=revision, actor=reviewer) == [
        "approve",
        "request-changes",
    ]
    assert workflow.transitions_available(revision=revision, actor=BoardMemberFactory()) == []
    assert workflow.transitions_available(revision=revision, actor=AnonymousUser()) == []
