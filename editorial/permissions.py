"""Who may do what: small `rules` predicates, the one place every view, API and service asks."""

from collections.abc import Iterable
from typing import Any

import rules

from articles.models import Article, Revision
from articles.selectors import article_writer_ids
from editorial.models import BOARD_GROUP, EDITORS_GROUP, ReviewAssignment, ReviewComment

# Where a user object keeps its group names once read (group_names).
GROUP_NAMES = "_imprimatur_group_names"


def group_names(user: Any) -> frozenset[str]:
    """The names of the user's groups, read once per user object; editorial.tokens gives
    them with the token's user (group_names_known), so the permissions ask no query."""
    names: frozenset[str] | None = getattr(user, GROUP_NAMES, None)
    if names is None:
        names = frozenset(user.groups.values_list("name", flat=True)) if user.pk else frozenset()
        group_names_known(user, names)
    return names


def group_names_known(user: Any, names: Iterable[str]) -> None:
    """Tell the user object its group names (read with it)."""
    setattr(user, GROUP_NAMES, frozenset(names))


@rules.predicate
def is_editor(user: Any) -> bool:
    return EDITORS_GROUP in group_names(user)


@rules.predicate
def is_board_member(user: Any) -> bool:
    return BOARD_GROUP in group_names(user)


@rules.predicate
def wrote_article(user, revision: Revision) -> bool:
    """Whether the user wrote or edited any revision of the revision's article (asked once per
    revision object)."""
    writers = getattr(revision, "_writer_ids", None)
    if writers is None:
        writers = revision._writer_ids = article_writer_ids(article_id=revision.article_id)  # type: ignore[attr-defined]
    return user.pk in writers


def assignment_state(user, revision: Revision) -> str | None:
    """The user's assignment state on the revision, or None. Reads `revision.assignments` when
    the caller prefetched them (the review page does, to ask once), else asks the database."""
    if not user.is_authenticated:
        return None
    if "assignments" in getattr(revision, "_prefetched_objects_cache", {}):
        return next((a.state for a in revision.assignments.all() if a.reviewer_id == user.pk), None)
    return (
        ReviewAssignment.objects.filter(revision=revision, reviewer=user)
        .values_list("state", flat=True)
        .first()
    )


@rules.predicate
def is_assigned_reviewer(user, revision: Revision) -> bool:
    """Invited or accepted: a declined or removed reviewer no longer reads the revision."""
    return assignment_state(user, revision) in ReviewAssignment.ACTIVE_STATES


@rules.predicate
def is_accepted_reviewer(user, revision: Revision) -> bool:
    return assignment_state(user, revision) == ReviewAssignment.State.ACCEPTED


@rules.predicate
def reviews_article(user, article: Article) -> bool:
    if not user.is_authenticated:
        return False
    return ReviewAssignment.objects.filter(
        revision__article=article, reviewer=user, state__in=ReviewAssignment.ACTIVE_STATES
    ).exists()


@rules.predicate
def is_invitee(user, assignment: ReviewAssignment) -> bool:
    return assignment.reviewer_id == user.pk


@rules.predicate
def is_comment_author(user, comment: ReviewComment) -> bool:
    return comment.author_id == user.pk


@rules.predicate
def may_comment_on(user, revision: Revision) -> bool:
    """Editors, and reviewers who accepted (and wrote or edited no revision of the article)."""
    return bool(is_editor.test(user) or can_decide.test(user, revision))


# Nobody who wrote or edited any revision of an article reviews it.
may_be_assigned = is_board_member & ~wrote_article
# Only an accepted reviewer decides; the declaration of interests is a guard in the workflow.
can_decide = may_be_assigned & is_accepted_reviewer

can_edit = is_editor
can_submit = is_editor
can_assign_reviewer = is_editor
can_withdraw = is_editor
can_publish = is_editor
can_request_changes = can_decide | is_editor
can_approve = can_decide
can_view_revision = is_editor | is_assigned_reviewer
can_view_article = is_editor | reviews_article
# The public page a revision will become: its editors and its invited or accepted reviewers.
can_preview_revision = is_editor | is_assigned_reviewer
# Comparing any two revisions of an article, and starting a draft from an older one.
can_compare_revisions = is_editor
can_respond_to_invitation = is_invitee
can_remove_reviewer = is_editor
can_comment = may_comment_on
can_resolve_comment = is_editor | is_comment_author
# The reference library: the board reads it (and each reference's history), editors change it.
can_read_references = is_editor | is_board_member
can_edit_references = is_editor
# Readers' follow-up questions (they may hold a reader's e-mail): editors only.
can_handle_questions = is_editor

for name, predicate in {
    "can_edit": can_edit,
    "can_submit": can_submit,
    "can_assign_reviewer": can_assign_reviewer,
    "can_withdraw": can_withdraw,
    "can_publish": can_publish,
    "can_request_changes": can_request_changes,
    "can_approve": can_approve,
    "can_view_revision": can_view_revision,
    "can_view_article": can_view_article,
    "can_preview_revision": can_preview_revision,
    "can_compare_revisions": can_compare_revisions,
    "can_respond_to_invitation": can_respond_to_invitation,
    "can_remove_reviewer": can_remove_reviewer,
    "can_comment": can_comment,
    "can_resolve_comment": can_resolve_comment,
    "can_read_references": can_read_references,
    "can_edit_references": can_edit_references,
    "can_handle_questions": can_handle_questions,
}.items():
    rules.set_rule(name, predicate)
