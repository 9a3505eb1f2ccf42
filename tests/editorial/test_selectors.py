"""Selectors agree with the permission predicates and leave finished work out of queues."""

from django.contrib.auth.models import Group

from articles.models import ReviewStatus
from editorial import permissions, selectors, workflow
from editorial.models import BOARD_GROUP, EDITORS_GROUP, User
from tests.factories import BoardMemberFactory, RevisionFactory


def test_assignable_board_members_follow_the_permission_rule(editor, reviewer, second_reviewer):
    author = BoardMemberFactory()
    author.groups.add(Group.objects.get(name=EDITORS_GROUP))
    inactive = BoardMemberFactory(is_active=False)
    revision = workflow.revision_submit(revision=RevisionFactory(author=author), actor=author)
    workflow.revision_assign_reviewer(revision=revision, actor=editor, reviewer=reviewer)

    assignable = list(selectors.board_members_assignable(revision=revision))

    expected = [
        member
        for member in User.objects.filter(groups__name=BOARD_GROUP, is_active=True)
        if permissions.may_be_assigned.test(member, revision) and member != reviewer
    ]
    assert assignable == expected == [second_reviewer]
    assert author not in assignable
    assert inactive not in assignable


def test_an_approved_article_already_public_waits_for_nobody(
    editor, reviewer, second_reviewer, reach
):
    revision = reach(
        RevisionFactory(author=editor),
        ReviewStatus.APPROVED,
        editor=editor,
        reviewers=[reviewer, second_reviewer],
    )
    assert list(selectors.articles_waiting_for_editors()) == [revision.article]
    workflow.article_publish(revision=revision, actor=editor)
    assert list(selectors.articles_waiting_for_editors()) == []


def test_board_members_see_only_articles_they_review(editor, reviewer, second_reviewer):
    mine = workflow.revision_submit(revision=RevisionFactory(author=editor), actor=editor)
    other = workflow.revision_submit(revision=RevisionFactory(author=editor), actor=editor)
    workflow.revision_assign_reviewer(revision=mine, actor=editor, reviewer=reviewer)
    workflow.revision_assign_reviewer(revision=other, actor=editor, reviewer=second_reviewer)

    assert list(selectors.articles_for_user(user=reviewer)) == [mine.article]
    assert list(selectors.revisions_for_user(user=reviewer)) == [mine]
    assert set(selectors.articles_for_user(user=editor)) == {mine.article, other.article}
    assert list(selectors.articles_for_user(user=BoardMemberFactory())) == []
