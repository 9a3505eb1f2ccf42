"""Each assignment's copy of its revision's status and round, and of the round its reviewer
last decided, is kept by the database (triggers of migrations editorial 0012 and 0013, on
SQLite and on PostgreSQL), so that a reviewer's open reviews and the late ones are read from
indexes that hold only open reviews, however many reviews were done."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import Exists, OuterRef
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import ReviewStatus, Revision
from editorial import selectors, workflow
from editorial.models import OPEN_REVIEW, ReviewAssignment, ReviewDecision
from tests.factories import BoardMemberFactory, RevisionFactory, assign_ready
from tests.plans import assert_served_by

pytestmark = pytest.mark.django_db


def _status(assignment: ReviewAssignment) -> str | None:
    return ReviewAssignment.objects.values_list("revision_status", flat=True).get(pk=assignment.pk)


def test_the_copy_follows_the_revision_through_the_review(editor, reviewer, second_reviewer):
    revision = workflow.revision_submit(revision=RevisionFactory(author=editor), actor=editor)
    first = assign_ready(revision, editor=editor, reviewer=reviewer)
    second = assign_ready(revision, editor=editor, reviewer=second_reviewer)
    revision.refresh_from_db()
    assert revision.status == ReviewStatus.UNDER_REVIEW
    assert _status(first) == _status(second) == ReviewStatus.UNDER_REVIEW
    assert list(selectors.my_pending_reviews(user=reviewer)) == [first]

    workflow.revision_request_changes(revision=revision, actor=reviewer, reason="Dose unclear")
    assert _status(first) == _status(second) == ReviewStatus.CHANGES_REQUESTED
    assert list(selectors.my_pending_reviews(user=second_reviewer)) == []
    # A write no action makes (an update of many rows) is followed too.
    Revision.objects.filter(pk=revision.pk).update(status=ReviewStatus.UNDER_REVIEW)
    assert _status(first) == ReviewStatus.UNDER_REVIEW


def test_a_stale_assignment_saved_keeps_its_revisions_status(editor, reviewer):
    revision = workflow.revision_submit(revision=RevisionFactory(author=editor), actor=editor)
    assignment = assign_ready(revision, editor=editor, reviewer=reviewer)
    stale = ReviewAssignment.objects.get(pk=assignment.pk)  # read while under review
    workflow.revision_withdraw(revision=Revision.objects.get(pk=revision.pk), actor=editor)
    stale.due_date = timezone.localdate() + timedelta(days=30)
    stale.save()
    assert _status(assignment) == Revision.objects.get(pk=revision.pk).status
    assert list(selectors.my_pending_reviews(user=reviewer)) == []


def _awaiting_from_the_decisions() -> set[int]:
    """The reviews awaiting a decision read from the decisions themselves (what
    assignments_awaiting_decision read before migration 0013 kept the rounds)."""
    decided = ReviewDecision.objects.filter(
        assignment=OuterRef("pk"), review_round=OuterRef("revision__review_round")
    )
    return set(
        ReviewAssignment.objects.filter(OPEN_REVIEW)
        .exclude(Exists(decided))
        .values_list("pk", flat=True)
    )


def _awaiting() -> set[int]:
    awaiting = set(selectors.assignments_awaiting_decision().values_list("pk", flat=True))
    assert awaiting == _awaiting_from_the_decisions()
    return awaiting


def test_awaiting_a_decision_follows_decisions_and_rounds(editor, reviewer, second_reviewer):
    revision = workflow.revision_submit(revision=RevisionFactory(author=editor), actor=editor)
    first = assign_ready(revision, editor=editor, reviewer=reviewer)
    second = assign_ready(revision, editor=editor, reviewer=second_reviewer)
    assert _awaiting() == {first.pk, second.pk}

    workflow.revision_approve(revision=Revision.objects.get(pk=revision.pk), actor=reviewer)
    assert _awaiting() == {second.pk}
    workflow.revision_request_changes(
        revision=Revision.objects.get(pk=revision.pk), actor=second_reviewer, reason="Dose?"
    )
    assert _awaiting() == set()  # the revision is no longer under review

    # Submitted again (round 2) and back under review with a third member: both earlier
    # reviewers' decisions were of round 1, so all three await one.
    revision = workflow.revision_submit(revision=Revision.objects.get(pk=revision.pk), actor=editor)
    third = assign_ready(revision, editor=editor, reviewer=BoardMemberFactory())
    assert Revision.objects.get(pk=revision.pk).review_round == 2
    assert _awaiting() == {first.pk, second.pk, third.pk}

    workflow.revision_approve(revision=Revision.objects.get(pk=revision.pk), actor=reviewer)
    assert _awaiting() == {second.pk, third.pk}
    # Writes no action makes are followed too: a decision deleted, a round moved by an update.
    ReviewDecision.objects.filter(assignment=first, review_round=2).delete()
    assert _awaiting() == {first.pk, second.pk, third.pk}
    ReviewDecision.objects.filter(assignment=second).update(review_round=2)
    assert _awaiting() == {first.pk, third.pk}
    Revision.objects.filter(pk=revision.pk).update(review_round=3)
    assert _awaiting() == {first.pk, second.pk, third.pk}


def test_a_stale_assignment_saved_keeps_its_decided_round(editor, reviewer, second_reviewer):
    revision = workflow.revision_submit(revision=RevisionFactory(author=editor), actor=editor)
    assignment = assign_ready(revision, editor=editor, reviewer=reviewer)
    assign_ready(revision, editor=editor, reviewer=second_reviewer)
    stale = ReviewAssignment.objects.get(pk=assignment.pk)  # read before the decision
    workflow.revision_approve(revision=Revision.objects.get(pk=revision.pk), actor=reviewer)
    stale.due_date = timezone.localdate() - timedelta(days=3)
    stale.save()
    assert ReviewAssignment.objects.get(pk=assignment.pk).decided_round == 1
    assert assignment.pk not in _awaiting()
    assert list(selectors.late_assignments()) == []


@pytest.mark.postgresql
def test_open_and_late_reviews_are_read_from_indexes_of_open_reviews(editor, reviewer):
    revision = workflow.revision_submit(revision=RevisionFactory(author=editor), actor=editor)
    assign_ready(revision, editor=editor, reviewer=reviewer)
    for queryset, index in (
        (selectors.my_pending_reviews(user=reviewer)[:20], "assignment_open"),
        (selectors.late_assignments()[:20], "assignment_awaiting"),
    ):
        with CaptureQueriesContext(connection) as queries:
            list(queryset)
        assert_served_by(queries.captured_queries[-1]["sql"], index)


@pytest.mark.postgresql
def test_the_queues_reviews_decided_or_closed_are_read_newest_first_from_an_index(editor, reviewer):
    revision = workflow.revision_submit(revision=RevisionFactory(author=editor), actor=editor)
    assign_ready(revision, editor=editor, reviewer=reviewer)
    done = selectors.reviews_done_or_closed(user=reviewer)
    with CaptureQueriesContext(connection) as queries:
        list(done[:25])
        done.count()
    rows, count = (query["sql"] for query in queries.captured_queries[-2:])
    assert_served_by(rows, "assignment_done")
    assert_served_by(count, "assignment_done", only=True)  # never the rows of a long history
