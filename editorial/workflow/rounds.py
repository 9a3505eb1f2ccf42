"""The next round of review: the board members who reviewed the article's last round, invited
to review its new revision in one step instead of one by one.

After changes are requested, the editors write revision N+1 and submit it; nobody reviews it
yet. The usual next step is to ask the same clinicians: each is invited as
`revision_assign_reviewer` invites one (its guard, its event, its notice), accepts and declares
their interests for the new revision again (an interest may have changed since).
"""

from datetime import date

from django.db import transaction
from django.db.models import QuerySet, Subquery

from articles.errors import InvalidInput
from articles.models import Revision
from editorial.models import ReviewAssignment, User
from editorial.selectors import board_members_assignable
from editorial.workflow.actions import (
    lock_revision,
    refuse_unless_allowed,
    revision_assign_reviewer,
)
from editorial.workflow.guards import ASSIGN

NOBODY_TO_INVITE_AGAIN = (
    "Nobody to invite again: the reviewers of the last round review this revision already, or "
    "may not review it."
)


def last_round_reviewers(*, revision: Revision) -> QuerySet[User]:
    """Who accepted to review the article's last round (its latest revision before `revision`
    that board members accepted to review) and may be invited to review `revision` now
    (board_members_assignable: the invitation list's rule), by name."""
    accepted = ReviewAssignment.objects.filter(
        revision__article_id=revision.article_id, state=ReviewAssignment.State.ACCEPTED
    )
    last_round = (
        accepted.filter(revision__number__lt=revision.number)
        .order_by("-revision__number")
        .values("revision__number")[:1]
    )
    return board_members_assignable(revision=revision).filter(
        pk__in=accepted.filter(revision__number=Subquery(last_round)).values("reviewer")
    )


def revision_invite_reviewers_again(
    *, revision: Revision, actor: User, due_date: date | None = None
) -> list[ReviewAssignment]:
    """Invite each of `last_round_reviewers` to review `revision` by `due_date` (default in
    14 days), all or none, as `revision_assign_reviewer` invites one.

    Raises what it raises (ActionForbidden, TransitionNotAllowed, InvalidInput), and
    InvalidInput when there is nobody to invite again.
    """
    with transaction.atomic():
        revision = lock_revision(revision)
        refuse_unless_allowed(ASSIGN, revision=revision, actor=actor)
        members = list(last_round_reviewers(revision=revision))
        if not members:
            raise InvalidInput(NOBODY_TO_INVITE_AGAIN)
        return [
            revision_assign_reviewer(
                revision=revision, actor=actor, reviewer=member, due_date=due_date
            )
            for member in members
        ]
