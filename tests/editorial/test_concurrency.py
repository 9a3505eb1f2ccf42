"""Two board members approving the same revision at the same moment.

The second approval arrives while the first one's transaction is still open. Without the
revision's row lock (PostgreSQL in CI; BEGIN IMMEDIATE on SQLite) each would count only its
own approval and the revision would never be approved.
"""

import pytest

from articles.models import ReviewStatus
from editorial import workflow
from editorial.models import AuditEvent, ReviewDecision
from tests.factories import BoardMemberFactory, EditorFactory, RevisionFactory, assign_ready
from tests.races import race


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_simultaneous_approvals_approve_exactly_once():
    editor = EditorFactory()
    first, second = BoardMemberFactory(), BoardMemberFactory()
    revision = workflow.revision_submit(revision=RevisionFactory(author=editor), actor=editor)
    for reviewer in (first, second):
        assign_ready(revision, editor=editor, reviewer=reviewer)

    # The second approval starts while the first one's transaction is still open.
    race(
        lambda: workflow.revision_approve(revision=revision, actor=first),
        lambda: workflow.revision_approve(revision=revision, actor=second),
        held=1,
    )

    revision.refresh_from_db()
    assert revision.status == ReviewStatus.APPROVED
    assert ReviewDecision.objects.filter(revision=revision).count() == 2
    approvals = AuditEvent.objects.filter(revision=revision, to_status=ReviewStatus.APPROVED)
    assert approvals.exclude(from_status=ReviewStatus.APPROVED).count() == 1
