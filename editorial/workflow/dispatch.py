"""Run a transition by its URL name: what the workspace buttons and the API call."""

from datetime import date

from articles.errors import (
    InvalidInput,
)
from articles.models import Revision
from editorial.models import (
    User,
)
from editorial.workflow.actions import (
    UNKNOWN_TRANSITION,
    revision_approve,
    revision_assign_reviewer,
    revision_request_changes,
    revision_submit,
    revision_withdraw,
)
from editorial.workflow.change_kinds import SubmittedChange
from editorial.workflow.guards import (
    APPROVE,
    ASSIGN,
    PUBLISH,
    REQUEST_CHANGES,
    SUBMIT,
    TRANSITIONS,
    UNPUBLISH,
    WITHDRAW,
)
from editorial.workflow.publication import article_publish, article_unpublish


def run_action(
    name: str,
    *,
    revision: Revision,
    actor: User,
    note: str = "",
    reviewer: User | None = None,
    due_date: date | None = None,
    editors_note: str = "",
    change: SubmittedChange | None = None,
) -> object:
    """Run a transition by its URL name; the API and the workspace buttons use this.

    Unpublish acts on `revision`'s article (whichever revision is published); `change` is
    what a submission says of the revision (its kind and the summary for readers).
    """
    if name == SUBMIT:
        return revision_submit(revision=revision, actor=actor, note=note, change=change)
    if name == ASSIGN:
        return revision_assign_reviewer(
            revision=revision, actor=actor, reviewer=reviewer, note=note, due_date=due_date
        )
    if name == APPROVE:
        return revision_approve(
            revision=revision, actor=actor, note=note, editors_note=editors_note
        )
    if name == REQUEST_CHANGES:
        return revision_request_changes(
            revision=revision, actor=actor, reason=note, editors_note=editors_note
        )
    if name == WITHDRAW:
        return revision_withdraw(revision=revision, actor=actor, note=note)
    if name == PUBLISH:
        return article_publish(revision=revision, actor=actor, note=note)
    if name == UNPUBLISH:
        return article_unpublish(article=revision.article, actor=actor, note=note)
    raise InvalidInput(UNKNOWN_TRANSITION.format(name=name, known=", ".join(TRANSITIONS)))
