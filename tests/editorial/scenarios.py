"""Shared test scenarios: the role matrix and the starting points of the transition table."""

from django.contrib.auth.models import AnonymousUser

from articles.models import ReviewStatus, Revision
from editorial import workflow
from editorial.models import User
from tests.factories import BoardMemberFactory, RevisionFactory

# action -> (a status the table allows it from, expected answer per role)
# Each action from a status where the board member is assigned (a submitted revision has no
# reviewers: submitted with them, it is under review).
ROLE_MATRIX = {
    "submit": (ReviewStatus.DRAFT, {"editor": 200, "assigned": 403}),
    "assign-reviewer": (ReviewStatus.UNDER_REVIEW, {"editor": 200, "assigned": 403}),
    "approve": (ReviewStatus.UNDER_REVIEW, {"editor": 403, "assigned": 200}),
    "request-changes": (ReviewStatus.UNDER_REVIEW, {"editor": 200, "assigned": 200}),
    "withdraw": (ReviewStatus.UNDER_REVIEW, {"editor": 200, "assigned": 403}),
    "publish": (ReviewStatus.UNDER_REVIEW, {"editor": 200, "assigned": 403}),
    "unpublish": (ReviewStatus.UNDER_REVIEW, {"editor": 200, "assigned": 403}),
}
# Actions that need the article published first (by an editor) to be allowed at all.
PUBLISHED_FIRST = {"unpublish"}

ROLES = ("editor", "assigned", "unassigned", "anonymous")


def actor_for(role: str, *, editor: User, reviewer: User) -> User | AnonymousUser:
    """The acting user for a role of ROLES; the unassigned board member is made fresh."""
    if role == "editor":
        return editor
    if role == "assigned":
        return reviewer
    if role == "unassigned":
        return BoardMemberFactory()
    return AnonymousUser()


def reach_pair_state(status: str, *, editor: User, reviewers: list[User], reach) -> Revision:  # type: ignore[no-untyped-def]
    """The same starting points as tests/editorial/test_workflow.py, so the second reviewer
    has not decided yet in any status."""
    revision = RevisionFactory(author=editor)
    if status in (ReviewStatus.CHANGES_REQUESTED, ReviewStatus.APPROVED):
        revision = reach(revision, ReviewStatus.UNDER_REVIEW, editor=editor, reviewers=reviewers)
        if status == ReviewStatus.APPROVED:
            workflow.revision_approve(revision=revision, actor=reviewers[1])
        else:
            workflow.revision_request_changes(
                revision=revision, actor=editor, reason="Needs a safety section."
            )
        revision.refresh_from_db()
        return revision
    return reach(revision, status, editor=editor, reviewers=reviewers)
