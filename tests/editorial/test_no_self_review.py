"""Nobody reviews an article they wrote: whoever wrote or edited any revision of it can never be
assigned to review it, nor count toward its approval, however little a colleague changed since.
"""

import pytest
from django.contrib.auth.models import Group
from rest_framework.test import APIClient

from articles.models import AudienceLevel
from articles.services import article_create, revision_create_draft, revision_edit
from editorial import workflow
from editorial.models import BOARD_GROUP, ReviewDecision
from editorial.policy import quorum_state
from tests.factories import BoardMemberFactory, EditorFactory, assign_ready

BODY = "Rest, ice and graded loading help most people recover."


@pytest.fixture
def clinician_editor(db):  # type: ignore[no-untyped-def]
    """An editor who also sits on the advisory board."""
    user = EditorFactory(username="dr.both")
    user.groups.add(Group.objects.get(name=BOARD_GROUP))
    return user


def _second_revision_by_a_colleague(first_author, colleague):  # type: ignore[no-untyped-def]
    article = article_create(title="Shin splints", topic="Sports medicine", author=first_author)
    canonical = AudienceLevel.objects.get(is_canonical=True)
    first = article.revisions.get()
    revision_edit(revision=first, editor=first_author, bodies={canonical: BODY})
    workflow.revision_submit(revision=first, actor=first_author)
    workflow.revision_withdraw(revision=first, actor=first_author)
    workflow.revision_submit(revision=first, actor=first_author)
    workflow.article_publish(revision=first, actor=colleague)
    draft = revision_create_draft(article=article, author=colleague)
    revision_edit(revision=draft, editor=colleague, bodies={canonical: BODY.replace(".", "!")})
    return workflow.revision_submit(revision=draft, actor=colleague)


def test_the_author_of_an_earlier_revision_cannot_review_a_later_one(clinician_editor, editor):
    second = _second_revision_by_a_colleague(clinician_editor, editor)
    with pytest.raises(workflow.InvalidInput, match="wrote or edited no revision"):
        workflow.revision_assign_reviewer(revision=second, actor=editor, reviewer=clinician_editor)

    api = APIClient()
    api.force_authenticate(editor)
    response = api.post(
        f"/api/v1/articles/{second.article_id}/transitions/assign-reviewer/",
        {"reviewer": clinician_editor.pk},
        format="json",
    )
    assert response.status_code == 400
    assert not second.assignments.exists()


def test_an_editor_who_only_edited_a_draft_cannot_review_it(clinician_editor, editor):
    article = article_create(title="Runner's knee", topic="Sports medicine", author=editor)
    draft = article.revisions.get()
    canonical = AudienceLevel.objects.get(is_canonical=True)
    revision_edit(revision=draft, editor=clinician_editor, bodies={canonical: BODY})
    revision_edit(revision=draft, editor=editor, bodies={canonical: BODY + " Ice helps."})
    workflow.revision_submit(revision=draft, actor=editor)
    # Neither the author nor the last editor, yet they wrote in it.
    with pytest.raises(workflow.InvalidInput, match="wrote or edited no revision"):
        workflow.revision_assign_reviewer(revision=draft, actor=editor, reviewer=clinician_editor)


def test_a_writer_never_counts_toward_the_quorum(clinician_editor, editor):
    second = _second_revision_by_a_colleague(clinician_editor, editor)
    reviewer = BoardMemberFactory()
    assign_ready(second, editor=editor, reviewer=reviewer)
    workflow.revision_approve(revision=second, actor=reviewer)
    assert quorum_state(revision=second).approvals == 1
    # What a writer's approval would add: nothing.
    assert quorum_state(revision=second, approving=clinician_editor).approvals == 1
    assert quorum_state(revision=second, approving=BoardMemberFactory()).approvals == 2
    assert ReviewDecision.objects.filter(revision=second).count() == 1


def test_the_invitation_list_offers_no_writer(clinician_editor, editor):
    from editorial.selectors import board_members_assignable

    second = _second_revision_by_a_colleague(clinician_editor, editor)
    other = BoardMemberFactory()
    offered = list(board_members_assignable(revision=second))
    assert other in offered
    assert clinician_editor not in offered
